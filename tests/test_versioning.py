"""Edits that cannot overwrite each other: two people open the same record's edit form and both save."""
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from sqlalchemy import update

from portal.auth.models import Role
from portal.duty.models import DutySession
from portal.extensions import db
from portal.hearings.models import Hearing
from portal.items.models import Item
from portal.reception.models import Reception
from portal.register.models import Deputy
from portal.versioning import save_unless_stale
from tests.conftest import log_in


class _FormFields(HTMLParser):
    """The values a browser would post from the page's edit form (the one carrying a version)."""

    def __init__(self):
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self._select = self._textarea = None
        self._option_value = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append([])
        elif not self.forms:
            return
        elif tag == "input" and a.get("name") and a.get("type") not in ("file", "submit", "button"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.forms[-1].append((a["name"], a.get("value") or ("y" if a.get("type") == "checkbox" else "")))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.forms[-1].append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.forms[-1].append((self._textarea, ""))

    def handle_data(self, data):
        if self._textarea:
            name, value = self.forms[-1][-1]
            self.forms[-1][-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def edit_form(client, url: str) -> dict[str, list[str]]:
    page = client.get(url)
    assert page.status_code == 200
    parser = _FormFields()
    parser.feed(page.get_data(as_text=True))
    fields = next(f for f in parser.forms if any(name == "version" for name, _ in f))
    values: dict[str, list[str]] = {}
    for name, value in fields:
        values.setdefault(name, []).append(value.removeprefix("\n"))
    return values


# record type -> (records key, model, edit URL, field the first person changes, field the second person changes)
CASES = {
    "deputy": ("deputy", Deputy, "/register/{}/edit", ("work_unit", "工作单位"), "post"),
    "reception": ("reception", Reception, "/reception/{}/edit", ("place", "接待地点"), "subject"),
    "item": ("item", Item, "/items/{}/edit", ("title", "标题"), "content"),
    "hearing": ("hearing", Hearing, "/hearings/{}/edit", ("court_room", "法庭"), "presiding_judge"),
    "duty session": ("duty_planned", DutySession, "/duty/sessions/{}/edit", ("place", "地点"), "organiser"),
}


@pytest.mark.parametrize("kind", CASES)
def test_a_stale_save_is_refused_shows_the_other_change_and_keeps_the_typing(client, login_as, make_user, records,
                                                                            kind):
    key, model, url, (first_field, first_label), second_field = CASES[kind]
    record_id = records[key]
    url = url.format(record_id)
    login_as(Role.LIAISON, display_name="甲联络员")
    other = client.application.test_client()
    assert log_in(other, make_user(Role.LIAISON, display_name="乙联络员").username).status_code == 302

    mine, theirs = edit_form(client, url), edit_form(other, url)  # both open the form
    before = getattr(db.session.get(model, record_id), first_field)
    mine[first_field] = ["甲改的内容"]
    assert client.post(url, data=mine).status_code == 303
    theirs[second_field] = ["乙输入的内容"]
    response = other.post(url, data=theirs)

    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "未保存：您打开此页面后，其他人修改了这条记录。" in page
    assert "甲联络员" in page and f"{first_label}：" in page
    assert f'<span class="diff-before">{before}</span> → <span class="diff-after">甲改的内容</span>' in page
    assert "乙输入的内容" in page  # what the second person typed is still in the form
    db.session.expire_all()
    record = db.session.get(model, record_id)
    assert getattr(record, first_field) == "甲改的内容" and getattr(record, second_field) != "乙输入的内容"

    again = edit_form_from(page)  # saving again, having seen the change, is a deliberate choice
    assert other.post(url, data=again).status_code == 303
    db.session.expire_all()
    assert getattr(db.session.get(model, record_id), second_field) == "乙输入的内容"


def edit_form_from(page: str) -> dict[str, list[str]]:
    parser = _FormFields()
    parser.feed(page)
    values: dict[str, list[str]] = {}
    for name, value in next(f for f in parser.forms if any(n == "version" for n, _ in f)):
        values.setdefault(name, []).append(value.removeprefix("\n"))
    return values


def test_a_save_that_loses_the_race_in_the_database_is_refused(app, make_deputy, court):
    """Both read version 1; the other commits first: the UPDATE finds no row of version 1 (StaleDataError)."""
    deputy = make_deputy(work_unit="原单位")
    field = SimpleNamespace(data=str(deputy.version))  # the form's version field as posted
    with db.engine.begin() as other_request:  # saves and commits between this request's read and its write
        other_request.execute(update(Deputy).where(Deputy.id == deputy.id).values(version=Deputy.version + 1))

    def save():
        deputy.work_unit = "新单位"

    conflict = save_unless_stale(deputy, field, save)
    assert conflict is not None and field.data == deputy.version == 2
    assert db.session.get(Deputy, deputy.id).work_unit == "原单位"


def test_only_linked_rows_changed_still_counts_as_a_save(client, login_as, records):
    """A visit's deputies live in their own rows; changing only them must still move the visit's version."""
    login_as(Role.LIAISON)
    reception = db.session.get(Reception, records["reception"])
    assert reception.version == 1
    form = edit_form(client, f"/reception/{reception.id}/edit")
    form["deputy_ids"] = []
    form["other_visitors"] = ["群众代表"]
    assert client.post(f"/reception/{reception.id}/edit", data=form).status_code == 303
    db.session.expire_all()
    assert db.session.get(Reception, reception.id).version == 2
