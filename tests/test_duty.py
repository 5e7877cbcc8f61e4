"""Duty reports (代表述职): a deputy's report and its versions, review, terms, the planner, sessions, documents."""
import io
import re
from datetime import date, datetime, time, timedelta, timezone

import docx
import pytest
import time_machine
from sqlalchemy import func, select

from portal import clock
from portal.attachments import Attachment
from portal.audit import AuditLog
from portal.auth.models import Role
from portal.duty import services
from portal.duty.models import (
    DutyRectification,
    DutyReport,
    DutyReportEvent,
    DutyReportVersion,
    DutySession,
    DutySessionDeputy,
    DutyTerm,
    RectificationStatus,
    ReportKind,
    ReportState,
    SessionState,
    VersionAction,
)
from portal.duty.services import GroupKey, suggested_range
from portal.errors import ServiceError
from portal.extensions import db
from portal.register.models import DeputyKind, DeputyLevel, DeputyStatus
from tests.conftest import sign_in, sql_statements

YEAR = clock.today().year
FULL = {"congress": "出席市人大全体会议，审议政府工作报告，提出建议 2 件。",
        "between_sessions": "参加市人大常委会组织的执法检查两次。",
        "voters": "走访选民 12 户，收集意见 8 条。", "law": "在单位开展宪法宣传。", "deeds": "协调修缮村道 1.2 公里。"}
HX = {"HX-Request": "true", "HX-Target": "autosave-status"}
PDF = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def deputy(make_deputy):
    return make_deputy(name="王建国", group_name="城东街道代表组", level=DeputyLevel.COUNTY, term="第十八届")


@pytest.fixture
def as_deputy(login_as, deputy):
    return login_as(Role.DEPUTY, deputy=deputy)


def make_report(deputy, court, state=ReportState.SUBMITTED, year=YEAR, **values) -> DutyReport:
    report = DutyReport(court_id=court.id, deputy_id=deputy.id, year=year, state=state, **{**FULL, **values})
    db.session.add(report)
    db.session.commit()
    return report


def group_of(make_deputy, n: int, *, group="城东街道代表组", level=DeputyLevel.COUNTY, term="第十八届", **kw):
    return [make_deputy(name=f"{group[:2]}代表{i}", group_name=group, level=level, term=term, **kw) for i in range(n)]


# --- rules --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("members, expected", [(10, (2, 3)), (20, (4, 6)), (7, (2, 2)), (3, (1, 1)), (1, (1, 1)),
                                               (0, (0, 0)), (40, (8, 12))])
def test_suggested_range_is_20_to_30_percent(members, expected):
    assert suggested_range(members) == expected


def test_term_year_of_term():
    term = DutyTerm(level=DeputyLevel.COUNTY, name="第十八届", start_year=2021, end_year=2026)
    assert [term.year_of_term(y) for y in (2020, 2021, 2022, 2026, 2027)] == [None, 1, 2, 6, None]


# --- the deputy writes, autosaves, saves, submits -----------------------------------------------------------

def test_empty_report_page_shows_the_five_sections(client, as_deputy):
    page = text(client.get(f"/duty/mine/{YEAR}"))
    assert f"{YEAR}年度书面履职情况报告" in page and "尚未保存" in page
    for heading in ("一、出席人民代表大会会议", "二、闭会期间", "三、联系原选区选民", "四、在本职工作和社会活动中宣传",
                    "五、为选民做好事、办实事情况"):
        assert heading in page
    assert 'hx-post="/duty/mine/%d/autosave"' % YEAR in page and "input changed delay:1500ms, change" in page
    assert "保存草稿" in page and "提交审查" in page
    assert client.get("/duty/mine/2001").status_code == 404  # no report then, and too old to start one


def test_autosave_creates_the_draft_and_updates_one_version_in_place(client, as_deputy, deputy):
    response = client.post(f"/duty/mine/{YEAR}/autosave", data={"congress": "出席会议"}, headers=HX)
    assert response.status_code == 200
    assert re.match(r"已自动保存 \d\d:\d\d\n", text(response).strip())
    assert '<span id="report-state" hx-swap-oob="true">' in text(response) and "草稿" in text(response)
    client.post(f"/duty/mine/{YEAR}/autosave", data={"congress": "出席会议两次", "voters": "走访"}, headers=HX)
    report = services.report_of(deputy.id, YEAR)
    assert report.state == ReportState.DRAFT and report.congress == "出席会议两次" and report.voters == "走访"
    versions = db.session.scalars(select(DutyReportVersion).where(DutyReportVersion.report_id == report.id)).all()
    assert len(versions) == 1 and versions[0].action == VersionAction.AUTOSAVE
    assert versions[0].content["congress"] == "出席会议两次" and versions[0].saved_by_id == as_deputy.id


def test_explicit_save_keeps_a_version_and_autosave_starts_the_next(client, as_deputy, deputy):
    client.post(f"/duty/mine/{YEAR}/autosave", data={"congress": "初稿"}, headers=HX)
    response = client.post(f"/duty/mine/{YEAR}", data={"congress": "初稿", "deeds": "办实事"})
    assert response.status_code == 303
    assert "草稿已保存" in text(client.get(response.headers["Location"]))
    client.post(f"/duty/mine/{YEAR}", data={"congress": "初稿", "deeds": "办实事"})  # nothing changed: no version
    client.post(f"/duty/mine/{YEAR}/autosave", data={"congress": "二稿", "deeds": "办实事"}, headers=HX)
    report = services.report_of(deputy.id, YEAR)
    history = services.version_history(report)
    assert [(r.version.number, r.version.action) for r in history] == [(2, VersionAction.AUTOSAVE),
                                                                      (1, VersionAction.SAVE)]
    assert history[0].changed == ["出席会议和行使职权"]
    assert set(history[1].changed) == {"出席会议和行使职权", "为选民办实事"}


def test_saving_works_without_javascript_and_keeps_line_breaks(client, as_deputy, deputy):
    response = client.post(f"/duty/mine/{YEAR}", data={**FULL, "voters": "走访选民。\r\n收集意见。\x00"})
    assert response.status_code == 303
    assert services.report_of(deputy.id, YEAR).voters == "走访选民。\n收集意见。"


def test_submit_needs_every_section_and_keeps_what_was_typed(client, as_deputy, deputy):
    response = client.post(f"/duty/mine/{YEAR}/submit", data={**FULL, "deeds": "  "})
    assert response.status_code == 422
    page = text(response)
    assert "请填写“为选民办实事”部分；没有相关情况的，请写明“无”。" in page
    assert FULL["voters"] in page
    assert services.report_of(deputy.id, YEAR) is None  # the failed request left nothing behind


def test_after_submit_the_report_is_read_only_until_returned(client, as_deputy, deputy, login_as, court):
    assert client.post(f"/duty/mine/{YEAR}/submit", data=FULL).status_code == 303
    report = services.report_of(deputy.id, YEAR)
    assert report.state == ReportState.SUBMITTED and report.submitted_at is not None
    page = text(client.get(f"/duty/mine/{YEAR}"))
    assert "正在审查" in page and "<textarea" not in page and FULL["deeds"] in page

    refused = client.post(f"/duty/mine/{YEAR}", data={**FULL, "deeds": "改了"})
    assert refused.status_code == 409 and "不能修改" in text(refused)
    assert client.post(f"/duty/mine/{YEAR}/autosave", data={"deeds": "改了"}, headers=HX).status_code == 409
    assert client.post(f"/duty/mine/{YEAR}/submit", data={**FULL, "deeds": "改了"}).status_code == 409
    with pytest.raises(ServiceError):
        services.save_report(report, {**FULL, "deeds": "改了"})
    db.session.rollback()
    assert db.session.get(DutyReport, report.id).deeds == FULL["deeds"]

    client.post("/logout")
    login_as(Role.LIAISON)
    response = client.post(f"/duty/reports/{report.id}/review", data={"action": "return", "comment": "请补充联系选民的具体情况"})
    assert response.status_code == 303
    client.post("/logout")
    sign_in(client, as_deputy)
    page = text(client.get(f"/duty/mine/{YEAR}"))
    assert "审查意见（已退回修改）：" in page and "请补充联系选民的具体情况" in page and "<textarea" in page
    assert client.post(f"/duty/mine/{YEAR}/submit", data={**FULL, "voters": "走访选民 20 户"}).status_code == 303
    report = db.session.get(DutyReport, report.id)
    assert report.state == ReportState.SUBMITTED and report.voters == "走访选民 20 户"
    actions = [v.action for v in db.session.scalars(select(DutyReportVersion).where(
        DutyReportVersion.report_id == report.id).order_by(DutyReportVersion.number))]
    assert actions == [VersionAction.SUBMIT, VersionAction.SUBMIT]
    events = [(e.from_state, e.to_state) for e in services.report_events(report)]
    assert events == [(ReportState.DRAFT, ReportState.SUBMITTED), (ReportState.SUBMITTED, ReportState.RETURNED),
                      (ReportState.RETURNED, ReportState.SUBMITTED)]


def test_attachments_are_added_with_a_save_and_removed_by_choice(client, as_deputy, deputy):
    response = client.post(f"/duty/mine/{YEAR}", data={**FULL, "files": (io.BytesIO(PDF), "走访照片.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    report = services.report_of(deputy.id, YEAR)
    attachment = db.session.scalar(select(Attachment).where(Attachment.owner_type == "duty_report",
                                                            Attachment.owner_id == report.id))
    page = text(client.get(f"/duty/mine/{YEAR}"))
    assert "走访照片.pdf" in page
    download = client.get(f"/duty/reports/{report.id}/files/{attachment.id}/走访照片.pdf")
    assert download.status_code == 200 and download.data == PDF
    bad = client.post(f"/duty/mine/{YEAR}", data={**FULL, "files": (io.BytesIO(b"MZ..."), "病毒.exe")},
                      content_type="multipart/form-data")
    assert bad.status_code == 422 and "不支持的文件类型“.exe”" in text(bad)
    attachment_id = attachment.id
    client.post(f"/duty/mine/{YEAR}", data={**FULL, "remove_file": str(attachment_id)})
    db.session.expunge_all()
    assert db.session.get(Attachment, attachment_id) is None


def test_a_deputy_reaches_only_their_own_report(client, as_deputy, make_deputy, court):
    other = make_report(make_deputy(name="李四"), court)
    assert client.get(f"/duty/reports/{other.id}.docx").status_code == 403
    assert client.get(f"/duty/reports/{other.id}").status_code == 403  # staff page
    mine = text(client.get("/duty/mine"))
    assert "李四" not in mine and "您还没有述职报告" in mine


def test_staff_of_another_court_do_not_see_a_report(client, login_as, make_court, make_deputy, court):
    report = make_report(make_deputy(), court)
    login_as(Role.LIAISON, court=make_court(name="另一中级人民法院"))
    assert client.get(f"/duty/reports/{report.id}").status_code == 404
    assert "没有符合条件的述职报告" in text(client.get("/duty/?state=all"))


def test_cppcc_members_write_no_duty_report(app, client, login_as, make_deputy, court):
    member = make_deputy(kind=DeputyKind.CPPCC, group_name="教育界")
    login_as(Role.DEPUTY, deputy=member)
    page = text(client.get("/duty/mine"))
    assert "向选民述职是人大代表的职责，政协委员不需要撰写述职报告。" in page and f"撰写 {YEAR} 年度报告" not in page
    assert client.get(f"/duty/mine/{YEAR}").status_code == 403
    assert client.post(f"/duty/mine/{YEAR}", data=FULL).status_code == 403
    assert services.report_of(member.id, YEAR) is None
    with pytest.raises(ServiceError, match="人大代表的职责"):
        services.start_report(member, YEAR, court.id)
    assert "我的述职</h2>" not in text(client.get("/workspace/"))


def test_only_this_and_last_year_can_be_started(app, deputy, court):
    with time_machine.travel(datetime(YEAR + 1, 1, 20, 2, tzinfo=timezone.utc), tick=False):  # January
        with pytest.raises(ServiceError, match="只能撰写"):
            services.start_report(deputy, YEAR - 1, court.id)
        assert services.start_report(deputy, YEAR, court.id).year == YEAR


@pytest.mark.parametrize("moment, offered", [
    (datetime(YEAR, 12, 15, 2, tzinfo=timezone.utc), [YEAR]),  # December: this year's report, not last year's
    (datetime(YEAR, 12, 31, 17, tzinfo=timezone.utc), [YEAR, YEAR + 1]),  # already 1 January in Beijing
    (datetime(YEAR + 1, 3, 31, 2, tzinfo=timezone.utc), [YEAR, YEAR + 1]),  # the year just ended is still due
    (datetime(YEAR + 1, 4, 1, 2, tzinfo=timezone.utc), [YEAR + 1]),
])
def test_the_deputy_is_offered_the_year_that_is_due(client, login_as, deputy, moment, offered):
    with time_machine.travel(moment, tick=False):
        login_as(Role.DEPUTY, deputy=deputy)
        page = text(client.get("/duty/mine"))
        assert re.findall(r"撰写 (\d{4}) 年度报告</a>", page) == [str(y) for y in offered]
        assert f"撰写 {offered[0]} 年度报告" in page.split("btn-primary", 1)[1][:200]


# --- staff review -------------------------------------------------------------------------------------------

def test_review_queue_lists_submitted_reports_first(client, login_as, make_deputy, court):
    make_report(make_deputy(name="张三"), court)
    make_report(make_deputy(name="李四"), court, state=ReportState.DRAFT)
    make_report(make_deputy(name="王五"), court, state=ReportState.FILED)
    login_as(Role.LEADER)
    page = text(client.get("/duty/"))
    assert "张三" in page and "李四" not in page and "王五" not in page
    assert "待审查 <strong>1</strong>" in page and "草稿 <strong>1</strong>" in page
    everything = text(client.get("/duty/?state=all"))
    assert all(name in everything for name in ("张三", "李四", "王五"))
    fragment = client.get("/duty/?state=all&q=ww", headers={"HX-Request": "true", "HX-Target": "results"})
    assert "<html" not in text(fragment) and "王五" in text(fragment) and "张三" not in text(fragment)
    assert "没有符合条件的述职报告" in text(client.get(f"/duty/?year={YEAR - 1}"))


def test_queue_query_count_does_not_grow_with_rows(app, client, login_as, make_deputy, court):
    login_as(Role.LIAISON)

    def queries() -> int:
        with sql_statements() as sent:
            assert client.get("/duty/?state=all").status_code == 200
        return len(sent)

    make_report(make_deputy(), court)
    few = queries()
    for _ in range(12):
        make_report(make_deputy(), court)
    assert queries() == few


def test_return_needs_a_comment_and_accept_and_file_follow_in_order(client, login_as, make_deputy, court):
    report = make_report(make_deputy(name="张三"), court)
    login_as(Role.LIAISON)
    missing = client.post(f"/duty/reports/{report.id}/review", data={"action": "return", "comment": " "})
    assert missing.status_code == 422 and "退回修改时请写明审查意见" in text(missing)
    early = client.post(f"/duty/reports/{report.id}/review", data={"action": "file"})
    assert early.status_code == 422 and "报告待审查，不能备案" in text(early)
    assert client.post(f"/duty/reports/{report.id}/review", data={"action": "accept"}).status_code == 303
    assert client.post(f"/duty/reports/{report.id}/review", data={"action": "file", "comment": "同意备案"}).status_code == 303
    report = db.session.get(DutyReport, report.id)
    assert report.state == ReportState.FILED and report.filed_at and report.review_comment == "同意备案"
    page = text(client.get(f"/duty/reports/{report.id}"))
    assert "已备案" in page and "审查通过 → 已备案——同意备案" in page
    audited = {e for e in db.session.scalars(select(AuditLog.entity).where(AuditLog.record_id.is_not(None)))}
    assert {"duty_report", "duty_report_event"} <= audited


def test_review_and_filing_take_the_day_they_were_done(client, login_as, make_deputy, court):
    today = clock.today()
    submitted = clock.from_local(datetime.combine(today - timedelta(days=20), time(9)))
    report = make_report(make_deputy(name="张三"), court, submitted_at=submitted)
    login_as(Role.LIAISON)
    assert f'name="on" value="{today.isoformat()}"' in text(client.get(f"/duty/reports/{report.id}"))
    url = f"/duty/reports/{report.id}/review"
    future = client.post(url, data={"action": "accept", "on": (today + timedelta(days=1)).isoformat()})
    assert future.status_code == 422 and "审查通过日期不能晚于今天。" in text(future)
    early = client.post(url, data={"action": "accept", "on": (today - timedelta(days=21)).isoformat()})
    assert early.status_code == 422
    assert f"审查通过日期不能早于提交日期（{(today - timedelta(days=20)).isoformat()}）。" in text(early)
    accepted, filed = today - timedelta(days=15), today - timedelta(days=10)
    assert client.post(url, data={"action": "accept", "on": accepted.isoformat()}).status_code == 303
    before = client.post(url, data={"action": "file", "on": (accepted - timedelta(days=1)).isoformat()})
    assert before.status_code == 422 and f"备案日期不能早于审查日期（{accepted.isoformat()}）。" in text(before)
    assert client.post(url, data={"action": "file", "on": filed.isoformat()}).status_code == 303
    report = db.session.get(DutyReport, report.id)
    assert clock.local_date(report.filed_at) == filed and clock.local_date(report.reviewed_at) == filed
    page = text(client.get(f"/duty/reports/{report.id}"))
    assert f"{accepted.isoformat()} 12:00" in page and f"{filed.isoformat()} 12:00" in page


def test_evaluation_and_outcome_take_their_day_after_the_session(client, planned):
    session, people = planned
    today = clock.today()
    client.post(f"/duty/sessions/{session.id}/reporters", data={"deputy_id": people[0].id})
    client.post(f"/duty/sessions/{session.id}/hold", data={"voters_present": "50"})
    session = db.session.get(DutySession, session.id)
    session.held_on = today - timedelta(days=7)
    db.session.commit()
    reporter = db.session.scalar(select(DutySessionDeputy))
    url = f"/duty/sessions/{session.id}/reporters/{reporter.id}/evaluation"
    votes = {"satisfied": "45", "basically": "3", "unsatisfied": "2"}
    future = client.post(url, data={**votes, "on": (today + timedelta(days=1)).isoformat()})
    assert future.status_code == 422 and "评议日期不能晚于今天。" in text(future)
    early = client.post(url, data={**votes, "on": (today - timedelta(days=8)).isoformat()})
    assert early.status_code == 422
    assert f"评议日期不能早于述职会日期（{(today - timedelta(days=7)).isoformat()}）。" in text(early)
    day = today - timedelta(days=6)
    assert client.post(url, data={**votes, "on": day.isoformat()}).status_code == 303
    assert f"{day.isoformat()} 12:00" in text(client.get(f"/duty/sessions/{session.id}"))
    client.post(f"/duty/sessions/{session.id}/reporters/{reporter.id}/rectifications",
                data={"content": "加强与选民联系", "owner": people[0].name})
    item = db.session.scalar(select(DutyRectification))
    url = f"/duty/sessions/{session.id}/rectifications/{item.id}"
    future = client.post(url, data={"status": "done", "outcome": "已走访", "on": (today + timedelta(days=1)).isoformat()})
    assert future.status_code == 422 and "整改结果日期不能晚于今天。" in text(future)
    assert client.post(url, data={"status": "done", "outcome": "已走访", "on": day.isoformat()}).status_code == 303
    assert clock.local_date(db.session.get(DutyRectification, item.id).outcome_at) == day


def test_leaders_read_but_do_not_review(client, login_as, make_deputy, court):
    report = make_report(make_deputy(), court)
    login_as(Role.LEADER)
    page = text(client.get(f"/duty/reports/{report.id}"))
    assert FULL["voters"] in page and "审查通过</button>" not in page
    assert client.post(f"/duty/reports/{report.id}/review", data={"action": "accept"}).status_code == 403


def test_version_page_marks_the_changed_sections(client, login_as, as_deputy, deputy):
    client.post(f"/duty/mine/{YEAR}", data={**FULL, "law": "初稿"})
    client.post(f"/duty/mine/{YEAR}", data=FULL)
    report = services.report_of(deputy.id, YEAR)
    second = db.session.scalar(select(DutyReportVersion).where(DutyReportVersion.report_id == report.id,
                                                               DutyReportVersion.number == 2))
    client.post("/logout")
    login_as(Role.LIAISON)
    report.state = ReportState.SUBMITTED
    db.session.commit()
    page = text(client.get(f"/duty/reports/{report.id}/versions/{second.id}"))
    assert "与上一版相比修改了：宣传遵守宪法和法律" in page and page.count("本版修改") == 1


# --- terms and the planner ----------------------------------------------------------------------------------

def test_terms_are_managed_on_their_own_pages(client, login_as):
    login_as(Role.LIAISON)
    data = {"level": "county", "name": "第十八届", "start_year": "2021", "end_year": "2026"}
    assert client.post("/duty/terms/new", data=data).status_code == 303
    again = client.post("/duty/terms/new", data=data)
    assert again.status_code == 422 and "已有县（区）级第十八届的届期" in text(again)
    wrong = client.post("/duty/terms/new", data={**data, "name": "第五届", "end_year": "2020"})
    assert wrong.status_code == 422 and "届满年份应晚于起始年份" in text(wrong)
    term = db.session.scalar(select(DutyTerm))
    assert client.post(f"/duty/terms/{term.id}", data={**data, "end_year": "2027"}).status_code == 303
    assert db.session.get(DutyTerm, term.id).end_year == 2027
    assert "任期第" in text(client.get(f"/duty/plan?year={YEAR}"))
    assert client.post(f"/duty/terms/{term.id}/delete").status_code == 303
    assert db.session.scalar(select(func.count()).select_from(DutyTerm)) == 0


def _session(court, group: list, reporters: list, *, year=YEAR, state=SessionState.PLANNED) -> DutySession:
    first = group[0]
    session = DutySession(court_id=court.id, year=year, level=first.level, term=first.term, group_name=first.group_name,
                          held_on=date(year, 6, 1), place="联络站", state=state)
    session.reporters = [DutySessionDeputy(deputy_id=d.id) for d in reporters]
    db.session.add(session)
    db.session.commit()
    return session


def test_planner_warns_outside_20_to_30_percent_from_the_second_year(client, login_as, make_deputy, court):
    east = group_of(make_deputy, 10)
    group_of(make_deputy, 3, group="工商界代表组")
    make_deputy(name="离任者", group_name="城东街道代表组", level=DeputyLevel.COUNTY, term="第十八届",
                status=DeputyStatus.RETIRED)
    make_deputy(name="钱委员", group_name="城东街道代表组", level=DeputyLevel.COUNTY, term="第十八届",
                kind=DeputyKind.CPPCC)
    db.session.add(DutyTerm(level=DeputyLevel.COUNTY, name="第十八届", start_year=YEAR - 2, end_year=YEAR + 2))
    db.session.commit()
    _session(court, east, east[:1])
    _session(court, east, east[1:3], year=YEAR - 1, state=SessionState.CLOSED)

    groups = {g.key.name: g for g in services.plan(YEAR)}
    east_plan = groups["城东街道代表组"]
    assert (east_plan.members, east_plan.planned, east_plan.share_percent, east_plan.year_of_term) == (10, 1, 10.0, 3)
    assert east_plan.warning == "低于 20%—30%，本组应安排 2—3 人"
    assert east_plan.not_reported == 7  # earlier years of the term count too
    assert [p.name for p in services.not_reported(east_plan.key)] == [d.name for d in east[3:]]
    assert groups["工商界代表组"].warning == "低于 20%—30%，本组应安排 1 人"

    login_as(Role.LIAISON)
    page = text(client.get(f"/duty/plan?year={YEAR}"))
    assert "低于 20%—30%，本组应安排 2—3 人" in page and '<strong class="text-danger">2</strong> 个组的当面述职人数' in page
    assert "离任者" not in page and "钱委员" not in page
    assert "7 人" in page and "城东代表3" not in page  # the names come when the row is opened
    opened = text(client.get(f"/duty/plan/not-reported?group={east_plan.key.value}"))
    assert "城东街道代表组：本届尚未安排当面述职的代表" in opened and "共 7 人" in opened  # a page of its own
    assert all(d.name in opened for d in east[3:]) and all(d.name not in opened for d in east[:3])
    fragment = text(client.get(f"/duty/plan/not-reported?group={east_plan.key.value}",
                               headers={"HX-Request": "true", "HX-Target": f"{east_plan.key.element_id}-names"}))
    assert "<html" not in fragment and fragment.count('href="/register/') == 7
    assert client.get("/duty/plan/not-reported?group=nonsense").status_code == 404

    _session(court, east, east[3:5])  # 3 of 10 now
    assert {g.key.name: g.warning for g in services.plan(YEAR)}["城东街道代表组"] == ""
    _session(court, east, east[5:6])  # 4 of 10
    assert {g.key.name: g.warning for g in services.plan(YEAR)}["城东街道代表组"] == "高于 20%—30%，本组应安排 2—3 人"


def test_planner_makes_no_demand_in_the_first_year_or_without_a_term(client, login_as, make_deputy):
    group_of(make_deputy, 10)
    group_of(make_deputy, 5, group="南江代表团", level=DeputyLevel.PROVINCIAL, term="第十四届")
    db.session.add(DutyTerm(level=DeputyLevel.COUNTY, name="第十八届", start_year=YEAR, end_year=YEAR + 5))
    db.session.commit()
    groups = {g.key.name: g for g in services.plan(YEAR)}
    assert groups["城东街道代表组"].year_of_term == 1 and groups["城东街道代表组"].warning == ""
    assert groups["南江代表团"].term is None and groups["南江代表团"].warning == ""
    login_as(Role.LEADER)
    page = text(client.get(f"/duty/plan?year={YEAR}&level=provincial"))
    assert "未设置届期" in page and "城东街道代表组" not in page


# --- sessions -----------------------------------------------------------------------------------------------

@pytest.fixture
def planned(client, login_as, make_deputy, court):
    """A liaison logged in, a group of 10 in the third year of its term, and a session planned for today."""
    people = group_of(make_deputy, 10)
    db.session.add(DutyTerm(level=DeputyLevel.COUNTY, name="第十八届", start_year=YEAR - 2, end_year=YEAR + 2))
    db.session.commit()
    login_as(Role.LIAISON)
    key = GroupKey(DeputyLevel.COUNTY, "第十八届", "城东街道代表组")
    response = client.post("/duty/sessions/new", data={"group": key.value, "held_on": clock.today().isoformat(),
                                                       "place": "城东街道人大代表联络站", "organiser": "城东街道人大工委"})
    assert response.status_code == 303
    session = db.session.scalar(select(DutySession))
    return session, people


def test_new_session_form_checks_its_fields(client, login_as, make_deputy):
    group_of(make_deputy, 3)
    login_as(Role.LIAISON)
    page = text(client.get("/duty/sessions/new?group=county|第十八届|城东街道代表组"))
    assert re.search(r'<option selected value="county\|第十八届\|城东街道代表组">', page)
    response = client.post("/duty/sessions/new", data={"group": "", "held_on": "", "place": ""})
    assert response.status_code == 422
    assert "请选择代表组" in text(response) and "请填写述职会日期" in text(response) and "请填写地点" in text(response)
    unknown = client.post("/duty/sessions/new", data={"group": "county|第十八届|没有的组", "held_on": "2025-06-01",
                                                      "place": "某地"})
    assert unknown.status_code == 422 and "名册中没有这个代表组" in text(unknown)


def test_reporters_make_the_report_in_person_and_are_checked(client, planned, make_deputy, court):
    session, people = planned
    report = make_report(people[0], court, state=ReportState.DRAFT)
    assert report.kind == ReportKind.WRITTEN
    page = text(client.get(f"/duty/sessions/{session.id}"))
    assert people[0].name in page and "安排述职" in page

    assert client.post(f"/duty/sessions/{session.id}/reporters", data={"deputy_id": people[0].id}).status_code == 303
    assert db.session.get(DutyReport, report.id).kind == ReportKind.IN_PERSON
    outsider = make_deputy(name="外组代表", group_name="城西街道代表组", level=DeputyLevel.COUNTY, term="第十八届")
    response = client.post(f"/duty/sessions/{session.id}/reporters", data={"deputy_id": outsider.id},
                           follow_redirects=True)
    assert "外组代表不是城东街道代表组的在任人大代表" in text(response)
    twice = client.post(f"/duty/sessions/{session.id}/reporters", data={"deputy_id": people[0].id},
                        follow_redirects=True)
    assert "一年只述职一次" in text(twice)

    reporter = db.session.scalar(select(DutySessionDeputy).where(DutySessionDeputy.deputy_id == people[0].id))
    assert client.post(f"/duty/sessions/{session.id}/reporters/{reporter.id}/remove").status_code == 303
    assert db.session.get(DutyReport, report.id).kind == ReportKind.WRITTEN


def test_holding_needs_a_reporter_a_past_date_and_the_voters(client, planned):
    session, people = planned
    empty = client.post(f"/duty/sessions/{session.id}/hold", data={"voters_present": "40"})
    assert empty.status_code == 409 and "请先安排至少一名述职代表" in text(empty)
    client.post(f"/duty/sessions/{session.id}/reporters", data={"deputy_id": people[0].id})
    missing = client.post(f"/duty/sessions/{session.id}/hold", data={"voters_present": ""})
    assert missing.status_code == 422 and "请填写参会选民人数" in text(missing)
    later = clock.today() + timedelta(days=10)
    client.post(f"/duty/sessions/{session.id}/edit", data={"held_on": later.isoformat(), "place": "联络站"})
    future = client.post(f"/duty/sessions/{session.id}/hold", data={"voters_present": "40"})
    assert future.status_code == 409 and "召开后才能标记为已召开" in text(future)
    client.post(f"/duty/sessions/{session.id}/edit", data={"held_on": clock.today().isoformat(), "place": "联络站"})
    assert client.post(f"/duty/sessions/{session.id}/hold", data={"voters_present": "40"}).status_code == 303
    session = db.session.get(DutySession, session.id)
    assert session.state == SessionState.HELD and session.voters_present == 40


def test_session_closes_only_when_every_rectification_has_an_outcome(client, planned):
    session, people = planned
    for person in people[:2]:
        client.post(f"/duty/sessions/{session.id}/reporters", data={"deputy_id": person.id})
    client.post(f"/duty/sessions/{session.id}/hold", data={"voters_present": "50"})
    first, second = db.session.scalars(select(DutySessionDeputy).order_by(DutySessionDeputy.id)).all()

    too_many = client.post(f"/duty/sessions/{session.id}/reporters/{first.id}/evaluation",
                           data={"satisfied": "40", "basically": "10", "unsatisfied": "5"})
    assert too_many.status_code == 422 and "超过参会选民 50 人" in text(too_many)
    assert 'value="40"' in text(too_many)  # typed numbers are kept
    for reporter in (first, second):
        response = client.post(f"/duty/sessions/{session.id}/reporters/{reporter.id}/evaluation",
                               data={"satisfied": "40", "basically": "8", "unsatisfied": "2",
                                     "comments": "希望多到选区走走。"})
        assert response.status_code == 303
    assert db.session.get(DutySessionDeputy, first.id).satisfaction_percent == 96.0

    empty = client.post(f"/duty/sessions/{session.id}/reporters/{first.id}/rectifications", data={"content": ""})
    assert empty.status_code == 422 and "请填写整改事项" in text(empty)
    response = client.post(f"/duty/sessions/{session.id}/reporters/{first.id}/rectifications",
                           data={"content": "每季度到选区接待选民一次", "owner": people[0].name,
                                 "deadline": date(YEAR, 12, 31).isoformat()})
    assert response.status_code == 303
    item = db.session.scalar(select(DutyRectification))

    refused = client.post(f"/duty/sessions/{session.id}/close")
    assert refused.status_code == 409 and "还有 1 项整改事项没有结果" in text(refused)
    assert db.session.get(DutySession, session.id).state == SessionState.HELD
    with pytest.raises(ServiceError):
        services.close_session(db.session.get(DutySession, session.id))
    db.session.rollback()

    no_note = client.post(f"/duty/sessions/{session.id}/rectifications/{item.id}", data={"status": "done"})
    assert no_note.status_code == 422 and "请写明整改结果" in text(no_note)
    assert client.post(f"/duty/sessions/{session.id}/rectifications/{item.id}",
                       data={"status": "not_done", "outcome": "代表工作调动，未能落实"}).status_code == 303
    assert db.session.get(DutyRectification, item.id).status == RectificationStatus.NOT_DONE
    assert client.post(f"/duty/sessions/{session.id}/close").status_code == 303
    assert db.session.get(DutySession, session.id).state == SessionState.CLOSED

    # A closed session is kept as it ended.
    assert client.post(f"/duty/sessions/{session.id}/reporters/{first.id}/evaluation",
                       data={"satisfied": "1"}).status_code == 409
    page = text(client.get(f"/duty/sessions/{session.id}"))
    assert "已结束" in page and "保存评议</button>" not in page and "未整改</strong>：代表工作调动，未能落实" in page


def test_close_needs_every_evaluation(app, planned, court):
    session, people = planned
    session = db.session.get(DutySession, session.id)
    services.add_reporter(session, people[0].id)
    session.state = SessionState.HELD
    db.session.flush()
    assert services.close_problems(session) == [f"尚未录入评议结果：{people[0].name}。"]


def test_only_a_planned_session_can_be_deleted(client, planned):
    session, people = planned
    client.post(f"/duty/sessions/{session.id}/reporters", data={"deputy_id": people[0].id})
    assert client.post(f"/duty/sessions/{session.id}/delete").status_code == 303
    assert db.session.scalar(select(func.count()).select_from(DutySession)) == 0
    assert db.session.scalar(select(func.count()).select_from(DutySessionDeputy)) == 0


def test_sessions_list_filters_by_group(client, login_as, make_deputy, court):
    east, west = group_of(make_deputy, 3), group_of(make_deputy, 3, group="城西街道代表组")
    _session(court, east, east[:1])
    _session(court, west, west[:1])
    login_as(Role.LEADER)
    page = text(client.get(f"/duty/sessions?year={YEAR}&group=county|第十八届|城西街道代表组"))
    assert west[0].name in page and east[0].name not in page and "共 <strong>1</strong> 条" in page


# --- documents ----------------------------------------------------------------------------------------------

def paragraphs(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def test_report_docx_has_the_five_headings_and_exports_any_text(client, as_deputy, deputy):
    client.post(f"/duty/mine/{YEAR}", data={**FULL, "deeds": "修路\x01\x0b 张三 & <李四>\n第二段"})
    report = services.report_of(deputy.id, YEAR)
    response = client.get(f"/duty/reports/{report.id}.docx")
    assert response.status_code == 200 and response.mimetype.endswith("wordprocessingml.document")
    texts = paragraphs(response.data)
    assert texts[0] == f"王建国代表{YEAR}年度书面履职情况报告（草稿）"
    assert "五、为选民做好事、办实事情况" in texts
    assert "修路 张三 & <李四>" in texts and "第二段" in texts
    assert texts[-2:] == ["王建国", f"{clock.today().year}年{clock.today().month}月{clock.today().day}日"]


def test_session_results_and_overview_documents(client, planned):
    session, people = planned
    client.post(f"/duty/sessions/{session.id}/reporters", data={"deputy_id": people[0].id})
    client.post(f"/duty/sessions/{session.id}/hold", data={"voters_present": "50"})
    reporter = db.session.scalar(select(DutySessionDeputy))
    client.post(f"/duty/sessions/{session.id}/reporters/{reporter.id}/evaluation",
                data={"satisfied": "45", "basically": "3", "unsatisfied": "2", "comments": "履职认真。"})
    client.post(f"/duty/sessions/{session.id}/reporters/{reporter.id}/rectifications",
                data={"content": "加强与选民联系", "owner": people[0].name})

    results = client.get(f"/duty/sessions/{session.id}/results.docx")
    document = docx.Document(io.BytesIO(results.data))
    assert document.paragraphs[0].text == f"城东街道代表组{YEAR}年代表述职评议结果"
    table = document.tables[0]
    assert [c.text for c in table.rows[1].cells] == ["1", people[0].name, "45", "3", "2", "96%"]
    assert [c.text for c in document.tables[1].rows[1].cells][2:4] == ["加强与选民联系", people[0].name]
    assert "履职认真。" in [p.text for p in document.paragraphs]

    overview = client.get(f"/duty/overview.docx?year={YEAR}&group=county|第十八届|城东街道代表组")
    document = docx.Document(io.BytesIO(overview.data))
    assert document.paragraphs[0].text == f"{YEAR}年代表述职情况汇总"
    groups, deputies = document.tables
    assert [c.text for c in groups.rows[1].cells][:4] == ["县（区）级第十八届 · 城东街道代表组", "10", "1", "10%"]
    assert "低于 20%—30%" in groups.rows[1].cells[6].text
    row = [c.text for c in deputies.rows[1].cells]
    assert row[2:4] == [people[0].name, "当面述职"] and "满意45 基本满意3 不满意2（满意率96%）" in row[6]


def test_cli_exports_the_year(runner, make_deputy, court, tmp_path):
    member = make_deputy(name="赵敏")
    make_report(member, court, state=ReportState.FILED)
    output = tmp_path / "述职.docx"
    result = runner.invoke(args=["export", "duty-reports", "--year", str(YEAR), "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert "已导出" in result.output
    document = docx.Document(str(output))
    assert document.paragraphs[0].text == f"{YEAR}年代表述职情况汇总"
    assert "赵敏" in [c.text for c in document.tables[1].rows[1].cells]
    bad = runner.invoke(args=["export", "duty-reports", "--year", str(YEAR), "-o", str(tmp_path / "x.pdf")])
    assert bad.exit_code != 0 and ".docx" in bad.output


# --- demo data ----------------------------------------------------------------------------------------------

@pytest.mark.seeded_demo
def test_demo_seeds_terms_reports_and_sessions(app, demo_seeded):
    counts = demo_seeded.counts
    assert counts["届期"] >= 5 and counts["述职报告"] > 20 and counts["述职会"] > 5
    states = set(db.session.scalars(select(DutyReport.state).distinct()))
    assert {ReportState.DRAFT, ReportState.SUBMITTED, ReportState.RETURNED, ReportState.FILED} <= states
    assert db.session.scalar(select(func.count()).select_from(DutyRectification)) > 0
    closed = db.session.scalars(select(DutySession).where(DutySession.state == SessionState.CLOSED)).all()
    assert closed and all(services.close_problems(s) == [] for s in closed)
    for report in db.session.scalars(select(DutyReport)):
        assert report.kind == (ReportKind.IN_PERSON if services.session_of_reporter(report.deputy_id, report.year)
                               else ReportKind.WRITTEN)
    versions = db.session.scalar(select(func.count()).select_from(DutyReportVersion))
    submitted = db.session.scalar(select(func.count()).select_from(DutyReportEvent))
    assert versions >= counts["述职报告"] and submitted > 0


def test_planner_filters_swap_only_the_groups_table(client, login_as, make_deputy):
    group_of(make_deputy, 4)
    group_of(make_deputy, 4, group="南江代表团", level=DeputyLevel.PROVINCIAL, term="第十四届")
    login_as(Role.LEADER)
    fragment = client.get(f"/duty/plan?year={YEAR}&level=county", headers={"HX-Request": "true", "HX-Target": "groups"})
    body = text(fragment)
    assert "<html" not in body and "城东街道代表组" in body and "南江代表团" not in body
    assert "新增届期" not in text(client.get("/duty/plan"))  # leaders read the plan; terms are the liaison's


def test_sessions_of_another_court_are_out_of_reach(client, login_as, make_deputy, make_court, court):
    people = group_of(make_deputy, 3)
    session = _session(court, people, people[:1])
    login_as(Role.LIAISON, court=make_court(name="另一中级人民法院"))
    assert client.get(f"/duty/sessions/{session.id}").status_code == 404
    assert client.post(f"/duty/sessions/{session.id}/delete").status_code == 404
    assert people[0].name not in text(client.get(f"/duty/sessions?year={YEAR}"))


# --- domain events ------------------------------------------------------------------------------------------

def announced(record) -> list[str]:
    """The labels of the events the audit trail holds for ``record``, oldest first."""
    return list(db.session.scalars(select(AuditLog.summary).where(
        AuditLog.action == "event", AuditLog.entity == type(record).__tablename__, AuditLog.record_id == record.id)
        .order_by(AuditLog.id)))


def test_submitting_and_reviewing_a_report_are_announced(client, as_deputy, deputy, login_as):
    assert client.post(f"/duty/mine/{YEAR}/submit", data={**FULL, "deeds": ""}).status_code == 422
    assert client.post(f"/duty/mine/{YEAR}", data=FULL).status_code == 303  # a draft saved: nothing to announce
    report = services.report_of(deputy.id, YEAR)
    assert announced(report) == []
    assert client.post(f"/duty/mine/{YEAR}/submit", data=FULL).status_code == 303
    client.post("/logout")
    login_as(Role.LIAISON)
    url = f"/duty/reports/{report.id}/review"
    assert client.post(url, data={"action": "return", "comment": " "}).status_code == 422  # refused: no event
    assert client.post(url, data={"action": "return", "comment": "请补充联系选民的具体情况"}).status_code == 303
    client.post("/logout")
    sign_in(client, as_deputy)
    assert client.post(f"/duty/mine/{YEAR}/submit", data=FULL).status_code == 303
    client.post("/logout")
    login_as(Role.LIAISON)
    assert client.post(url, data={"action": "accept"}).status_code == 303
    assert client.post(url, data={"action": "file"}).status_code == 303
    assert announced(report) == ["提交述职报告", "退回述职报告", "提交述职报告", "述职报告审查通过", "述职报告备案"]


def test_holding_and_closing_a_session_are_announced(client, planned):
    session, people = planned
    client.post(f"/duty/sessions/{session.id}/reporters", data={"deputy_id": people[0].id})
    assert client.post(f"/duty/sessions/{session.id}/close").status_code == 409  # not held yet: nothing happened
    assert client.post(f"/duty/sessions/{session.id}/hold", data={"voters_present": "50"}).status_code == 303
    reporter = db.session.scalar(select(DutySessionDeputy))
    client.post(f"/duty/sessions/{session.id}/reporters/{reporter.id}/evaluation",
                data={"satisfied": "40", "basically": "8", "unsatisfied": "2"})
    assert client.post(f"/duty/sessions/{session.id}/close").status_code == 303
    assert announced(session) == ["述职会召开", "述职会结束"]
