"""What a list, figure or export covers: the court scope (本院 / 含下级法院), the period, and each role's visibility.

An intermediate court sees its basic courts' records too. Every list, figure and export lets one choose a court
alone or with the courts below it, says which it shows, and shows the court beside each record when they span
courts; the command line does the same with ``--court CODE`` and ``--with-lower``. A period chosen on one page is
kept for the others; a reversed one gets one answer everywhere. An export holds exactly what its list shows.
"""
import io
from datetime import date, datetime, time, timedelta

import pytest
from docx import Document
from openpyxl import load_workbook

from portal import clock
from portal.attachments import Attachment
from portal.auth.models import CourtLevel, Role
from portal.duty.models import (
    DutyReport,
    DutySession,
    DutySessionDeputy,
    ReportState,
    SessionState,
)
from portal.extensions import db
from portal.hearings.models import (
    CaseType,
    Hearing,
    HearingInvitation,
    HearingStatus,
    InvitationStatus,
)
from portal.items.models import ItemKind, ItemOrigin, ItemState
from portal.items.services import create_item
from portal.reception.models import Channel, Reception, ReceptionDeputy
from portal.register.models import DeputyLevel
from tests.conftest import sign_in

YEAR = clock.today().year
WIDE = {"from": f"{YEAR - 1}-01-01", "to": f"{YEAR + 1}-12-31"}
REVERSED = {"from": f"{YEAR}-12-31", "to": f"{YEAR}-01-01"}
REVERSED_MESSAGE = "开始日期不能晚于结束日期"
PDF = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def _query(args: dict) -> str:
    return "&".join(f"{k}={v}" for k, v in args.items())


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(" | ".join(cell.text for cell in row.cells) for row in table.rows)
    return "\n".join(parts)


def xlsx_text(data: bytes) -> str:
    """Every sheet's cells, a line per row."""
    return "\n".join(" | ".join(str(v) for v in row if v is not None)
                     for sheet in load_workbook(io.BytesIO(data)).worksheets for row in sheet.iter_rows(values_only=True))


@pytest.fixture
def city(app, court, make_court, make_user, make_deputy, make_department):
    """The intermediate court and a basic court below it, each with an item, a hearing, a visit and a duty report
    of this year; the intermediate court's items are in two departments."""
    basic = make_court(code="basic", name="某某区人民法院", parent=court, level=CourtLevel.BASIC)
    civil, criminal = make_department("民一庭"), make_department("刑一庭")
    lower_civil = make_department("民一庭", court=basic)
    deputies = {name: make_deputy(name=name, level=DeputyLevel.COUNTY, term="第十八届", group_name="城东街道代表组")
                for name in ("甲代表", "乙代表", "丙代表")}
    people = {"civil_handler": make_user(Role.HANDLER, department=civil),
              "basic_liaison": make_user(Role.LIAISON, court=basic)}
    received = clock.today().replace(month=1, day=1) if clock.today().month > 1 else clock.today()
    titles = {}
    for key, court_id, department in (("中院民事建议", court.id, civil), ("中院刑事建议", court.id, criminal),
                                      ("区院民事建议", basic.id, lower_civil)):
        item = create_item(court_id=court_id, kind=ItemKind.SUGGESTION, title=key, content="内容",
                           deputies=[deputies["甲代表"]], origin=ItemOrigin.PORTAL, received_on=received)
        item.department_id, item.state = department.id, ItemState.INSTRUCTED
        titles[key] = item
    starts = clock.from_local(datetime.combine(clock.today(), time(9, 30))) + timedelta(days=1)
    for number, court_id in (("（2026）某01民初1号", court.id), ("（2026）某0102民初2号", basic.id)):
        hearing = Hearing(court_id=court_id, case_number=number, cause="民间借贷纠纷", case_type=CaseType.CIVIL,
                          presiding_judge="李明", court_room="第一法庭", starts_at=starts,
                          ends_at=starts + timedelta(hours=2), invite_reason="群众关注",
                          status=HearingStatus.SCHEDULED)
        db.session.add(hearing)
        db.session.flush()
        db.session.add(HearingInvitation(hearing_id=hearing.id, deputy_id=deputies["甲代表"].id,
                                         status=InvitationStatus.ACCEPTED))
    for subject, court_id, deputy in (("中院接待事由", court.id, "乙代表"), ("区院接待事由", basic.id, "丙代表")):
        reception = Reception(court_id=court_id, received_at=starts - timedelta(days=2), channel=Channel.VISIT,
                              place="联络之家", subject=subject)
        reception.deputy_links = [ReceptionDeputy(deputy_id=deputies[deputy].id)]
        db.session.add(reception)
    for name, court_id in (("乙代表", court.id), ("丙代表", basic.id)):
        db.session.add(DutyReport(court_id=court_id, deputy_id=deputies[name].id, year=YEAR,
                                  state=ReportState.SUBMITTED))
    session = DutySession(court_id=basic.id, year=YEAR, level=DeputyLevel.COUNTY, term="第十八届",
                          group_name="城东街道代表组", held_on=clock.today(), place="区联络站", organiser="区人大工委",
                          state=SessionState.PLANNED)
    session.reporters.append(DutySessionDeputy(deputy_id=deputies["丙代表"].id))
    db.session.add(session)
    db.session.commit()
    return {"court": court, "basic": basic, "civil": civil, "criminal": criminal, "items": titles,
            "deputies": deputies, **people}


def client_as(app, make_user, role: Role, **kw):
    """A client of its own (own session) logged in as a new user of ``role``."""
    client = app.test_client()
    user = kw.pop("user", None) or make_user(role, **kw)
    sign_in(client, user)
    return client


def page(client, url: str, **args) -> str:
    response = client.get(url + (("&" if "?" in url else "?") + _query(args) if args else ""))
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


# Every list with a court scope: (url, {"own": marker of the intermediate court's record, "lower": the basic's}).
LISTS = {
    "items": ("/items/", "中院民事建议", "区院民事建议"),
    "queue": ("/items/queue", "中院民事建议", "区院民事建议"),
    "hearings": ("/hearings/?when=all", "（2026）某01民初1号", "（2026）某0102民初2号"),
    "reception": ("/reception/?x=1", "中院接待事由", "区院接待事由"),
    "duty": ("/duty/?state=all", "乙代表", "丙代表"),
    "sessions": ("/duty/sessions?x=1", None, "区联络站"),
}


@pytest.mark.parametrize("name", sorted(LISTS))
def test_every_list_takes_a_court_scope_and_says_which(app, city, make_user, name):
    url, own, lower = LISTS[name]
    client = client_as(app, make_user, Role.LIAISON)
    court, basic = city["court"], city["basic"]
    shown = page(client, url, **WIDE)  # by default: the user's court with the courts below
    assert "显示：<strong>某某市中级人民法院（含下级法院）</strong>" in shown
    assert lower in shown and (own is None or own in shown)
    assert "<th>法院</th>" in shown and "某某区人民法院</td>" in shown  # records spanning courts show their court
    assert 'name="scope"' in shown and f'<option value="{basic.id}">某某区人民法院</option>' in shown

    alone = page(client, url, court=court.id, scope="own")
    assert "显示：<strong>某某市中级人民法院（本院）</strong>" in alone
    assert lower not in alone and (own is None or own in alone) and "<th>法院</th>" not in alone

    below = page(client, url, court=basic.id, scope="own")
    assert "显示：<strong>某某区人民法院（本院）</strong>" in below and lower in below
    assert own is None or own not in below


def test_a_court_outside_ones_view_cannot_be_chosen(app, city, make_user):
    client = client_as(app, make_user, Role.LIAISON, court=city["basic"])
    shown = page(client, "/items/", court=city["court"].id, scope="lower")
    assert "显示：<strong>某某区人民法院（本院）</strong>" in shown
    assert "区院民事建议" in shown and "中院民事建议" not in shown and 'name="scope"' not in shown


def test_the_scope_and_the_period_are_kept_for_the_sessions_other_pages(app, city, make_user):
    client = client_as(app, make_user, Role.LIAISON)
    page(client, "/items/", court=city["court"].id, scope="own")
    hearings = page(client, "/hearings/?when=all")
    assert "（本院）" in hearings and "（2026）某0102民初2号" not in hearings

    page(client, "/reception/", **{"from": f"{YEAR - 1}-01-01", "to": f"{YEAR - 1}-12-31"})
    figures = page(client, "/items/figures")
    assert f'name="from" value="{YEAR - 1}-01-01"' in figures
    assert f"{YEAR - 1}年1月1日至{YEAR - 1}年12月31日" in figures
    hearings = page(client, "/hearings/?when=all")
    assert f'value="{YEAR - 1}-12-31"' in hearings and "（2026）某01民初1号" not in hearings
    page(client, "/hearings/", **WIDE)  # changed on another page: changed everywhere
    assert "中院接待事由" in page(client, "/reception/")


def test_lists_default_to_the_current_year(app, city, make_user):
    client = client_as(app, make_user, Role.LIAISON)
    figures = page(client, "/items/figures")
    assert f'name="from" value="{YEAR}-01-01"' in figures and f'name="to" value="{YEAR}-12-31"' in figures
    assert f"{YEAR}年1月1日至{YEAR}年12月31日" in page(client, "/reception/")


# A reversed range gets one answer: lists and figures show the message with the filters kept (422), exports
# answer 400 with it, and the command line stops with it.
@pytest.mark.parametrize("url", ["/reception/?channel=visit", "/hearings/?when=all", "/items/figures?x=1",
                                 "/hearings/ratings?x=1"])
def test_a_reversed_period_on_a_list_shows_the_message_and_keeps_the_filters(app, city, make_user, url):
    client = client_as(app, make_user, Role.LIAISON)
    page(client, "/reception/", **WIDE)
    response = client.get(f"{url}&{_query(REVERSED)}")
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert REVERSED_MESSAGE in body and f'value="{YEAR}-12-31"' in body and f'value="{YEAR}-01-01"' in body
    assert "中院接待事由" not in body and "（2026）某01民初1号" not in body
    assert "中院接待事由" in page(client, "/reception/")  # the bad period is not remembered


@pytest.mark.parametrize("url", ["/reception/export.docx", "/hearings/export.docx", "/items/export.docx",
                                 "/reception/export.xlsx", "/hearings/export.xlsx", "/items/export.xlsx"])
def test_a_reversed_period_on_an_export_answers_400(app, city, make_user, url):
    client = client_as(app, make_user, Role.LIAISON)
    response = client.get(f"{url}?{_query(REVERSED)}")
    assert response.status_code == 400 and REVERSED_MESSAGE in response.get_data(as_text=True)
    response = client.get(f"{url}?from=2025-02-30&to=2025-03-01")
    assert response.status_code == 400 and "日期应写作 2025-03-01" in response.get_data(as_text=True)


@pytest.mark.parametrize("command", ["receptions", "hearings", "items"])
def test_a_reversed_period_stops_the_command(runner, city, tmp_path, command):
    result = runner.invoke(args=["export", command, "--from", f"{YEAR}-12-31", "--to", f"{YEAR}-01-01",
                                 "-o", str(tmp_path / "x.docx")])
    assert result.exit_code != 0 and REVERSED_MESSAGE in result.output


# --- exports say which courts they cover, and the command line means the same everywhere ---------------------------

def test_the_hearing_table_counts_a_courts_own_hearings_as_its_own(app, city, make_user):
    client = client_as(app, make_user, Role.LIAISON)
    both = docx_text(client.get(f"/hearings/export.docx?{_query(WIDE)}").data)
    assert "本期某某市中级人民法院及下级法院共邀请代表委员旁听庭审 2 场" in both
    assert "范围：某某市中级人民法院（含下级法院）" in both and "| 某某区 |" in both
    own = docx_text(client.get(f"/hearings/export.docx?court={city['court'].id}&scope=own&{_query(WIDE)}").data)
    assert "本期某某市中级人民法院共邀请代表委员旁听庭审 1 场" in own and "范围：某某市中级人民法院（本院）" in own
    items = docx_text(client.get(f"/items/export.docx?court={city['court'].id}&scope=own&{_query(WIDE)}").data)
    assert "某某市中级人民法院交办督办件办理情况统计表" in items and "区院民事建议" not in items
    items = docx_text(client.get(f"/items/export.docx?scope=lower&{_query(WIDE)}").data)  # the scope is kept
    assert "某某市中级人民法院及下级法院交办督办件办理情况统计表" in items and "区院民事建议" in items
    visits = docx_text(client.get(f"/reception/export.docx?{_query(WIDE)}").data)
    assert "某某市中级人民法院及下级法院" in visits and "区院接待事由" in visits
    duty = docx_text(client.get(f"/duty/overview.docx?year={YEAR}&court={city['basic'].id}&scope=own").data)
    assert "范围：某某区人民法院（本院）" in duty and "丙代表" in duty and "乙代表" not in duty


EXPORTS = {  # command: (arguments, marker of the intermediate court's record, of the basic court's)
    "receptions": (["--from", f"{YEAR - 1}-01-01", "--to", f"{YEAR + 1}-12-31"], "中院接待事由", "区院接待事由"),
    "hearings": (["--from", f"{YEAR - 1}-01-01", "--to", f"{YEAR + 1}-12-31"], "某01民初1号", "某0102民初2号"),
    "items": (["--from", f"{YEAR - 1}-01-01", "--to", f"{YEAR + 1}-12-31"], "中院民事建议", "区院民事建议"),
    "duty-reports": (["--year", str(YEAR)], "乙代表", "丙代表"),
}


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
@pytest.mark.parametrize("command", sorted(EXPORTS))
def test_every_export_command_takes_the_same_court_options(runner, city, tmp_path, command, suffix):
    args, own, lower = EXPORTS[command]
    out = tmp_path / f"out{suffix}"
    read = xlsx_text if suffix == ".xlsx" else docx_text

    def exported(*extra) -> str:
        result = runner.invoke(args=["export", command, *args, "-o", str(out), *extra])
        assert result.exit_code == 0, result.output
        return result.output + read(out.read_bytes())

    alone = exported()  # the top court alone
    assert "某某市中级人民法院（本院）" in alone and own in alone and lower not in alone
    both = exported("--with-lower")
    assert "某某市中级人民法院（含下级法院）" in both and own in both and lower in both
    below = exported("--court", "basic")
    assert "某某区人民法院（本院）" in below and lower in below and own not in below
    unknown = runner.invoke(args=["export", command, *args, "-o", str(out), "--court", "nope"])
    assert unknown.exit_code != 0 and "找不到法院代码 nope" in unknown.output


# --- an export holds exactly what its list shows, for every role ---------------------------------------------------

STAFF = [Role.LIAISON, Role.LEADER, Role.HANDLER]
# (list page, its export, how to read the export, markers of every record that may be on either)
EXPORT_OF_LIST = {
    "items": ("/items/", "/items/figures", "/items/export.docx", docx_text,
              ["中院民事建议", "中院刑事建议", "区院民事建议"]),
    "hearings": ("/hearings/?when=all", None, "/hearings/export.docx?when=all", docx_text,
                 ["某01民初1号", "某0102民初2号"]),
    "reception": ("/reception/?x=1", None, "/reception/export.docx?x=1", docx_text, ["中院接待事由", "区院接待事由"]),
    "duty": ("/duty/?state=all", None, f"/duty/overview.docx?year={YEAR}", docx_text, ["乙代表", "丙代表"]),
    "items.xlsx": ("/items/", "/items/figures", "/items/export.xlsx", xlsx_text,
                   ["中院民事建议", "中院刑事建议", "区院民事建议"]),
    "hearings.xlsx": ("/hearings/?when=all", None, "/hearings/export.xlsx?when=all", xlsx_text,
                      ["某01民初1号", "某0102民初2号"]),
    "reception.xlsx": ("/reception/?x=1", None, "/reception/export.xlsx?x=1", xlsx_text, ["中院接待事由", "区院接待事由"]),
    "duty.xlsx": ("/duty/?state=all", None, f"/duty/export.xlsx?state=all&year={YEAR}", xlsx_text, ["乙代表", "丙代表"]),
    "register.xlsx": ("/register/", None, "/register/export.xlsx", xlsx_text, ["甲代表", "乙代表", "丙代表"]),
    "register.docx": ("/register/", None, "/register/export.docx", docx_text, ["甲代表", "乙代表", "丙代表"]),
}


@pytest.mark.parametrize("role", STAFF, ids=lambda r: r.value)
@pytest.mark.parametrize("name", sorted(EXPORT_OF_LIST))
def test_each_export_holds_what_its_list_shows_to_each_role(app, city, make_user, name, role):
    list_url, _, export_url, read, markers = EXPORT_OF_LIST[name]
    kw = {"department": city["civil"]} if role == Role.HANDLER else {}
    client = client_as(app, make_user, role, **kw)
    response = client.get(f"{export_url}{'&' if '?' in export_url else '?'}{_query(WIDE)}")
    if client.get(list_url).status_code == 403:  # no list, no export
        assert response.status_code == 403
        return
    listed = page(client, list_url, **WIDE)
    assert response.status_code == 200
    exported = read(response.data)
    assert {m for m in markers if m in listed} == {m for m in markers if m in exported}
    if name.startswith("items") and role == Role.HANDLER:
        assert "中院刑事建议" not in exported  # another department's item stays hidden


def test_figures_count_what_the_board_shows(app, city, make_user):
    client = client_as(app, make_user, Role.HANDLER, department=city["civil"])
    figures = page(client, "/items/figures", **WIDE)
    assert '<div class="fs-3" id="figure-received">1</div>' in figures


@pytest.mark.parametrize("role", [*STAFF, Role.DEPUTY], ids=lambda r: r.value)
def test_item_files_download_only_for_those_who_see_the_item(app, city, make_user, role):
    liaison = client_as(app, make_user, Role.LIAISON)
    links = {}
    for title, item in city["items"].items():
        response = liaison.post(f"/items/{item.id}/files", data={"files": (io.BytesIO(PDF), f"{title}.pdf")},
                                content_type="multipart/form-data")
        assert response.status_code == 303
        detail = page(liaison, f"/items/{item.id}")
        links[title] = detail.split(f'href="/items/{item.id}/files/')[1].split('"')[0]
    kw = {"department": city["civil"]} if role == Role.HANDLER else {}
    if role == Role.DEPUTY:
        kw["deputy"] = city["deputies"]["乙代表"]  # raised none of them
    client = client_as(app, make_user, role, **kw)
    listed = page(client, "/items/mine" if role == Role.DEPUTY else "/items/")
    for title, item in city["items"].items():
        response = client.get(f"/items/{item.id}/files/{links[title]}")
        assert (response.status_code == 200) == (title in listed), (title, response.status_code)
        response.close()


@pytest.mark.parametrize("role", STAFF, ids=lambda r: r.value)
def test_hearing_materials_download_only_for_those_who_see_the_hearing(app, city, make_user, role):
    liaison = client_as(app, make_user, Role.LIAISON)
    hearings = list(db.session.scalars(db.select(Hearing).order_by(Hearing.id)))
    for hearing in hearings:
        response = liaison.post(f"/hearings/{hearing.id}/materials",
                                data={"materials": (io.BytesIO(PDF), "起诉状.pdf")}, content_type="multipart/form-data")
        assert response.status_code == 303
    user = make_user(role, court=city["basic"])  # staff of the basic court see its hearings only
    client = client_as(app, make_user, role, user=user)
    listed = page(client, "/hearings/?when=all", **WIDE)
    for hearing in hearings:
        attachment = db.session.scalar(db.select(Attachment).where(Attachment.owner_type == "hearing",
                                                                   Attachment.owner_id == hearing.id))
        response = client.get(f"/hearings/{hearing.id}/materials/{attachment.id}/起诉状.pdf")
        assert (response.status_code == 200) == (hearing.case_number in listed), hearing.case_number
        response.close()


def test_period_parsing_is_one_function():
    from portal import periods

    assert periods.parse("2025-01-01", "2025-12-31").label == "2025年1月1日至2025年12月31日"
    assert periods.parse("", "").label == "全部时间"
    assert periods.parse("2025-12-31", "2025-01-01").problem.startswith(REVERSED_MESSAGE)
    assert periods.parse("2025-13-01", "").problem == "日期应写作 2025-03-01。"
    assert periods.parse("2000-01-01", "2025-01-01").problem == "统计期间不能超过十年。"
    assert periods.parse("2025-03-01", "").start == date(2025, 3, 1)
