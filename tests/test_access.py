"""The role matrix: every route, requested as every role and anonymously, gives the expected answer.

On PostgreSQL (``make test``'s second pass) only the answers that run the route's own queries are asked for: a
refusal, of a role or of nobody logged in, is decided before any of them, the same on every database, and those
are three in four of the matrix's cases.
"""
import pytest

from portal.auth.models import Duty
from tests.conftest import DATABASE_URL
from tests.route_matrix import ACTORS, PUBLIC, ROUTES, form_data

pytestmark = pytest.mark.shared_records  # one app and one set of records for the module, each test rolled back


def test_matrix_covers_every_route(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert endpoints == set(ROUTES), "add new routes to the role matrix"


def _cases():
    refusals = not DATABASE_URL.startswith("postgresql")
    for role in [None, *ACTORS]:
        for endpoint in sorted(ROUTES):
            allowed = ROUTES[endpoint][2]
            if refusals or allowed is PUBLIC or (role is not None and role in allowed):
                yield pytest.param(endpoint, role, id=f"{role.value if role else 'anonymous'}-{endpoint}")


@pytest.mark.parametrize(("endpoint", "role"), list(_cases()))
def test_route_answers_by_role(client, login_as, records, endpoint, role):
    method, template, allowed, *data = ROUTES[endpoint]
    url = template.format(**records)
    if role is not None:
        login_as(role)
    response = client.open(url, method=method, data=form_data(ROUTES[endpoint], records))
    if allowed is PUBLIC:
        assert response.status_code == 200 or (role and endpoint == "auth.login" and response.status_code == 302)
    elif role is None:
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    elif role in allowed:
        assert response.status_code in (200, 302, 303), response.status_code
        if endpoint != "auth.logout":
            assert "/login" not in response.headers.get("Location", "")
    else:
        assert response.status_code == 403
        assert "您没有权限访问此页面" in response.get_data(as_text=True)
    response.close()  # file downloads keep their file open until closed


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
