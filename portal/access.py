"""Who may reach what: role checks for routes and court scopes for records."""
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from flask import abort, has_request_context, request, session
from flask_login import current_user, login_required
from sqlalchemy import select

from portal import params
from portal.auth.models import STAFF_ROLES, Court, CourtLevel, Duty, Role
from portal.extensions import db


def require_role(*grants: Role | Duty) -> Callable:
    """Let only logged-in users whose business role or administrator duty is one of ``grants`` through; others
    get 403."""

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.holds(*grants):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def require_duty(*duties: Duty) -> Callable:
    """Let only the administrators of ``duties`` through (三员分立): ``@require_duty(Duty.SECURITY)`` on the security
    administrator's pages. A business role never opens an administrator's page."""
    if not duties or not all(isinstance(d, Duty) for d in duties):
        raise TypeError("require_duty takes administrator duties (portal.auth.models.Duty)")
    return require_role(*duties)


# Staff who record and change the liaison work. Administrators are not among them: an administrator changes
# business records only with a business role of their own (a court's liaison who is also its system admin).
EDITOR_ROLES = (Role.LIAISON,)

require_staff = require_role(*STAFF_ROLES)
require_editor = require_role(*EDITOR_ROLES)


def current_user_id() -> int | None:
    """The logged-in user's id; None outside a request or for an anonymous visitor (the CLI, the demo)."""
    return current_user.id if has_request_context() and current_user.is_authenticated else None


def visible_court_ids(user) -> list[int]:
    """The courts whose records ``user`` sees.

    Everyone sees their own court; an administrator without a business role sees all (they administer the
    whole deployment; their pages show no business records); the intermediate court's leaders and liaison staff
    also see the courts below it (basic courts and their tribunals).
    """
    if user.role == Role.NONE:
        return list(db.session.scalars(select(Court.id)))
    court = db.session.get(Court, user.court_id)
    if user.role in (Role.LEADER, Role.LIAISON) and court.level == CourtLevel.INTERMEDIATE:
        return court_subtree_ids(court.id)
    return [court.id]


def court_subtree_ids(court_id: int) -> list[int]:
    """``court_id`` and every court below it, level by level (empty if there is no such court).

    A deployment has a few hundred courts at most: reading every court's parent and walking the tree here costs
    a twentieth of building and running a recursive query, which most pages would otherwise do twice.
    """
    return _below(court_id, db.session.execute(select(Court.id, Court.parent_id).order_by(Court.id)))


def _below(court_id: int, tree) -> list[int]:
    """``court_id`` and the courts below it in ``tree`` ((id, parent id) pairs in id order), level by level."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for id_, parent_id in tree:
        children[parent_id].append(id_)
    found = [court_id] if any(court_id in ids for ids in children.values()) else []
    for id_ in found:  # grows as it goes: breadth first
        found.extend(children[id_])
    return found


SCOPE_SESSION_KEY = "court_scope"
OWN, WITH_LOWER = "own", "lower"
SCOPES = {OWN: "本院", WITH_LOWER: "含下级法院"}


@dataclass(frozen=True)
class CourtScope:
    """Which courts' records a list, figure or export shows: one court, alone (本院) or with the courts below it
    that the user sees (含下级法院). ``courts`` are the courts the user may choose from."""

    court: Court
    with_lower: bool
    court_ids: list[int]
    courts: list[Court]

    @property
    def choosable(self) -> bool:
        """Whether there is anything to choose (a basic court's staff see one court)."""
        return len(self.courts) > 1

    @property
    def spans_courts(self) -> bool:
        """Whether the records shown may come from several courts, so that lists show a court column."""
        return len(self.court_ids) > 1

    @property
    def scope(self) -> str:
        return WITH_LOWER if self.with_lower else OWN

    @property
    def label(self) -> str:
        """The summary line's words: 某某市中级人民法院（含下级法院）."""
        return f"{self.court.name}（{SCOPES[self.scope]}）"

    @property
    def title(self) -> str:
        """The court as a document's title names it: the court, or the court and the courts below."""
        return f"{self.court.name}及下级法院" if self.with_lower and self.spans_courts else self.court.name

    def as_args(self) -> dict[str, str]:
        return {"court": str(self.court.id), "scope": self.scope}

    def name_of(self, court_id: int) -> str:
        """A court's name, for the court column of records that carry only its id."""
        return next((c.name for c in self.courts if c.id == court_id), "")


def court_scope(user, args=None) -> CourtScope:
    """The court scope a request asks for (``court``: a court id, ``scope``: own|lower), else the one remembered
    in the session, else the user's own court (an admin's: the top court above it) with the courts below it that
    they see.

    Only courts the user sees can be chosen; anything else falls back to the default.
    """
    args = request.args if args is None else args
    visible = visible_court_ids(user)
    courts = list(db.session.scalars(select(Court).where(Court.id.in_(visible)).order_by(Court.code, Court.id)))
    by_id = {c.id: c for c in courts}
    stored = session.get(SCOPE_SESSION_KEY) if "court" not in args and "scope" not in args else None
    source = stored if isinstance(stored, dict) else args
    chosen = str(source.get("court") or "")
    court = by_id.get(params.parse_id(chosen))
    court = court or _default_court(user, by_id) or courts[0]
    with_lower = (source.get("scope") or WITH_LOWER) != OWN
    # The courts one sees are those below a court, whole: the chosen court's are found among them.
    ids = _below(court.id, sorted((c.id, c.parent_id) for c in courts)) if with_lower else [court.id]
    scope = CourtScope(court=court, with_lower=len(ids) > 1, court_ids=ids, courts=courts)
    if "court" in args or "scope" in args:
        session[SCOPE_SESSION_KEY] = scope.as_args()
    return scope


def _default_court(user, by_id: dict[int, Court]) -> Court | None:
    """The highest court the user sees above (or at) their own: an admin placed in a basic court sees the city."""
    court = by_id.get(user.court_id)
    while court is not None and court.parent_id in by_id:
        court = by_id[court.parent_id]
    return court


def export_scope(court: Court, with_lower: bool) -> CourtScope:
    """The scope of a command-line export: ``court`` alone, or with every court below it."""
    ids = court_subtree_ids(court.id) if with_lower else [court.id]
    courts = list(db.session.scalars(select(Court).where(Court.id.in_(ids)).order_by(Court.code, Court.id)))
    return CourtScope(court=court, with_lower=len(ids) > 1, court_ids=ids, courts=courts)
