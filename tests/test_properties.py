"""Arbitrary Unicode through every form, the register import and the exports (hypothesis): nothing crashes,
nothing valid is lost, nothing executes.

"Valid" text is what a person can type: any assigned character but control characters and surrogates, without
the spaces around it (forms strip them). Control characters are dropped, never stored (``params.clean_text``);
what a form refuses comes back in the form as typed. Examples are derandomized, so CI runs the same ones at any
hour; every example is a real request through the app.
"""
import io

import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import select

from portal.activities.models import Activity
from portal.auth.models import Duty, Role
from portal.extensions import db
from portal.reception.models import Reception
from portal.register.models import Deputy
from tests.route_matrix import ROUTES, form_data
from tests.test_params import FormFields, _answer, _keys_read, _methods

EXAMPLES = settings(max_examples=12, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Text meant to break something: markup, template and formula syntax, direction overrides, astral characters.
PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "=1+1", "@SUM(A1)", "+1-2", "-1",
            "{{7*7}}", "${7*7}", "%s%n%x", "'; DROP TABLE deputy; --", "\u202e反转文字", "\ufeff零宽\u200b",
            "𠀀𠀁𪚥", "👨‍👩‍👧‍👦", "a\x00b", "\x0b\x0c\x1f\x7f", "\ufffe\uffff", "１２３４５", "第" * 3000]
ANY_TEXT = st.one_of(st.text(st.characters(codec="utf-8"), max_size=200), st.sampled_from(PAYLOADS))
VALID_TEXT = (st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Cn")), min_size=1, max_size=40)
              .map(str.strip).filter(bool))
EXECUTES = ("<script>alert", "<img src=x")  # a payload that reached the page unescaped


def _post_cases():
    """Each route that takes a form, as the liaison (as a deputy or the admin where only they reach it)."""
    for endpoint, (_, _, allowed, *_) in sorted(ROUTES.items()):
        if endpoint in ("auth.logout", "auth.login"):
            continue
        roles = [r for r in (Role.LIAISON, Role.DEPUTY, *Duty) if allowed is None or r in allowed]
        if roles:
            yield pytest.param(endpoint, roles[0], id=endpoint)


@pytest.mark.shared_records
@pytest.mark.parametrize(("endpoint", "role"), list(_post_cases()))
def test_any_text_in_every_form_field_never_answers_500_nor_executes(app, client, login_as, records, endpoint, role):
    if "POST" not in _methods(app, endpoint):
        pytest.skip("no form")
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


# --- what was typed is what is kept, shown and exported ----------------------------------------------------------

@pytest.fixture
def people(court, make_user, make_deputy):
    return {"张三": make_deputy(name="张三", mobile="13800000001"), "leader": make_user(Role.LEADER, display_name="周院长"),
            "liaison": make_user(Role.LIAISON, display_name="郑联络")}


def _docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _xlsx_cells(data: bytes) -> set[str]:
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    try:
        return {str(value) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)
                for value in row if value is not None}
    finally:
        workbook.close()


def _shown(typed: str, body: str) -> bool:
    return str(escape(typed)) in body


def test_a_deputys_details_survive_the_form_the_page_and_both_exports(client, login_as):
    login_as(Role.LIAISON)
    numbers = iter(range(13900000000, 13999999999))

    @EXAMPLES
    @given(VALID_TEXT, VALID_TEXT)
    def check(name, work_unit):
        data = {"name": name, "gender": "female", "kind": "npc", "level": "city", "term": "第十六届",
                "mobile": str(next(numbers)), "work_unit": work_unit, "note": work_unit}
        response = client.post("/register/new", data=data)
        body = response.get_data(as_text=True)
        if response.status_code == 422:  # refused (a name the register does not take): nothing typed is lost
            assert _shown(name, body) and _shown(work_unit, body)
            return
        assert response.status_code == 303
        deputy = db.session.scalar(select(Deputy).where(Deputy.mobile == data["mobile"]))
        assert (deputy.name, deputy.work_unit, deputy.note) == (name, work_unit, work_unit)
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert _shown(name, page) and _shown(work_unit, page)
        assert work_unit in _xlsx_cells(client.get("/register/export.xlsx?status=").data)
        assert work_unit in _docx_text(client.get("/register/export.docx?status=").data)

    check()


def test_what_a_visit_records_survives_the_page_and_both_exports(client, login_as, people):
    from tests.test_reception import form_data as reception_form

    login_as(Role.LIAISON)

    @EXAMPLES
    @given(VALID_TEXT, VALID_TEXT)
    def check(subject, content):
        response = client.post("/reception/new", data=reception_form(
            {**people, "李四": people["张三"]}, subject=subject, content=content, deputy_ids=[str(people["张三"].id)]))
        assert response.status_code == 303, response.get_data(as_text=True)[-500:]
        reception = db.session.scalar(select(Reception).order_by(Reception.id.desc()))
        assert (reception.subject, reception.content) == (subject, content)
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert _shown(subject, page) and _shown(content, page)
        period = "from=2025-01-01&to=2025-12-31"
        assert content in "\n".join(_xlsx_cells(client.get(f"/reception/export.xlsx?{period}").data))
        assert subject in _docx_text(client.get(f"/reception/export.docx?{period}").data)

    check()


def test_an_activitys_title_and_content_survive_the_page_and_both_exports(client, login_as, people, make_user):
    from tests.test_activities import form_data as activity_form

    login_as(Role.LIAISON)
    people = {**people, "李四": people["张三"], "judge": make_user(Role.HANDLER, display_name="陈法官")}

    @EXAMPLES
    @given(VALID_TEXT, VALID_TEXT)
    def check(title, content):
        response = client.post("/activities/new", data=activity_form(people, title=title, content=content,
                                                                     deputy_ids=[str(people["张三"].id)]))
        assert response.status_code == 303, response.get_data(as_text=True)[-500:]
        activity = db.session.scalar(select(Activity).order_by(Activity.id.desc()))
        assert (activity.title, activity.content) == (title, content)
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert _shown(title, page) and _shown(content, page)
        period = "from=2025-01-01&to=2025-12-31"
        assert title in _xlsx_cells(client.get(f"/activities/export.xlsx?{period}").data)
        assert title in _docx_text(client.get(f"/activities/export.docx?{period}").data)

    check()


# --- the register import -----------------------------------------------------------------------------------------

def _workbook(cells: dict[str, str]) -> bytes:
    from portal.register.excel import COLUMNS

    workbook = Workbook()
    sheet = workbook.active
    sheet.append([header for _, header in COLUMNS])
    sheet.append([cells.get(key, "") for key, _ in COLUMNS])
    for cell in sheet[2]:
        cell.data_type = "s"  # text as a person types it into a text cell ("=0" too), never a formula
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_any_text_in_an_imported_row_is_imported_as_typed_or_refused_with_row_and_reason(app):
    from portal.documents.gbt9704 import clean_text as xml_text
    from portal.params import clean_text
    from portal.register.excel import parse_import

    @EXAMPLES
    @given(ANY_TEXT, ANY_TEXT)
    def check(name, work_unit):
        # A workbook cannot hold what XML cannot (openpyxl refuses to write it): such cells never arrive.
        name, work_unit = (ILLEGAL_CHARACTERS_RE.sub("", xml_text(v)) for v in (name, work_unit))
        cells = {"name": name, "gender": "男", "kind": "人大代表", "level": "市级", "term": "第十六届",
                 "mobile": "13912345678", "work_unit": work_unit}
        result = parse_import(_workbook(cells))
        if result.errors:
            assert all(e.row == 2 and e.reason for e in result.errors), result.errors
        else:
            row = result.rows[0]  # control characters (C0 and C1) are dropped, as from every form
            assert row["work_unit"] == clean_text(work_unit).strip()
            assert row["name"] == clean_text(name).strip()
        db.session.rollback()

    check()


# --- bytes no browser would send ---------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/register/new", "/reception/new", "/activities/new", "/register/?q="])
def test_invalid_utf8_in_a_form_or_query_never_answers_500(client, login_as, url):
    login_as(Role.LIAISON)
    for raw in (b"%ED%A0%80", b"%FF%FE", b"%C0%AF", b"%F4%90%80%80"):  # a surrogate, bad bytes, overlong, > U+10FFFF
        body = b"name=" + raw + b"&subject=" + raw + b"&title=" + raw + b"&content=" + raw
        posted = _answer(client, "POST", url.partition("?")[0], data=body,
                         content_type="application/x-www-form-urlencoded")
        got = _answer(client, "GET", url.partition("?")[0], query_string="q=" + raw.decode())
        assert isinstance(posted, int) and posted < 500 and isinstance(got, int) and got < 500, (posted, got)
