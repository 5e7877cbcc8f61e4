"""The role matrix: every route, requested as every role and anonymously, gives the expected answer.

Each answer a route gives to someone it lets in is its own test. The refusals (three in four of the matrix's
cases) are checked a role at a time, one login for all the routes that role may not reach: a refusal, of a role
or of nobody logged in, is decided before the route runs and changes nothing. On PostgreSQL (``make test``'s
second pass) the refusals are not asked again: they run none of the route's queries, the same on every database.
"""
import pytest

from portal.auth.models import Duty
from tests.conftest import DATABASE_URL
from tests.route_matrix import ACTORS, PUBLIC, ROUTES, form_data

pytestmark = pytest.mark.shared_records  # one app and one set of records for the module, each test rolled back
EVERY_ROLE = [None, *ACTORS]


def _role_id(role) -> str:
    return role.value if role else "anonymous"


def test_matrix_covers_every_route(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert endpoints == set(ROUTES), "add new routes to the role matrix"


def _admitted(role, endpoint) -> bool:
    allowed = ROUTES[endpoint][2]
    return allowed is PUBLIC or (role is not None and role in allowed)


def _request(client, records, endpoint):
    method, template, *_ = ROUTES[endpoint]
    response = client.open(template.format(**records), method=method, data=form_data(ROUTES[endpoint], records))
    response.close()  # file downloads keep their file open until closed
    return response


@pytest.mark.parametrize(("endpoint", "role"), [
    pytest.param(endpoint, role, id=f"{_role_id(role)}-{endpoint}")
    for role in EVERY_ROLE for endpoint in sorted(ROUTES) if _admitted(role, endpoint)])
def test_route_answers_by_role(client, login_as, records, endpoint, role):
    if role is not None:
        login_as(role)
    response = _request(client, records, endpoint)
    if ROUTES[endpoint][2] is PUBLIC:
        assert response.status_code == 200 or (role and endpoint == "auth.login" and response.status_code == 302)
    else:
        assert response.status_code in (200, 302, 303), response.status_code
        if endpoint != "auth.logout":
            assert "/login" not in response.headers.get("Location", "")


@pytest.mark.skipif(DATABASE_URL.startswith("postgresql"), reason="a refusal runs no query of the route")
@pytest.mark.parametrize("role", EVERY_ROLE, ids=_role_id)
def test_every_other_route_refuses(client, login_as, records, role):
    """Nobody logged in is sent to the login page; a role is refused with 403 and says why."""
    if role is not None:
        login_as(role)
    wrong = []
    for endpoint in sorted(e for e in ROUTES if not _admitted(role, e)):
        response = _request(client, records, endpoint)
        if role is None:
            refused = response.status_code == 302 and "/login" in response.headers["Location"]
        else:
            refused = response.status_code == 403 and "您没有权限访问此页面" in response.get_data(as_text=True)
        if not refused:
            wrong.append(f"{endpoint}: {response.status_code} {response.headers.get('Location', '')}")
    assert not wrong, f"{_role_id(role)} was let in or answered wrongly:\n" + "\n".join(wrong)


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
@pytest.mark.parametrize("endpoint", sorted(e for e, (method, *_) in ROUTES.items() if method == "POST"))
def test_every_post_needs_a_csrf_token(app, client, records, make_user, endpoint):
    admin = make_user(Duty.SYSTEM)
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"username": admin.username, "password": "Passw0rd-test", "csrf_token": token})
    template = ROUTES[endpoint][1]
    response = client.post(template.format(**records), headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert "页面已过期" in response.get_data(as_text=True)
