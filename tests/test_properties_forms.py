"""Arbitrary Unicode in every field of every form of the role matrix (hypothesis): never a 500, and no markup
typed into a field ever reaches a page unescaped. The text strategies are those of tests/test_properties.py."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.auth.models import Duty, Role
from portal.extensions import db
from portal.register.models import Deputy
from tests.conftest import make_app
from tests.route_matrix import ROUTES, form_data
from tests.test_params import FormFields, _keys_read, _methods
from tests.test_properties import ANY_TEXT, EXAMPLES

pytestmark = pytest.mark.shared_records  # one app and one set of records for the module, each test rolled back
EXECUTES = ("<script>alert", "<img src=x")  # a payload that reached the page unescaped


def _post_cases():
    """Each route that takes a form, as the liaison (as a deputy or the admin where only they reach it)."""
    posted = {rule.endpoint for rule in make_app().url_map.iter_rules() if "POST" in rule.methods}
    for endpoint, (_, _, allowed, *_) in sorted(ROUTES.items()):
        if endpoint in ("auth.logout", "auth.login") or endpoint not in posted:
            continue
        roles = [r for r in (Role.LIAISON, Role.DEPUTY, *Duty) if allowed is None or r in allowed]
        if roles:
            yield pytest.param(endpoint, roles[0], id=endpoint)


@pytest.mark.parametrize(("endpoint", "role"), list(_post_cases()))
def test_any_text_in_every_form_field_never_answers_500_nor_executes(app, client, login_as, records, endpoint, role):
    _, template, *_ = ROUTES[endpoint]
    login_as(role, deputy=db.session.get(Deputy, records["deputy"])) if role == Role.DEPUTY else login_as(role)
    url = template.format(**records)
    form = FormFields()
    if "GET" in _methods(app, endpoint):
        form.feed(client.get(url).get_data(as_text=True))
    baseline = {**form.values, **{k: [v] for k, v in (form_data(ROUTES[endpoint], records) or {}).items()}}
    keys = sorted(_keys_read(client, "POST", url, data=baseline) | set(baseline))

    @EXAMPLES
    @given(st.fixed_dictionaries({key: ANY_TEXT for key in keys}))
    def check(typed):
        response = None
        try:
            response = client.post(url, data={**baseline, **typed})
        except Exception as error:  # noqa: BLE001 - TESTING propagates what would be a 500
            db.session.rollback()
            raise AssertionError(f"{endpoint}: 500 ({type(error).__name__}: {error})"[:400]) from error
        assert response.status_code < 500, endpoint
        if response.mimetype == "text/html":
            body = response.get_data(as_text=True)
            assert not any(marker in body for marker in EXECUTES), f"{endpoint} echoed markup unescaped"
        response.close()

    check()
