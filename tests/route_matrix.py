"""The role matrix: every route with the roles allowed to reach it, shared by the access and page tests.

Each feature area adds its routes in ``tests/routes_<area>.py``: a ``ROUTES`` dict of the same shape, and a
function ``records(court, make_user, make_deputy, make_department) -> {placeholder: id}`` for its URL templates.
"""
import importlib
from pathlib import Path

from portal.auth.models import Duty, Role

# Who the matrix logs in as: each business role, and each administrator duty held alone (no business role). A
# user with a business role and a duty reaches the union of both (tests/test_roles.py).
ACTORS = [Role.LIAISON, Role.LEADER, Role.HANDLER, Role.DEPUTY, Duty.SYSTEM, Duty.SECURITY, Duty.AUDIT]
STAFF = {Role.LIAISON, Role.LEADER, Role.HANDLER}
BUSINESS = STAFF | {Role.DEPUTY}  # everyone doing liaison work; administrators alone are not
EVERYONE = set(ACTORS)
EDITORS = {Role.LIAISON}
SYSTEM, SECURITY, AUDIT = {Duty.SYSTEM}, {Duty.SECURITY}, {Duty.AUDIT}
ADMINS = SYSTEM | SECURITY | AUDIT
PUBLIC = None  # reachable without logging in

_handovers: dict[str, object] = {}


def hand_to_next_users(key: str, hand_over) -> None:
    """Call ``hand_over(connection, user)`` for every user created from now on, in place of the one set before under
    ``key``. The matrix logs in a fresh user after the records exist; an area whose pages show only the user's own
    records (invitations, messages, entries) gives the user those records this way."""
    from sqlalchemy import event

    from portal.auth.models import User

    previous = _handovers.pop(key, None)
    if previous is not None and event.contains(User, "after_insert", previous):
        event.remove(User, "after_insert", previous)

    def listener(mapper, connection, user):
        hand_over(connection, user)

    event.listen(User, "after_insert", listener)
    _handovers[key] = listener

def form_data(route: tuple, records: dict) -> dict | None:
    """The route's form data, with the records' ids put into its values the way the URL template gets them
    (``{"deputy_ids": "{unpaired_deputy}"}``)."""
    _, _, _, *data = route
    return {key: value.format(**records) if isinstance(value, str) else value
            for key, value in data[0].items()} if data else None


# endpoint: (method, url template, roles allowed[, form data with {record} placeholders])
ROUTES = {
    "main.index": ("GET", "/", EVERYONE),
    "main.healthz": ("GET", "/healthz", PUBLIC),
    "main.favicon": ("GET", "/favicon.ico", PUBLIC),
    "auth.login": ("GET", "/login", PUBLIC),
    "auth.logout": ("POST", "/logout", EVERYONE),
    "auth.password": ("GET", "/password", EVERYONE),
    "register.index": ("GET", "/register/", STAFF | SYSTEM),
    "register.detail": ("GET", "/register/{deputy}", STAFF | SYSTEM),
    "register.export_xlsx": ("GET", "/register/export.xlsx", STAFF),
    "register.export_docx": ("GET", "/register/export.docx", STAFF),
    "register.create": ("GET", "/register/new", EDITORS),
    "register.edit": ("GET", "/register/{deputy}/edit", EDITORS),
    "register.change_status": ("POST", "/register/mandates/{mandate}/status", EDITORS, {"status": "retired"}),
    "register.mandate_create": ("GET", "/register/{deputy}/mandates/new", EDITORS),
    "register.mandate_edit": ("GET", "/register/mandates/{mandate}/edit", EDITORS),
    "register.import_template": ("GET", "/register/import/template.xlsx", EDITORS),
    "register.import_upload": ("GET", "/register/import", EDITORS),
    "register.import_confirm": ("POST", "/register/import/" + "0" * 32, EDITORS),
    "register.new_term": ("GET", "/register/new-term", EDITORS),
    "register.new_term_confirm": ("POST", "/register/new-term/" + "0" * 32, EDITORS),
    "register.pick": ("GET", "/register/pick?dq=zs", EDITORS),
    "admin.index": ("GET", "/admin/", ADMINS),
    "admin.setup": ("GET", "/admin/setup", SYSTEM),
    "admin.users": ("GET", "/admin/users", SYSTEM),
    "admin.user_new": ("GET", "/admin/users/new", SYSTEM),
    "admin.user_edit": ("GET", "/admin/users/{user}", SYSTEM),
    "admin.deputy_account": ("POST", "/admin/deputy-account/{deputy}", SYSTEM),
    "admin.departments": ("GET", "/admin/departments", SYSTEM),
    "admin.department_form": ("GET", "/admin/departments/{department}", SYSTEM),
    "admin.courts": ("GET", "/admin/courts", SYSTEM),
    "admin.court_form": ("GET", "/admin/courts/{court}", SYSTEM),
    "admin.security": ("GET", "/admin/security/accounts", SECURITY),
    "admin.user_reset_password": ("POST", "/admin/users/{user}/reset-password", SECURITY),
    "admin.audit": ("GET", "/admin/audit", AUDIT),
    "admin.audit_export": ("GET", "/admin/audit/export.csv", AUDIT),
}

RECORD_MAKERS = []
for _module in sorted(Path(__file__).parent.glob("routes_*.py")):
    _area = importlib.import_module(f"tests.{_module.stem}")
    ROUTES.update(_area.ROUTES)
    RECORD_MAKERS.append(_area.records)
