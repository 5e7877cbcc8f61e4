"""The domain-event hook: delivered once the change commits, never for a change that rolled back or on a GET,
and a failing listener never undoes the user's change."""
import pytest
from flask import Flask
from sqlalchemy import func, select

from portal import events
from portal.audit import AuditLog
from portal.auth.models import Department
from portal.extensions import db

from .conftest import log_in


@pytest.fixture
def hook(app: Flask, court, monkeypatch):
    """A route that renames a department and announces it, and listeners that record what they get."""
    monkeypatch.setattr(events, "labels", lambda: {"department.renamed": "部门更名"})
    seen = {"in": [], "after": []}

    @app.post("/test/rename/<int:department_id>")
    @app.get("/test/rename-on-get/<int:department_id>")
    def rename(department_id):
        department = db.session.get(Department, department_id)
        department.name = "新名称"
        events.announce("department.renamed", department, to="新名称")
        return ("", 500) if "fail" in str(department_id) else ("", 204)

    def inside(event):
        seen["in"].append(event)
        db.session.add(Department(court_id=court.id, name=f"由事件写入{len(seen['in'])}"))

    def after(event):
        seen["after"].append(event)

    events.on("department.renamed", in_transaction=True)(inside)
    events.on("department.renamed")(after)
    yield seen
    events.off(inside)
    events.off(after)


def _department(court, name="民一庭") -> Department:
    department = Department(court_id=court.id, name=name)
    db.session.add(department)
    db.session.commit()
    return department


def test_listeners_get_the_event_once_the_change_commits(hook, client, court, make_user):
    department = _department(court)
    log_in(client, make_user().username)
    assert client.post(f"/test/rename/{department.id}").status_code == 204
    assert [e.name for e in hook["in"]] == [e.name for e in hook["after"]] == ["department.renamed"]
    event = hook["after"][0]
    assert (event.subject_type, event.subject_id, event.data) == ("department", department.id, {"to": "新名称"})
    # what the in-transaction listener wrote committed with the change, and the trail has the event
    names = set(db.session.scalars(select(Department.name)))
    assert {"新名称", "由事件写入1"} <= names
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "event")).one()
    assert (entry.entity, entry.record_id, entry.summary) == ("department", department.id, "部门更名")


def test_nothing_is_delivered_for_a_change_that_rolls_back(hook, app, court):
    department = _department(court)
    department.name = "不保存"
    events.announce("department.renamed", department)
    db.session.rollback()
    db.session.commit()
    assert hook["in"] == hook["after"] == []
    assert db.session.get(Department, department.id).name == "民一庭"


def test_a_failing_listener_does_not_undo_the_change(hook, client, court, make_user, caplog):
    department = _department(court)

    def broken(event):
        db.session.add(Department(court_id=court.id, name="半途"))
        db.session.flush()
        raise RuntimeError("gateway down")

    events.on("department.renamed", in_transaction=True)(broken)
    events.on("department.renamed")(broken)
    try:
        log_in(client, make_user().username)
        assert client.post(f"/test/rename/{department.id}").status_code == 204
    finally:
        events.off(broken)
    names = set(db.session.scalars(select(Department.name)))
    assert "新名称" in names and "半途" not in names  # the broken listener's write rolled back to its savepoint
    assert len(hook["after"]) == 1 and "gateway down" in caplog.text


def test_reading_a_page_announces_nothing(hook, client, court, make_user):
    department = _department(court)
    log_in(client, make_user().username)
    app_errors = []
    client.application.config["PROPAGATE_EXCEPTIONS"] = True
    try:
        client.get(f"/test/rename-on-get/{department.id}")
    except RuntimeError as error:
        app_errors.append(str(error))
    assert app_errors and "read" in app_errors[0]
    assert db.session.get(Department, department.id).name == "民一庭" and hook["after"] == []


def test_an_undeclared_event_is_refused(app, court):
    department = _department(court)
    with pytest.raises(KeyError):
        events.announce("department.vanished", department)
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "event")) == 0
