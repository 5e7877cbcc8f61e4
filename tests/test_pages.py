"""Every page is whole, in Chinese, and refers to nothing outside the portal."""
import os
import re

import pytest

from portal.auth.models import Role
from tests.route_matrix import ACTORS, ROUTES

EXTERNAL = re.compile(r'(?:src|href|action|hx-get|hx-post)\s*=\s*["\'](?:https?:)?//', re.I)


@pytest.mark.parametrize("role", ACTORS, ids=lambda r: r.value)
def test_no_page_refers_to_an_external_url(client, login_as, records, role):
    login_as(role)
    checked = 0
    for endpoint, (method, template, allowed, *_) in ROUTES.items():
        if method != "GET" or endpoint in ("main.healthz",) or template.split("?")[0].endswith((".xlsx", ".docx", ".ico", ".ics", ".csv")):
            continue
        if allowed is not None and role not in allowed:
            continue
        response = client.get(template.format(**records), follow_redirects=True)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, endpoint
        assert not EXTERNAL.findall(page), endpoint
        assert 'lang="zh-CN"' in page
        checked += 1
    assert checked >= 2


def test_vendored_assets_are_served_under_versioned_urls_kept_for_a_year(client, login_as):
    login_as(Role.LIAISON)  # a logged-in user's pages are not kept (no-store); the static files hold nothing of theirs
    page = client.get("/").get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page)
    assert len(assets) == 5 and "htmx" in page and "bootstrap" in page
    for asset in assets:
        assert re.search(r"\?v=[0-9a-f]{12}$", asset), asset
        response = client.get(asset)
        assert response.status_code == 200, asset
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable", asset
        response.close()
    unversioned = client.get(assets[0].split("?")[0])
    assert unversioned.status_code == 200 and unversioned.headers["Cache-Control"] == "no-cache"
    unversioned.close()


def test_a_changed_static_file_gets_a_new_url(app, tmp_path, monkeypatch):
    from flask import url_for

    monkeypatch.setattr(app, "static_folder", str(tmp_path))  # the app is kept for the next test
    (tmp_path / "site.css").write_text("body { color: black }")
    with app.test_request_context():
        first = url_for("static", filename="site.css")
        (tmp_path / "site.css").write_text("body { color: navy }")
        os.utime(tmp_path / "site.css", ns=(1, 1))  # a new modification time, whatever the clock's resolution
        assert url_for("static", filename="site.css") != first
        assert url_for("static", filename="missing.css") == "/static/missing.css"


def test_vendored_files_load_nothing_from_outside(app):
    from pathlib import Path

    static = Path(app.static_folder)
    for path in static.rglob("*"):
        if path.suffix in (".css", ".js"):
            text = path.read_text(encoding="utf-8")
            assert not re.search(r'url\(\s*["\']?(?:https?:)?//', text), path
            assert "@import" not in text, path


def test_favicon_is_served(client):
    page = client.get("/login").get_data(as_text=True)
    linked = re.search(r'<link rel="icon" href="([^"]+)"', page).group(1)
    for path in (linked, "/favicon.ico"):  # browsers ask for /favicon.ico whatever the page links
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
        assert response.get_data()[:4] == b"\x00\x00\x01\x00"  # an ICO file
        response.close()
