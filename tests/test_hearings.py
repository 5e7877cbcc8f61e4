"""Hearing invitations: case numbers, the fair draw, invitations and the board, the deputy's side, the forum,
ratings, documents, the CLI and the demo data."""
import io
import random
import re
from collections import Counter
from datetime import date, datetime, time, timedelta, timezone

import pytest
from docx import Document
from sqlalchemy import func, select

from portal import clock
from portal.audit import AuditLog
from portal.auth.models import CourtLevel, Role
from portal.casenumber import parse_case_number
from portal.extensions import db
from portal.hearings import documents, services
from portal.hearings.draw import Candidate, draw, split_quota
from portal.hearings.models import (
    CaseType,
    Hearing,
    HearingInvitation,
    HearingOpinion,
    HearingRating,
    HearingStatus,
    InvitationStatus,
    InviteMethod,
)
from portal.items.models import Item, ItemKind, ItemOrigin, ItemState
from portal.items.services import items_from
from portal.models import utcnow
from portal.register.models import DeputyKind, DeputyLevel, DeputyStatus
from tests.conftest import sign_in, sql_statements

S = InvitationStatus
BOARD = {"HX-Request": "true", "HX-Target": "board"}
SCORES = {"score_procedure": "5", "score_conduct": "4", "score_control": "4", "score_law": "5",
          "score_language": "4", "score_overall": "5"}


@pytest.fixture
def make_hearing(app, court, make_department):
    department = make_department("民事审判第一庭")

    def factory(**kw) -> Hearing:
        starts = kw.pop("starts_at", utcnow() + timedelta(days=3))
        values = {"court_id": court.id, "case_number": "（2024）桂0981民初1234号", "cause": "民间借贷纠纷",
                  "case_type": CaseType.CIVIL, "department_id": department.id, "presiding_judge": "李明",
                  "court_room": "第一审判庭", "starts_at": starts, "ends_at": starts + timedelta(hours=2),
                  "invite_reason": "群众关注", "status": HearingStatus.SCHEDULED}
        values.update(kw)
        hearing = Hearing(**values)
        db.session.add(hearing)
        db.session.commit()
        return hearing

    return factory


@pytest.fixture
def invite_to(app):
    def factory(hearing, deputy, status=S.INVITED, **kw) -> HearingInvitation:
        invitation = HearingInvitation(hearing_id=hearing.id, deputy_id=deputy.id, status=status, **kw)
        db.session.add(invitation)
        db.session.commit()
        return invitation

    return factory


def text_of(response) -> str:
    return response.get_data(as_text=True)


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


# --- case numbers -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected, case_type", [
    ("（2024）桂0981民初1234号", "（2024）桂0981民初1234号", CaseType.CIVIL),
    ("(2024)桂0981民初1234号", "（2024）桂0981民初1234号", CaseType.CIVIL),
    (" ( 2024 ) 桂0981 民终 12 号 ", "（2024）桂0981民终12号", CaseType.CIVIL),
    ("（２０２４）桂０９８１刑初５号", "（2024）桂0981刑初5号", CaseType.CRIMINAL),
    ("〔2023〕京01行初88号", "（2023）京01行初88号", CaseType.ADMINISTRATIVE),
    ("(2024)桂0981执1号", "（2024）桂0981执1号", CaseType.EXECUTION),
    ("(2024)桂0981执恢23号", "（2024）桂0981执恢23号", CaseType.EXECUTION),
    ("(2022)桂民终456号", "（2022）桂民终456号", CaseType.CIVIL),  # a high court has no code digits
    ("(2024)桂0981破1号", "（2024）桂0981破1号", None),
])
def test_case_numbers_accepted_and_normalised(raw, expected, case_type):
    parsed, problem = parse_case_number(raw)
    assert problem is None
    assert parsed.value == expected and parsed.case_type == case_type


@pytest.mark.parametrize("raw, message", [
    ("", "请填写案号。"),
    ("2024桂0981民初1234号", "案号应以括号括起的四位年份开头"),
    ("(2024)桂0981民初1234", "案号应以“号”结尾"),
    ("(24)桂0981民初1234号", "案号中的年份“24”不正确"),
    ("(1899)桂0981民初1234号", "案号中的年份“1899”不正确"),
    ("(2024)0981民初1234号", "年份后应为省份简称和法院代字"),
    ("(2024)桂0981民初号", "案件类型代字后应写明案件序号"),
    ("(2024)桂0981民X12号", "无法识别的案件类型代字“民X”"),
    ("(2024)桂0981民初0123号", "案件序号不应以 0 开头"),
    ("(2024桂0981民初12号", "案号的年份应写在括号内"),
])
def test_bad_case_numbers_explain_themselves(raw, message):
    parsed, problem = parse_case_number(raw)
    assert parsed is None and message in problem


# --- the fair draw ----------------------------------------------------------------------------------------------

TODAY = date(2025, 3, 1)


def people(level, n, start, last=None, kind=DeputyKind.NPC):
    return [Candidate(start + i, f"{level.label}{i}", level, kind, last(i) if last else None) for i in range(n)]


def test_draw_is_repeatable_with_a_seed():
    pool = people(DeputyLevel.CITY, 30, 1, lambda i: TODAY - timedelta(days=i * 10 + 1))
    first = draw(pool, 5, rng=random.Random(7), today=TODAY)
    second = draw(pool, 5, rng=random.Random(7), today=TODAY)
    assert [d.candidate.deputy_id for d in first.drawn] == [d.candidate.deputy_id for d in second.drawn]
    assert len(first.drawn) == 5 and len({d.candidate.deputy_id for d in first.drawn}) == 5


def test_draw_splits_the_count_evenly_among_levels():
    pool = (people(DeputyLevel.CITY, 20, 100) + people(DeputyLevel.COUNTY, 40, 200)
            + people(DeputyLevel.TOWNSHIP, 10, 300))
    result = draw(pool, 9, levels=[DeputyLevel.CITY, DeputyLevel.COUNTY, DeputyLevel.TOWNSHIP],
                  rng=random.Random(1), today=TODAY)
    assert Counter(d.candidate.level for d in result.drawn) == {DeputyLevel.CITY: 3, DeputyLevel.COUNTY: 3,
                                                              DeputyLevel.TOWNSHIP: 3}
    assert result.quotas == {DeputyLevel.CITY: 3, DeputyLevel.COUNTY: 3, DeputyLevel.TOWNSHIP: 3}


def test_uneven_remainder_goes_to_random_levels_and_small_levels_pass_places_on():
    available = {DeputyLevel.CITY: 10, DeputyLevel.COUNTY: 10, DeputyLevel.TOWNSHIP: 1}
    quotas = split_quota(8, available, random.Random(3))
    assert sum(quotas.values()) == 8 and quotas[DeputyLevel.TOWNSHIP] == 1
    assert sorted([quotas[DeputyLevel.CITY], quotas[DeputyLevel.COUNTY]]) == [3, 4]
    seen = Counter(max(split_quota(5, {DeputyLevel.CITY: 9, DeputyLevel.COUNTY: 9}, random.Random(s)).items(),
                       key=lambda kv: kv[1])[0] for s in range(200))
    assert 70 < seen[DeputyLevel.CITY] < 130  # the odd place goes either way, by chance
    assert split_quota(50, {DeputyLevel.CITY: 2, DeputyLevel.COUNTY: 3}, random.Random(0)) == {
        DeputyLevel.CITY: 2, DeputyLevel.COUNTY: 3}


def test_never_invited_come_first_then_those_invited_longest_ago_are_likelier():
    never = people(DeputyLevel.CITY, 2, 1)
    old = [Candidate(10, "久未受邀", DeputyLevel.CITY, DeputyKind.NPC, TODAY - timedelta(days=400))]
    recent = [Candidate(20 + i, f"刚受邀{i}", DeputyLevel.CITY, DeputyKind.NPC, TODAY - timedelta(days=3))
              for i in range(5)]
    pool = never + old + recent
    for seed in range(20):
        drawn = [d.candidate.deputy_id for d in draw(pool, 2, rng=random.Random(seed), today=TODAY).drawn]
        assert sorted(drawn) == [1, 2]
    picks = Counter()
    for seed in range(300):
        drawn = draw(pool, 3, rng=random.Random(seed), today=TODAY).drawn
        assert {1, 2} <= {d.candidate.deputy_id for d in drawn}
        picks.update(d.candidate.deputy_id for d in drawn)
    assert picks[10] > 250  # 400 days against 3: the one invited long ago almost always wins the third place
    assert sum(picks[20 + i] for i in range(5)) < 50


def test_draw_reasons_and_kind_filter_and_shortfall():
    pool = [Candidate(1, "甲", DeputyLevel.CITY, DeputyKind.NPC, date(2024, 3, 1)),
            Candidate(2, "乙", DeputyLevel.COUNTY, DeputyKind.CPPCC, None),
            Candidate(3, "丙", DeputyLevel.COUNTY, DeputyKind.NPC, None)]
    result = draw(pool, 5, kinds=[DeputyKind.NPC], rng=random.Random(0), today=TODAY)
    assert {d.candidate.name: d.reason for d in result.drawn} == {"甲": "市级 · 上次受邀 2024年3月1日",
                                                                  "丙": "县（区）级 · 从未受邀"}
    assert result.shortfall == 3


# --- services: candidates, clashes, inviting --------------------------------------------------------------------

def test_candidates_leave_out_the_retired_and_those_invited(app, make_hearing, make_deputy, invite_to):
    hearing = make_hearing()
    active, invited = make_deputy(name="在任"), make_deputy(name="已邀")
    make_deputy(name="离任", status=DeputyStatus.RETIRED)
    earlier = make_hearing(case_number="（2024）桂0981民初1号", starts_at=utcnow() - timedelta(days=30))
    invite_to(earlier, active, invited_at=datetime(2024, 3, 1, 2, 0, tzinfo=timezone.utc))
    invite_to(hearing, invited)
    candidates = {c.name: c for c in services.draw_candidates(hearing)}
    assert set(candidates) == {"在任"}
    assert candidates["在任"].last_invited == date(2024, 3, 1)


def test_clashes_are_other_accepted_hearings_overlapping_in_time(app, make_hearing, make_deputy, invite_to):
    start = utcnow() + timedelta(days=5)
    hearing = make_hearing(starts_at=start)
    overlapping = make_hearing(case_number="（2024）桂0981刑初7号", starts_at=start + timedelta(hours=1))
    later = make_hearing(case_number="（2024）桂0981刑初8号", starts_at=start + timedelta(hours=3))
    a, b, c = make_deputy(name="甲"), make_deputy(name="乙"), make_deputy(name="丙")
    invite_to(overlapping, a, S.ACCEPTED)
    invite_to(overlapping, b, S.DECLINED)
    invite_to(later, c, S.ACCEPTED)
    found = services.clashes(hearing, [a.id, b.id, c.id])
    assert list(found) == [a.id] and found[a.id][0].case_number == "（2024）桂0981刑初7号"


def test_a_deputy_is_never_invited_twice(app, make_hearing, make_deputy):
    hearing = make_hearing()
    deputy, retired = make_deputy(name="张三"), make_deputy(name="李四", status=DeputyStatus.RETIRED)
    first = services.invite(hearing, [deputy.id, deputy.id])
    second = services.invite(hearing, [deputy.id, retired.id])
    db.session.commit()
    assert len(first.created) == 1 and second.created == []
    assert second.skipped == ["张三已受邀，不重复邀请", "李四已离任"]
    assert db.session.scalar(select(func.count()).select_from(HearingInvitation)) == 1


# --- creating and changing hearings -----------------------------------------------------------------------------

def hearing_form(**overrides) -> dict:
    values = {"court_id": "", "case_number": "(2024)桂0981民初1234号", "cause": "民间借贷纠纷", "case_type": "",
              "department_id": "", "presiding_judge": "李明", "court_room": "第一审判庭",
              "starts_at": "2030-03-01T09:30", "ends_at": "2030-03-01T11:30", "invite_reason": "群众关注",
              "public": "y"}
    values.update(overrides)
    return values


def test_create_a_hearing_with_materials(client, login_as, court, make_department):
    department = make_department("民事审判第一庭")
    login_as(Role.LIAISON)
    data = hearing_form(court_id=str(court.id), department_id=str(department.id))
    data["materials"] = [(io.BytesIO(b"%PDF-1.4 x"), "起诉状.pdf"), (io.BytesIO(_docx("证据目录")), "证据目录.docx")]
    response = client.post("/hearings/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    hearing = db.session.scalar(select(Hearing))
    assert hearing.case_number == "（2024）桂0981民初1234号" and hearing.case_type == CaseType.CIVIL
    assert hearing.starts_at == datetime(2030, 3, 1, 1, 30, tzinfo=timezone.utc)  # 09:30 in Beijing
    page = text_of(client.get(response.headers["Location"]))
    assert "已登记庭审 （2024）桂0981民初1234号，上传材料 2 份。" in page
    assert "起诉状.pdf" in page and "证据目录.docx" in page and "2030-03-01 09:30" in page
    log = db.session.scalars(select(AuditLog).where(AuditLog.entity == "hearing")).all()
    assert log and log[0].changes["case_number"][1] == "（2024）桂0981民初1234号"


@pytest.mark.parametrize("field, value, message", [
    ("case_number", "2024民初12号", "案号应以括号括起的四位年份开头"),
    ("cause", "", "请填写案由。"),
    ("ends_at", "2030-03-01T08:00", "结束时间应晚于开庭时间。"),
    ("starts_at", "", "请填写开庭时间。"),
])
def test_create_rejects_bad_input_and_keeps_what_was_typed(client, login_as, court, field, value, message):
    login_as(Role.LIAISON)
    response = client.post("/hearings/new", data=hearing_form(court_id=str(court.id), **{field: value}))
    assert response.status_code == 422
    page = text_of(response)
    assert message in page and "表单有 1 处需要修改" in page
    assert 'value="李明"' in page and "第一审判庭" in page
    assert db.session.scalar(select(func.count()).select_from(Hearing)) == 0


def test_materials_of_a_wrong_type_are_refused(client, login_as, court):
    login_as(Role.LIAISON)
    data = hearing_form(court_id=str(court.id))
    data["materials"] = [(io.BytesIO(b"MZ\x90\x00"), "病毒.exe"), (io.BytesIO(b"not a pdf"), "假文件.pdf")]
    response = client.post("/hearings/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    page = text_of(response)
    assert "“病毒.exe”：不支持的文件类型“.exe”" in page and "“假文件.pdf”：文件内容与扩展名“.pdf”不符" in page


def test_another_courts_hearing_is_out_of_reach(client, login_as, court, make_court, make_hearing):
    hearing = make_hearing()
    other = make_court(code="other", name="别处法院")
    login_as(Role.LIAISON, court=other)
    assert client.get(f"/hearings/{hearing.id}").status_code == 404
    assert client.post(f"/hearings/{hearing.id}/status", data={"status": "held"}).status_code == 404
    assert hearing.case_number not in text_of(client.get("/hearings/?when=all"))
    response = client.post("/hearings/new", data=hearing_form(court_id=str(court.id)))
    assert response.status_code == 422 and "请选择法院。" in text_of(response)


def test_intermediate_liaison_sees_basic_court_hearings(client, login_as, court, make_court, make_hearing):
    basic = make_court(code="basic", name="某某区人民法院", parent=court, level=CourtLevel.BASIC)
    hearing = make_hearing(court_id=basic.id)
    login_as(Role.LIAISON)
    response = client.get("/hearings/")
    assert hearing.case_number in text_of(response) and "某某区人民法院" in text_of(response)


def test_moving_a_hearing_marks_who_must_be_told(client, login_as, make_hearing, make_deputy, invite_to):
    hearing = make_hearing()
    old_start = hearing.starts_at
    accepted, pending, declined = make_deputy(name="甲"), make_deputy(name="乙"), make_deputy(name="丙")
    invite_to(hearing, accepted, S.ACCEPTED)
    invite_to(hearing, pending, S.INVITED)
    invite_to(hearing, declined, S.DECLINED)
    login_as(Role.LIAISON)
    response = client.post(f"/hearings/{hearing.id}/status", data={
        "status": "moved", "starts_at": "2030-05-06T14:30", "ends_at": "2030-05-06T17:00", "change_note": "合议庭调整"})
    assert response.status_code == 303
    page = text_of(client.get(f"/hearings/{hearing.id}"))
    assert "庭审状态已改为“已改期”。请通知 2 名受邀代表委员。" in page
    assert "需通知以下 2 名受邀代表委员" in page
    hearing = db.session.get(Hearing, hearing.id)
    assert hearing.status == HearingStatus.MOVED and hearing.original_starts_at == old_start
    assert {i.deputy.name for i in hearing.invitations if i.needs_notice} == {"甲", "乙"}

    invitation = next(i for i in hearing.invitations if i.deputy.name == "甲")
    response = client.post(f"/hearings/invitations/{invitation.id}/notified", headers=BOARD)
    assert "<html" not in text_of(response) and "已记录通知甲庭审变更。" in text_of(response)
    assert "需通知以下 1 名受邀代表委员" in text_of(response)
    response = client.post(f"/hearings/{hearing.id}/notified", headers=BOARD)
    assert "已将 1 名受邀代表委员标记为已通知。" in text_of(response) and "需通知以下" not in text_of(response)


def test_editing_the_time_counts_as_moving(client, login_as, court, make_hearing, make_deputy, invite_to):
    hearing = make_hearing()
    invite_to(hearing, make_deputy(name="甲"), S.ACCEPTED)
    login_as(Role.LIAISON)
    response = client.post(f"/hearings/{hearing.id}/edit", data=hearing_form(
        court_id=str(court.id), starts_at="2030-06-01T09:00", ends_at="2030-06-01T10:00"), follow_redirects=True)
    assert "开庭时间已变更，1 名受邀代表委员需要通知。" in text_of(response)
    assert db.session.get(Hearing, hearing.id).status == HearingStatus.MOVED


def test_adjourning_needs_a_reason(client, login_as, make_hearing):
    hearing = make_hearing()
    login_as(Role.LIAISON)
    response = client.post(f"/hearings/{hearing.id}/status", data={"status": "adjourned"}, follow_redirects=True)
    assert "请说明延期或取消的原因" in text_of(response)
    assert db.session.get(Hearing, hearing.id).status == HearingStatus.SCHEDULED


# --- the board: check-in, reminders -----------------------------------------------------------------------------

def test_check_in_on_the_day_updates_the_board(client, login_as, make_hearing, make_deputy, invite_to):
    hearing = make_hearing(starts_at=utcnow() - timedelta(minutes=10))
    first = invite_to(hearing, make_deputy(name="张三"), S.ACCEPTED)
    invite_to(hearing, make_deputy(name="李四"), S.ACCEPTED)
    login_as(Role.LIAISON)
    response = client.post(f"/hearings/invitations/{first.id}/check-in", headers=BOARD)
    page = text_of(response)
    assert response.status_code == 200 and "<html" not in page
    assert "张三已签到。" in page
    assert '<span data-count="attended">1</span>' in page and '<span data-count="accepted">1</span>' in page
    assert db.session.get(HearingInvitation, first.id).status == S.ATTENDED
    log = db.session.scalar(select(AuditLog).where(AuditLog.entity == "hearing_invitation",
                                                   AuditLog.record_id == first.id, AuditLog.action == "update"))
    assert log.changes["status"] == ["已接受", "已出席"] and log.actor != "cli"
    undo = client.post(f"/hearings/invitations/{first.id}/undo-check-in", headers=BOARD)
    assert '<span data-count="attended">0</span>' in text_of(undo)


def test_no_check_in_before_the_day(client, login_as, make_hearing, make_deputy, invite_to):
    hearing = make_hearing(starts_at=utcnow() + timedelta(days=3))
    invitation = invite_to(hearing, make_deputy(name="张三"), S.ACCEPTED)
    login_as(Role.LIAISON)
    page = text_of(client.post(f"/hearings/invitations/{invitation.id}/check-in", headers=BOARD))
    assert "开庭当天才能签到。" in page
    assert db.session.get(HearingInvitation, invitation.id).status == S.ACCEPTED


def test_pending_answers_with_phones_and_reminders(client, login_as, make_hearing, make_deputy, invite_to):
    hearing = make_hearing()
    invitation = invite_to(hearing, make_deputy(name="王五", mobile="13911112222"))
    invite_to(hearing, make_deputy(name="赵六"), S.ACCEPTED)
    login_as(Role.LIAISON)
    page = text_of(client.get(f"/hearings/{hearing.id}"))
    assert "尚未答复（1 人），请电话提醒" in page and "13911112222" in page
    page = text_of(client.post(f"/hearings/invitations/{invitation.id}/remind", headers=BOARD))
    assert "已记录提醒王五答复。" in page and "已提醒" in page and "再次提醒" in page


def test_a_check_in_entered_after_the_hearing_takes_its_day(client, login_as, make_hearing, make_deputy,
                                                           invite_to):
    day = clock.today() - timedelta(days=30)
    hearing = make_hearing(starts_at=clock.from_local(datetime.combine(day, time(9, 30))))
    invitation = invite_to(hearing, make_deputy(name="张三"), S.ACCEPTED)
    login_as(Role.LIAISON)
    page = text_of(client.post(f"/hearings/invitations/{invitation.id}/check-in", headers=BOARD))
    assert "张三已签到。" in page and f"{day.isoformat()} 09:30" in page
    text = docx_text(client.get(f"/hearings/{hearing.id}/record.docx").data)
    assert "实际出席 1 人" in text and "09:30" in text


def test_reminders_and_notices_take_the_day_they_were_given(client, login_as, make_hearing, make_deputy, invite_to):
    today = clock.today()
    hearing = make_hearing()
    invited = clock.from_local(datetime.combine(today - timedelta(days=10), time(9)))
    invitation = invite_to(hearing, make_deputy(name="王五"), invited_at=invited)
    told = invite_to(hearing, make_deputy(name="赵六"), S.ACCEPTED, invited_at=invited, needs_notice=True)
    login_as(Role.LIAISON)
    assert f'max="{today.isoformat()}"' in text_of(client.get(f"/hearings/{hearing.id}"))
    url = f"/hearings/invitations/{invitation.id}/remind"
    page = text_of(client.post(url, data={"on": (today + timedelta(days=1)).isoformat()}, headers=BOARD))
    assert "提醒日期不能晚于今天。" in page
    page = text_of(client.post(url, data={"on": (today - timedelta(days=11)).isoformat()}, headers=BOARD))
    assert f"提醒日期不能早于邀请日期（{(today - timedelta(days=10)).isoformat()}）。" in page
    assert db.session.get(HearingInvitation, invitation.id).reminded_at is None
    page = text_of(client.post(url, data={"on": (today - timedelta(days=3)).isoformat()}, headers=BOARD))
    assert "已记录提醒王五答复。" in page and f"已提醒 {(today - timedelta(days=3)).isoformat()}" in page
    page = text_of(client.post(f"/hearings/invitations/{told.id}/notified",
                               data={"on": (today + timedelta(days=1)).isoformat()}, headers=BOARD))
    assert "通知日期不能晚于今天。" in page and db.session.get(HearingInvitation, told.id).needs_notice
    page = text_of(client.post(f"/hearings/{hearing.id}/notified", data={"on": (today - timedelta(days=2)).isoformat()},
                               headers=BOARD))
    assert "已将 1 名受邀代表委员标记为已通知。" in page and f"已通知 {(today - timedelta(days=2)).isoformat()}" in page


def test_staff_record_a_phone_answer_with_its_day(client, login_as, make_hearing, make_deputy, invite_to):
    today = clock.today()
    hearing = make_hearing()
    invitation = invite_to(hearing, make_deputy(name="张三"),
                           invited_at=clock.from_local(datetime.combine(today - timedelta(days=5), time(9))))
    login_as(Role.LIAISON)
    url = f"/hearings/invitations/{invitation.id}/answer"
    assert f'name="on" value="{today.isoformat()}"' in text_of(client.get(f"/hearings/invitations/{invitation.id}"))
    response = client.post(url, data={"answer": "accept", "on": (today + timedelta(days=1)).isoformat()})
    assert response.status_code == 422 and "答复日期不能晚于今天。" in text_of(response)
    response = client.post(url, data={"answer": "accept", "on": (today - timedelta(days=6)).isoformat()})
    assert response.status_code == 422 and "答复日期不能早于邀请日期" in text_of(response)
    assert db.session.get(HearingInvitation, invitation.id).status == S.INVITED
    day = today - timedelta(days=2)
    response = client.post(url, data={"answer": "accept", "on": day.isoformat()}, follow_redirects=True)
    assert f"（{day.isoformat()} 12:00，联络员代为登记）" in text_of(response)


def test_leaders_read_but_cannot_act(client, login_as, make_hearing, make_deputy, invite_to):
    hearing = make_hearing(starts_at=utcnow() - timedelta(minutes=5))
    invitation = invite_to(hearing, make_deputy(name="张三"), S.ACCEPTED)
    login_as(Role.LEADER)
    page = text_of(client.get(f"/hearings/{hearing.id}"))
    assert "张三" in page and "签到</button>" not in page and "随机抽选" not in page
    assert client.post(f"/hearings/invitations/{invitation.id}/check-in").status_code == 403


# --- choosing invitees ------------------------------------------------------------------------------------------

def test_draw_preview_then_confirm(client, login_as, make_hearing, make_deputy):
    hearing = make_hearing()
    for n in range(4):
        make_deputy(name=f"市代表{n}", level=DeputyLevel.CITY)
        make_deputy(name=f"县代表{n}", level=DeputyLevel.COUNTY)
    make_deputy(name="离任者", level=DeputyLevel.CITY, status=DeputyStatus.RETIRED)
    login_as(Role.LIAISON)
    response = client.post(f"/hearings/{hearing.id}/draw", data={"count": "4", "levels": ["city", "county"]},
                           headers={"HX-Request": "true", "HX-Target": "preview"})
    page = text_of(response)
    assert response.status_code == 200 and "<html" not in page
    assert "抽选结果：4 人" in page and "名额分配：市级 2 名、县（区）级 2 名" in page
    assert page.count("从未受邀") == 4 and "离任者" not in page
    ids = re.findall(r'name="deputy_id" value="(\d+)"', page)
    response = client.post(f"/hearings/{hearing.id}/draw/confirm", data={"deputy_id": ids[:3]},
                           headers={"HX-Request": "true"})
    assert response.status_code == 204 and response.headers["HX-Redirect"] == f"/hearings/{hearing.id}"
    invitations = db.session.scalars(select(HearingInvitation)).all()
    assert len(invitations) == 3 and all(i.invite_method == InviteMethod.DRAW for i in invitations)
    assert all(i.draw_reason.endswith("从未受邀") for i in invitations)
    assert "已邀请 3 名代表委员" in text_of(client.get(f"/hearings/{hearing.id}"))


def test_draw_asks_for_a_sensible_count(client, login_as, make_hearing):
    hearing = make_hearing()
    login_as(Role.LIAISON)
    response = client.post(f"/hearings/{hearing.id}/draw", data={"count": "0"},
                           headers={"HX-Request": "true", "HX-Target": "preview"})
    assert response.status_code == 422 and "抽选人数应在 1 到 50 之间。" in text_of(response)


def test_picking_by_hand_shows_invited_and_clashes(client, login_as, make_hearing, make_deputy, invite_to):
    start = utcnow() + timedelta(days=4)
    hearing = make_hearing(starts_at=start)
    other = make_hearing(case_number="（2024）桂0981刑初9号", starts_at=start + timedelta(minutes=30))
    busy, invited, free = make_deputy(name="忙代表"), make_deputy(name="已邀代表"), make_deputy(name="空代表")
    invite_to(other, busy, S.ACCEPTED)
    invite_to(hearing, invited)
    login_as(Role.LIAISON)
    page = text_of(client.get(f"/hearings/{hearing.id}/invite"))
    assert "时间冲突：已接受 （2024）桂0981刑初9号" in page and "已邀请</span>" in page
    response = client.post(f"/hearings/{hearing.id}/invite", data={"deputy_id": [str(free.id), str(invited.id)]})
    assert response.status_code == 303
    page = text_of(client.get(response.headers["Location"]))
    assert "已邀请 1 名代表委员：空代表。" in page and "已邀代表已受邀，不重复邀请" in page
    assert client.get(f"/hearings/{hearing.id}/invite?q=kong").status_code == 200


# --- the deputy's side ------------------------------------------------------------------------------------------

def test_deputy_sees_accepts_and_declines_own_invitation(client, login_as, make_hearing, invite_to):
    hearing = make_hearing()
    user = login_as(Role.DEPUTY)
    invitation = invite_to(hearing, user.deputy)
    page = text_of(client.get("/hearings/mine"))
    assert hearing.case_number in page and "待答复" in page
    response = client.post(f"/hearings/mine/{invitation.id}/answer", data={"answer": "decline"})
    assert response.status_code == 422 and "谢绝邀请请填写理由。" in text_of(response)
    response = client.post(f"/hearings/mine/{invitation.id}/answer", data={"answer": "decline",
                                                                           "decline_reason": "外出开会"})
    assert response.status_code == 303
    page = text_of(client.get(response.headers["Location"]))
    assert "您已谢绝本次邀请，感谢告知。" in page and "外出开会" in page
    client.post(f"/hearings/mine/{invitation.id}/answer", data={"answer": "accept"})
    invitation = db.session.get(HearingInvitation, invitation.id)
    assert invitation.status == S.ACCEPTED and invitation.decline_reason == "" and not invitation.answered_by_staff


def test_deputy_reaches_only_own_invitations_and_materials(client, login_as, make_hearing, make_deputy, invite_to,
                                                           app):
    from portal.attachments import Attachment
    from portal.uploads import upload_dir

    hearing, other_hearing = make_hearing(), make_hearing(case_number="（2024）桂0981民初2号")
    stranger = invite_to(hearing, make_deputy(name="别人"))
    (upload_dir("attachments") / "abcdef0123456789abcdef0123456789.pdf").write_bytes(b"%PDF-1.4")
    material = Attachment(owner_type="hearing", owner_id=other_hearing.id, size=8, original_name="材料.pdf",
                          stored_name="abcdef0123456789abcdef0123456789.pdf")
    db.session.add(material)
    db.session.commit()
    user = login_as(Role.DEPUTY)
    assert client.get(f"/hearings/mine/{stranger.id}").status_code == 404
    assert client.post(f"/hearings/mine/{stranger.id}/answer", data={"answer": "accept"}).status_code == 404
    url = f"/hearings/{other_hearing.id}/materials/{material.id}/材料.pdf"
    assert client.get(url).status_code == 404
    invite_to(other_hearing, user.deputy)
    response = client.get(url)
    assert response.status_code == 200 and response.data == b"%PDF-1.4"
    assert db.session.get(HearingInvitation, stranger.id).status == S.INVITED


def test_deputy_sees_a_moved_hearing_prominently(client, login_as, make_hearing, invite_to):
    hearing = make_hearing()
    user = login_as(Role.DEPUTY)
    invitation = invite_to(hearing, user.deputy, S.ACCEPTED)
    services.change_status(db.session.get(Hearing, hearing.id), HearingStatus.MOVED,
                           starts_at=datetime(2030, 7, 1, 1, 0, tzinfo=timezone.utc),
                           ends_at=datetime(2030, 7, 1, 3, 0, tzinfo=timezone.utc), note="合议庭成员调整")
    db.session.commit()
    page = text_of(client.get(f"/hearings/mine/{invitation.id}"))
    assert "本次庭审已改期" in page and "现改为 <strong>2030-07-01 09:00</strong>" in page and "合议庭成员调整" in page
    assert "请查看变更" in text_of(client.get("/hearings/mine"))
    client.post(f"/hearings/mine/{invitation.id}/answer", data={"answer": "accept"})
    invitation = db.session.get(HearingInvitation, invitation.id)
    assert not invitation.needs_notice and invitation.notified_at  # answering after the change: they know


def test_deputy_rates_only_after_attending(client, login_as, make_hearing, invite_to):
    hearing = make_hearing(starts_at=utcnow() - timedelta(days=1), status=HearingStatus.HELD)
    user = login_as(Role.DEPUTY)
    invitation = invite_to(hearing, user.deputy, S.ACCEPTED)
    response = client.post(f"/hearings/mine/{invitation.id}/rating", data=SCORES)
    assert response.status_code == 303 and db.session.scalar(select(func.count()).select_from(HearingRating)) == 0
    db.session.get(HearingInvitation, invitation.id).status = S.ATTENDED
    db.session.commit()
    response = client.post(f"/hearings/mine/{invitation.id}/rating", data={**SCORES, "score_law": "9"})
    assert response.status_code == 422 and "请为“法律适用”打分（1–5 分）。" in text_of(response)
    response = client.post(f"/hearings/mine/{invitation.id}/rating", data={**SCORES, "review_comment": "很规范"})
    assert response.status_code == 303
    rating = db.session.scalar(select(HearingRating))
    assert rating.score_procedure == 5 and rating.review_comment == "很规范" and not rating.entered_by_staff
    assert "感谢您的点评！" in text_of(client.get(response.headers["Location"]))


def test_deputy_cannot_answer_after_the_hearing_started(client, login_as, make_hearing, invite_to):
    hearing = make_hearing(starts_at=utcnow() - timedelta(minutes=1))
    user = login_as(Role.DEPUTY)
    invitation = invite_to(hearing, user.deputy)
    page = text_of(client.get(f"/hearings/mine/{invitation.id}"))
    assert "提交答复" not in page
    response = client.post(f"/hearings/mine/{invitation.id}/answer", data={"answer": "accept"})
    assert response.status_code == 422 and "不能再答复" in text_of(response)


# --- the forum and items ----------------------------------------------------------------------------------------

def test_forum_opinion_becomes_a_tracked_item_once(client, login_as, make_hearing, make_deputy, invite_to):
    hearing = make_hearing(starts_at=utcnow() - timedelta(days=1), status=HearingStatus.HELD)
    deputy = make_deputy(name="张三")
    invite_to(hearing, deputy, S.ATTENDED)
    login_as(Role.LIAISON)
    response = client.post(f"/hearings/{hearing.id}/forum", data={
        "forum_on": "2025-03-02", "forum_place": "第一会议室", "forum_speakers": "副院长主持", "forum_summary": "座谈热烈"})
    assert response.status_code == 303
    response = client.post(f"/hearings/{hearing.id}/opinions", data={"deputy_id": str(deputy.id), "opinion": ""})
    assert response.status_code == 422 and "请填写代表委员的意见。" in text_of(response)
    response = client.post(f"/hearings/{hearing.id}/opinions", data={"deputy_id": str(deputy.id),
                                                                     "opinion": "建议加强庭前释明"})
    assert response.status_code == 303
    opinion = db.session.scalar(select(HearingOpinion))
    response = client.post(f"/hearings/opinions/{opinion.id}/item", data={"kind": "suggestion"},
                           follow_redirects=True)
    item = db.session.scalar(select(Item))
    assert f"已转为督办件，登记编号 {item.number}。" in text_of(response)
    assert item.origin == ItemOrigin.HEARING and item.origin_id == opinion.id and item.deputies == [deputy]
    assert item.case_number == hearing.case_number and item.received_on == date(2025, 3, 2)
    assert items_from(ItemOrigin.HEARING, [opinion.id])[opinion.id] == [item]
    again = client.post(f"/hearings/opinions/{opinion.id}/item", data={"kind": "suggestion"}, follow_redirects=True)
    assert f"该意见已是督办件 {item.number}。" in text_of(again)
    assert db.session.scalar(select(func.count()).select_from(Item)) == 1
    assert "该意见已转为督办件，不能删除。" in text_of(client.post(f"/hearings/opinions/{opinion.id}/delete",
                                                           follow_redirects=True))
    page = text_of(client.get(f"/hearings/{hearing.id}"))
    assert "建议加强庭前释明" in page and "已转为督办件" in page and item.number in page and "已登记" in page


def test_deputy_sees_what_became_of_their_opinion(client, login_as, make_hearing, invite_to):
    hearing = make_hearing(starts_at=utcnow() - timedelta(days=1), status=HearingStatus.HELD)
    user = login_as(Role.DEPUTY)
    invitation = invite_to(hearing, user.deputy, S.ATTENDED)
    opinion = services.add_opinion(db.session.get(Hearing, hearing.id), user.deputy_id, "建议发布典型案例")
    db.session.commit()
    assert "法院已记录，正在研究" in text_of(client.get(f"/hearings/mine/{invitation.id}"))
    item, _ = services.opinion_to_item(db.session.get(HearingOpinion, opinion.id), ItemKind.SUGGESTION)
    db.session.commit()
    page = text_of(client.get(f"/hearings/mine/{invitation.id}"))
    assert "建议发布典型案例" in page and item.number in page and ItemState.REGISTERED.label in page


def test_staff_record_answers_and_mediation(client, login_as, make_hearing, make_deputy, invite_to):
    hearing = make_hearing()
    invitation = invite_to(hearing, make_deputy(name="张三"))
    login_as(Role.LIAISON)
    response = client.post(f"/hearings/invitations/{invitation.id}/answer",
                           data={"answer": "decline", "decline_reason": "出差"}, follow_redirects=True)
    assert "已记录张三的答复：已谢绝。" in text_of(response) and "联络员代为登记" in text_of(response)
    response = client.post(f"/hearings/invitations/{invitation.id}/mediation",
                           data={"joined_mediation": "y", "mediation_note": "促成和解"}, follow_redirects=True)
    assert "已保存调解参与情况。" in text_of(response)
    assert db.session.get(HearingInvitation, invitation.id).joined_mediation
    response = client.post(f"/hearings/invitations/{invitation.id}/withdraw", follow_redirects=True)
    assert "张三已答复（已谢绝），不能撤回邀请。" in text_of(response)


# --- ratings ----------------------------------------------------------------------------------------------------

def _rate(invitation, **scores):
    values = {"score_procedure": 5, "score_conduct": 5, "score_control": 5, "score_law": 5, "score_language": 5,
              "score_overall": 5}
    values.update(scores)
    db.session.add(HearingRating(invitation_id=invitation.id, **values))
    db.session.commit()


def test_rating_aggregates_per_hearing_judge_and_department(app, court, make_hearing, make_deputy, invite_to,
                                                            make_department):
    criminal = make_department("刑事审判庭")
    first = make_hearing(presiding_judge="李明", starts_at=utcnow() - timedelta(days=3))
    second = make_hearing(case_number="（2024）桂0981刑初5号", presiding_judge="李明", department_id=criminal.id,
                          starts_at=utcnow() - timedelta(days=2))
    third = make_hearing(case_number="（2024）桂0981刑初6号", presiding_judge="王芳", department_id=criminal.id,
                         starts_at=utcnow() - timedelta(days=1))
    deputies = [make_deputy() for _ in range(4)]
    _rate(invite_to(first, deputies[0], S.ATTENDED), score_overall=4)
    _rate(invite_to(first, deputies[1], S.ATTENDED), score_overall=3)
    _rate(invite_to(second, deputies[2], S.ATTENDED), score_overall=2, score_law=1)
    _rate(invite_to(third, deputies[3], S.ATTENDED), score_overall=5)
    ids = [court.id]
    by_judge = {r.key: (r.count, r.averages[-1]) for r in services.rating_summary(ids, "judge")}
    assert by_judge == {"李明": (3, 3.0), "王芳": (1, 5.0)}
    by_department = {r.key: (r.count, r.averages[3], r.averages[-1])
                     for r in services.rating_summary(ids, "department")}
    assert by_department == {"民事审判第一庭": (2, 5.0, 3.5), "刑事审判庭": (2, 3.0, 3.5)}
    by_hearing = services.rating_summary(ids, "hearing")
    assert [r.key for r in by_hearing] == [third.case_number, second.case_number, first.case_number]
    assert [r.count for r in services.rating_summary(ids, "hearing", day_from=clock.today())] == []
    low = services.low_ratings(ids)
    assert [r.invitation.deputy_id for r in low] == [deputies[2].id]


def test_low_score_becomes_a_tracked_item(client, login_as, make_hearing, make_deputy, invite_to):
    hearing = make_hearing(starts_at=utcnow() - timedelta(days=1))
    high = invite_to(hearing, make_deputy(name="满意代表"), S.ATTENDED)
    low = invite_to(hearing, make_deputy(name="不满代表"), S.ATTENDED)
    _rate(high)
    _rate(low, score_conduct=2)
    login_as(Role.LIAISON)
    page = text_of(client.get("/hearings/ratings?group=judge"))
    assert "李明" in page and "不满代表" in page and "满意代表" not in page.split("低分点评")[1]
    rating = db.session.scalar(select(HearingRating).where(HearingRating.invitation_id == low.id))
    response = client.post(f"/hearings/ratings/{rating.id}/item", data={"kind": "suggestion"}, follow_redirects=True)
    item = db.session.scalar(select(Item))
    assert f"已转为督办件，登记编号 {item.number}。" in text_of(response)
    assert "法官言行举止：2 分" in item.content and item.origin == ItemOrigin.HEARING
    assert db.session.get(HearingRating, rating.id).low_score_item_id == item.id
    good = db.session.scalar(select(HearingRating).where(HearingRating.invitation_id == high.id))
    response = client.post(f"/hearings/ratings/{good.id}/item", data={"kind": "suggestion"}, follow_redirects=True)
    assert "只有低分（2 分及以下）的点评可以转为督办件。" in text_of(response)


def test_staff_enter_a_paper_rating(client, login_as, make_hearing, make_deputy, invite_to):
    hearing = make_hearing(starts_at=utcnow() - timedelta(days=1))
    invitation = invite_to(hearing, make_deputy(name="张三"), S.ATTENDED)
    login_as(Role.LIAISON)
    assert "据纸质点评表录入" in text_of(client.get(f"/hearings/invitations/{invitation.id}/rating"))
    response = client.post(f"/hearings/invitations/{invitation.id}/rating", data=SCORES, follow_redirects=True)
    assert "已录入张三的庭审点评表。" in text_of(response) and "已收到点评表 1 份" in text_of(response)
    assert db.session.scalar(select(HearingRating)).entered_by_staff


# --- documents --------------------------------------------------------------------------------------------------

def test_invitation_letter_for_one_deputy(client, login_as, make_hearing, make_deputy, invite_to, court):
    hearing = make_hearing(starts_at=datetime(2030, 3, 2, 1, 30, tzinfo=timezone.utc))
    invitation = invite_to(hearing, make_deputy(name="张三", kind=DeputyKind.CPPCC))
    login_as(Role.LIAISON, display_name="联络员小王", phone="0775-1234567")
    response = client.get(f"/hearings/invitations/{invitation.id}/letter.docx")
    assert response.status_code == 200
    text = docx_text(response.data)
    assert "尊敬的张三委员：" in text
    assert "2030年3月2日（星期六）上午9时30分在第一审判庭开庭审理（2024）桂0981民初1234号民间借贷纠纷一案" in text
    assert "联系人：联络员小王　联系电话：0775-1234567" in text and court.name in text
    assert "{{" not in text


def test_letters_for_all_invitees_one_a_page(client, login_as, make_hearing, make_deputy, invite_to):
    hearing = make_hearing()
    for name in ("张三", "李四", "王五"):
        invite_to(hearing, make_deputy(name=name))
    invite_to(hearing, make_deputy(name="谢绝者"), S.DECLINED)
    login_as(Role.LIAISON)
    response = client.get(f"/hearings/{hearing.id}/letters.docx")
    document = Document(io.BytesIO(response.data))
    salutations = [p.text for p in document.paragraphs if p.text.startswith("尊敬的")]
    assert salutations == ["尊敬的李四代表：", "尊敬的王五代表：", "尊敬的张三代表："]  # by pinyin
    assert len(document.sections) == 3
    assert all(s.start_type == 2 for s in document.sections[1:])  # WD_SECTION.NEW_PAGE
    numbering = document.element.body.findall(".//{*}pgNumType")
    assert len(numbering) == 3 and all(n.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}start")
                                       == "1" for n in numbering)


def test_placeholders_split_across_runs_are_filled():
    document = Document()
    paragraph = document.add_paragraph()
    for part in ("尊敬的{", "{代表", "姓名}}", "代表，案号{{案号}}，", "{{未知}}保留"):
        paragraph.add_run(part).bold = part.startswith("尊")
    buffer = io.BytesIO()
    document.save(buffer)
    filled = documents.fill_letters(buffer.getvalue(), [{"代表姓名": "张\x01三", "案号": "（2024）桂0981民初1号"}])
    result = Document(io.BytesIO(filled)).paragraphs[0]
    assert result.text == "尊敬的张三代表，案号（2024）桂0981民初1号，{{未知}}保留"
    assert result.runs[0].bold and result.runs[0].text == "尊敬的张三"


def _docx(*paragraphs) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_upload_an_edited_letter_template(client, login_as, make_hearing, make_deputy, invite_to):
    hearing = make_hearing()
    invitation = invite_to(hearing, make_deputy(name="张三"))
    login_as(Role.LIAISON)
    default = client.get("/hearings/letter-template.docx")
    assert "尊敬的{{代表姓名}}{{称谓}}：" in docx_text(default.data)
    for data, name, message in (
        (b"hello", "模板.docx", "文件内容与扩展名“.docx”不符"),
        (b"PK\x03\x04broken", "模板.docx", "文件不是有效的 Word（.docx）文档"),
        (_docx("{{代表名字}}您好"), "模板.docx", "无法识别的占位符：{{代表名字}}"),
        (_docx("各位代表好"), "模板.docx", "模板中没有 {{代表姓名}}"),
        (_docx("{{代表姓名}}"), "模板.pdf", "不支持的文件类型“.pdf”"),
    ):
        response = client.post("/hearings/letter-template", data={"template": (io.BytesIO(data), name)},
                               content_type="multipart/form-data")
        assert response.status_code == 422 and message in text_of(response), message
    custom = _docx("云岭法院专用信头", "{{代表姓名}}{{称谓}}：请于{{开庭时间}}到{{法庭}}。")
    response = client.post("/hearings/letter-template", data={"template": (io.BytesIO(custom), "我院模板.docx")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "已启用新的邀请函模板" in text_of(response) and "自定义模板“我院模板.docx”" in text_of(response)
    text = docx_text(client.get(f"/hearings/invitations/{invitation.id}/letter.docx").data)
    assert text.startswith("云岭法院专用信头\n张三代表：请于") and "到第一审判庭。" in text
    response = client.post("/hearings/letter-template/reset", follow_redirects=True)
    assert "已恢复默认邀请函模板。" in text_of(response)
    assert "尊敬的张三代表：" in docx_text(client.get(f"/hearings/invitations/{invitation.id}/letter.docx").data)


def test_record_of_attendance_and_forum(client, login_as, make_hearing, make_deputy, invite_to):
    hearing = make_hearing(starts_at=datetime(2025, 3, 3, 1, 0, tzinfo=timezone.utc), status=HearingStatus.HELD,
                           forum_on=date(2025, 3, 3), forum_place="第一会议室", forum_speakers="副院长主持",
                           forum_summary="座谈纪要\x0b内容")
    came = invite_to(hearing, make_deputy(name="张三"), S.ATTENDED,
                     checked_in_at=datetime(2025, 3, 3, 0, 50, tzinfo=timezone.utc), joined_mediation=True,
                     mediation_note="促成和解")
    invite_to(hearing, make_deputy(name="李四"), S.DECLINED, decline_reason="出差")
    db.session.add(HearingOpinion(hearing_id=hearing.id, deputy_id=came.deputy_id, opinion="建议加强释明"))
    _rate(came, score_overall=4)
    login_as(Role.HANDLER)
    text = docx_text(client.get(f"/hearings/{hearing.id}/record.docx").data)
    assert "邀请代表委员旁听庭审记录" in text and "（2024）桂0981民初1234号" in text
    assert "共邀请代表委员 2 人，接受 1 人，谢绝 1 人，实际出席 1 人。" in text
    assert "张三 | 人大代表 | 市级" in text and "已谢绝（出差）" in text and "08:50" in text
    assert "（一）张三代表" in text and "建议加强释明" in text and "张三：促成和解。" in text
    assert "共收到庭审点评表 1 份" in text and "总体评价 | 4.00" in text and "座谈纪要内容" in text


def _period_data(make_hearing, make_deputy, invite_to):
    a = make_hearing(case_number="（2025）桂0981民初1号", starts_at=datetime(2025, 3, 3, 1, 0, tzinfo=timezone.utc))
    b = make_hearing(case_number="（2025）桂0981刑初2号", starts_at=datetime(2025, 6, 3, 1, 0, tzinfo=timezone.utc))
    make_hearing(case_number="（2025）桂0981民初3号", starts_at=datetime(2025, 7, 3, 1, 0, tzinfo=timezone.utc),
                 status=HearingStatus.CANCELLED)
    make_hearing(case_number="（2026）桂0981民初4号", starts_at=datetime(2026, 1, 3, 1, 0, tzinfo=timezone.utc))
    zhang, li, wang = make_deputy(name="张三"), make_deputy(name="李四", kind=DeputyKind.CPPCC), make_deputy(name="王五")
    invite_to(a, zhang, S.ATTENDED)
    invite_to(a, li, S.ATTENDED)
    invite_to(a, wang, S.DECLINED)
    invite_to(b, zhang, S.ATTENDED)
    invite_to(b, wang, S.ABSENT)


def test_period_list_with_totals(client, login_as, make_hearing, make_deputy, invite_to):
    _period_data(make_hearing, make_deputy, invite_to)
    login_as(Role.LEADER)
    response = client.get("/hearings/export.docx?from=2025-01-01&to=2025-12-31")
    text = docx_text(response.data)
    assert "（2025年1月1日至2025年12月31日）" in text
    assert "共邀请代表委员旁听庭审 2 场，邀请 5 人次，实际出席 3 人次（人大代表 2 人次，政协委员 1 人次）" in text
    assert "民初3号" not in text and "民初4号" not in text
    assert "合计 | 2 场 |  |  |  |  | 5 | 3 | " in text
    assert "张三 | 人大代表 | 市级 | 某某公司 | 2 | 2" in text


def test_cli_exports_the_period_list(runner, make_hearing, make_deputy, invite_to, tmp_path):
    _period_data(make_hearing, make_deputy, invite_to)
    out = tmp_path / "旁听.docx"
    result = runner.invoke(args=["export", "hearings", "--from", "2025-01-01", "--to", "2025-12-31", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "（本院） 2 场庭审、出席 3 人次" in result.output
    assert "实际出席 3 人次" in docx_text(out.read_bytes())
    bad = runner.invoke(args=["export", "hearings", "--from", "2025-13-01", "--to", "2025-12-31", "-o", str(out)])
    assert bad.exit_code != 0 and "日期应写作 2025-03-01" in bad.output
    wrong = runner.invoke(args=["export", "hearings", "--from", "2025-01-01", "--to", "2025-12-31", "-o", "x.pdf"])
    assert wrong.exit_code != 0 and ".docx" in wrong.output


def test_documents_survive_control_characters(client, login_as, make_hearing, make_deputy, invite_to):
    hearing = make_hearing(cause="借贷\x01纠纷\x1f", invite_reason="原因\ufffe\x0c")  # NUL never reaches the database
    invitation = invite_to(hearing, make_deputy(name="张\x08三"))
    login_as(Role.LIAISON)
    assert "借贷纠纷" in docx_text(client.get(f"/hearings/invitations/{invitation.id}/letter.docx").data)
    assert client.get(f"/hearings/{hearing.id}/record.docx").status_code == 200


# --- lists, panels, the demo ------------------------------------------------------------------------------------

def test_list_upcoming_and_past_with_counts(client, login_as, make_hearing, make_deputy, invite_to):
    soon = make_hearing(case_number="（2025）桂0981民初1号", starts_at=utcnow() + timedelta(days=1))
    make_hearing(case_number="（2025）桂0981民初2号", starts_at=utcnow() + timedelta(days=9))
    past = make_hearing(case_number="（2024）桂0981刑初3号", case_type=CaseType.CRIMINAL,
                        starts_at=utcnow() - timedelta(days=9))
    invite_to(soon, make_deputy(), S.ACCEPTED)
    invite_to(soon, make_deputy(), S.INVITED)
    login_as(Role.HANDLER)
    page = text_of(client.get("/hearings/"))
    assert page.index("民初1号") < page.index("民初2号") and "刑初3号" not in page
    page = text_of(client.get("/hearings/?when=past", headers={"HX-Request": "true", "HX-Target": "results"}))
    assert "<html" not in page and "刑初3号" in page and "民初1号" not in page
    page = text_of(client.get("/hearings/?when=all&case_type=criminal"))
    assert "共 <strong>1</strong> 条" in page and past.case_number in page
    assert "共 <strong>1</strong> 条" in text_of(client.get("/hearings/?when=all&q=刑初"))


def test_list_query_count_does_not_grow_with_rows(app, client, login_as, make_hearing, make_deputy, invite_to):
    login_as(Role.LIAISON)

    def count_queries() -> int:
        with sql_statements() as sent:
            assert client.get("/hearings/?when=all").status_code == 200
        return len(sent)

    make_hearing(case_number="（2025）桂0981民初1号")
    few = count_queries()
    for n in range(2, 12):
        hearing = make_hearing(case_number=f"（2025）桂0981民初{n}号")
        invite_to(hearing, make_deputy(), S.ACCEPTED)
    assert count_queries() == few


def test_workspace_panel_counts_the_year(app, make_hearing, make_deputy, invite_to):
    from portal.hearings.contributions import deputy_panel

    deputy = make_deputy()
    this_year = clock.local_now().year
    invite_to(make_hearing(case_number="（2025）桂0981民初1号",
                           starts_at=datetime(this_year, 6, 1, 2, tzinfo=timezone.utc)), deputy, S.ATTENDED)
    invite_to(make_hearing(case_number="（2025）桂0981民初2号",
                           starts_at=datetime(this_year - 1, 6, 1, 2, tzinfo=timezone.utc)), deputy, S.ATTENDED)
    with app.test_request_context():
        panel = deputy_panel(deputy, this_year)
        assert panel.archive == [("受邀旁听庭审", 1), ("旁听庭审", 1)]
        assert len(panel.rows) == 1 and panel.link == "/hearings/mine"
        everything = deputy_panel(deputy, None)
        assert everything.archive == [("受邀旁听庭审", 2), ("旁听庭审", 2)] and len(everything.rows) == 2


def test_the_workspace_shows_the_hearings_panel(client, login_as, make_hearing, invite_to, app):
    if "workspace.index" not in app.view_functions:
        pytest.skip("the workspace area is not installed")
    user = login_as(Role.DEPUTY)
    invite_to(make_hearing(), user.deputy)
    page = text_of(client.get("/", follow_redirects=True))
    assert "旁听庭审邀请" in page and "（2024）桂0981民初1234号 民间借贷纠纷" in page and "请答复" in page


@pytest.mark.seeded_demo
def test_seed_demo_creates_hearings_in_proportion(app, demo_seeded):
    hearings = db.session.scalars(select(Hearing)).all()
    assert len(hearings) == 9
    now = utcnow()
    held = [h for h in hearings if h.starts_at < now]
    assert len(held) == 8 and all(h.status == HearingStatus.HELD for h in held)
    assert all(parse_case_number(h.case_number)[0].value == h.case_number for h in hearings)
    statuses = Counter(db.session.scalars(select(HearingInvitation.status)))
    assert 60 <= statuses[S.ATTENDED] <= 70
    assert statuses[S.DECLINED] and statuses[S.ABSENT]
    per_hearing = Counter(db.session.scalars(select(HearingInvitation.hearing_id)))
    assert all(8 <= n <= 10 for n in per_hearing.values())
    assert db.session.scalar(select(func.count()).select_from(HearingRating)) > 20
    assert db.session.scalar(select(func.count()).select_from(HearingOpinion)) > 3
    assert db.session.scalar(select(func.count()).select_from(Item).where(Item.origin == ItemOrigin.HEARING)) >= 1
    upcoming = next(h for h in hearings if h.starts_at > now)
    assert upcoming.status == HearingStatus.MOVED and any(i.needs_notice for i in upcoming.invitations)
    assert f"旁听出席人次 {statuses[S.ATTENDED]}" in demo_seeded.output


# --- issue 9: what a tester found -------------------------------------------------------------------------------

def _material(hearing):
    from portal.attachments import Attachment
    from portal.uploads import upload_dir

    (upload_dir("attachments") / "fedcba9876543210fedcba9876543210.pdf").write_bytes(b"%PDF-1.4")
    material = Attachment(owner_type="hearing", owner_id=hearing.id, size=8, original_name="起诉状.pdf",
                          stored_name="fedcba9876543210fedcba9876543210.pdf")
    db.session.add(material)
    db.session.commit()
    return f"/hearings/{hearing.id}/materials/{material.id}/起诉状.pdf"


def test_a_deputy_who_declined_no_longer_gets_the_materials(client, login_as, make_hearing, invite_to):
    hearing = make_hearing()
    url = _material(hearing)
    user = login_as(Role.DEPUTY)
    invitation = invite_to(hearing, user.deputy, S.ACCEPTED)
    assert client.get(url).status_code == 200
    client.post(f"/hearings/mine/{invitation.id}/answer", data={"answer": "decline", "decline_reason": "外出开会"})
    assert client.get(url).status_code == 404
    page = text_of(client.get(f"/hearings/mine/{invitation.id}"))
    assert "您已谢绝旁听，不再提供案件材料。" in page and "起诉状.pdf" not in page


def test_invite_filters_by_group_and_keeps_ticks_across_searches(client, login_as, make_hearing, make_deputy):
    hearing = make_hearing()
    east = make_deputy(name="张东", group_name="城东代表组")
    west = make_deputy(name="李西", group_name="城西代表组")
    login_as(Role.LIAISON)
    page = text_of(client.get(f"/hearings/{hearing.id}/invite"))
    assert '<option value="城东代表组">城东代表组</option>' in page and "(&#39;" not in page and "('" not in page
    page = text_of(client.get(f"/hearings/{hearing.id}/invite?group=城西代表组"))
    assert "李西" in page and "张东" not in page

    # 张东 was ticked in the first search; the second search (for 李西) brings the tick along
    page = text_of(client.get(f"/hearings/{hearing.id}/invite", query_string={"q": "李西", "deputy_id": east.id},
                              headers={"HX-Request": "true", "HX-Target": "results"}))
    assert "<html" not in page and "已勾选（在之前的搜索中）" in page
    assert f'name="deputy_id" value="{east.id}" id="ticked-{east.id}" checked' in page
    assert f'value="{west.id}" id="pick-{west.id}">' in page  # not ticked yet
    response = client.post(f"/hearings/{hearing.id}/invite", data={"deputy_id": [str(east.id), str(west.id)]})
    assert response.status_code == 303
    assert {i.deputy.name for i in db.session.get(Hearing, hearing.id).invitations} == {"张东", "李西"}


def test_a_hearing_cannot_be_moved_into_the_past(client, login_as, court, make_hearing):
    hearing = make_hearing()
    login_as(Role.LIAISON)
    past = clock.to_local(utcnow() - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    past_end = clock.to_local(utcnow() - timedelta(days=2) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/hearings/{hearing.id}/edit", data=hearing_form(court_id=str(court.id), starts_at=past,
                                                                              ends_at=past_end))
    assert response.status_code == 422 and "开庭时间不能改到现在之前" in text_of(response)
    page = text_of(client.post(f"/hearings/{hearing.id}/status", data={
        "status": "moved", "starts_at": past, "ends_at": past_end}, follow_redirects=True))
    assert "新的开庭时间不能早于现在。" in page
    hearing = db.session.get(Hearing, hearing.id)
    assert hearing.status == HearingStatus.SCHEDULED and hearing.starts_at > utcnow()


def test_check_in_makes_a_moved_hearing_held(client, login_as, make_hearing, make_deputy, invite_to):
    hearing = make_hearing(starts_at=utcnow() - timedelta(minutes=10), status=HearingStatus.MOVED)
    invitation = invite_to(hearing, make_deputy(name="张三"), S.ACCEPTED)
    login_as(Role.LIAISON)
    client.post(f"/hearings/invitations/{invitation.id}/check-in", headers=BOARD)
    assert db.session.get(Hearing, hearing.id).status == HearingStatus.HELD
    assert "已开庭" in text_of(client.get(f"/hearings/{hearing.id}"))


def test_forum_speakers_are_those_who_attended(client, login_as, make_hearing, make_deputy, invite_to):
    hearing = make_hearing(starts_at=utcnow() - timedelta(days=1), status=HearingStatus.HELD)
    there, away, absent = make_deputy(name="到场代表"), make_deputy(name="接受未到"), make_deputy(name="缺席代表")
    invite_to(hearing, there, S.ATTENDED)
    invite_to(hearing, away, S.ACCEPTED)
    invite_to(hearing, absent, S.ABSENT)
    login_as(Role.LIAISON)
    page = text_of(client.get(f"/hearings/{hearing.id}/forum"))
    assert f'<option value="{there.id}">到场代表</option>' in page
    assert "接受未到" not in page and "缺席代表" not in page
    response = client.post(f"/hearings/{hearing.id}/opinions", data={"deputy_id": str(away.id), "opinion": "意见"})
    assert response.status_code == 422 and "请选择出席旁听的代表委员。" in text_of(response)


def test_hearing_list_shows_zero_attended_and_the_notice_reads_right(client, login_as, make_hearing, make_deputy,
                                                                    invite_to):
    hearing = make_hearing(status=HearingStatus.MOVED)
    invite_to(hearing, make_deputy(name="张三"), S.ACCEPTED, needs_notice=True)
    login_as(Role.LIAISON)
    page = text_of(client.get("/hearings/"))
    row = re.search(rf"{re.escape(hearing.case_number)}.*?</tr>", page, re.S).group(0)
    assert re.findall(r'<td class="text-end">([^<]*)</td>', row) == ["1", "1", "", "0"]
    detail = text_of(client.get(f"/hearings/{hearing.id}"))
    assert "庭审已改期，需通知以下 1 名受邀代表委员" in detail and "已已" not in detail


# --- domain events ----------------------------------------------------------------------------------------------

def announced(record) -> list[str]:
    """The labels of the events the audit trail holds for ``record``, oldest first."""
    return list(db.session.scalars(select(AuditLog.summary).where(
        AuditLog.action == "event", AuditLog.entity == type(record).__tablename__, AuditLog.record_id == record.id)
        .order_by(AuditLog.id)))


def test_a_hearing_moved_after_invitations_went_out_is_announced(client, login_as, court, make_hearing,
                                                                 make_deputy, invite_to):
    quiet = make_hearing()
    hearing = make_hearing()
    invite_to(hearing, make_deputy(name="甲"), S.ACCEPTED)
    login_as(Role.LIAISON)
    client.post(f"/hearings/{quiet.id}/edit", data=hearing_form(court_id=str(court.id), court_room="第二审判庭"))
    assert announced(quiet) == []  # nobody invited: nobody to tell
    response = client.post(f"/hearings/{hearing.id}/edit", data=hearing_form(court_id=str(court.id),
                                                                              court_room="第二审判庭"))
    assert response.status_code == 303 and announced(hearing) == ["庭审时间或地点变更"]
    response = client.post(f"/hearings/{hearing.id}/status", data={
        "status": "moved", "starts_at": "2030-05-06T14:30", "ends_at": "2030-05-06T17:00", "change_note": "合议庭调整"})
    assert response.status_code == 303 and announced(hearing) == ["庭审时间或地点变更"] * 2


def test_adjourning_and_cancelling_are_announced(client, login_as, make_hearing, make_deputy, invite_to):
    hearing = make_hearing()
    invite_to(hearing, make_deputy(name="甲"), S.INVITED)
    login_as(Role.LIAISON)
    client.post(f"/hearings/{hearing.id}/status", data={"status": "adjourned", "change_note": "当事人申请延期"})
    client.post(f"/hearings/{hearing.id}/status", data={"status": "cancelled", "change_note": "原告撤诉"})
    assert announced(hearing) == ["庭审延期", "庭审取消"]


def test_invitations_sent_and_answered_are_announced(client, login_as, make_hearing, make_deputy):
    hearing = make_hearing()
    deputy = make_deputy(name="甲")
    login_as(Role.LIAISON)
    client.post(f"/hearings/{hearing.id}/invite", data={"deputy_id": str(deputy.id)})
    invitation = db.session.scalar(select(HearingInvitation).where(HearingInvitation.hearing_id == hearing.id))
    assert announced(invitation) == ["发出旁听邀请"]
    response = client.post(f"/hearings/invitations/{invitation.id}/answer", data={"answer": "accept"})
    assert response.status_code == 303
    client.post("/logout")
    login_as(Role.DEPUTY, deputy=deputy)
    response = client.post(f"/hearings/mine/{invitation.id}/answer", data={"answer": "decline",
                                                                           "decline_reason": "外出开会"})
    assert response.status_code == 303
    assert announced(invitation) == ["发出旁听邀请", "答复旁听邀请", "答复旁听邀请"]


def test_a_refused_answer_announces_nothing(client, login_as, make_hearing, invite_to):
    hearing = make_hearing(starts_at=utcnow() - timedelta(hours=1))
    user = login_as(Role.DEPUTY)
    invitation = invite_to(hearing, user.deputy)
    response = client.post(f"/hearings/mine/{invitation.id}/answer", data={"answer": "accept"})
    assert response.status_code == 422 and "不能再答复" in text_of(response)
    assert announced(invitation) == []


def test_items_from_a_hearing_link_to_it(app, client, login_as, make_hearing, make_deputy, invite_to):
    from portal.hearings.contributions import item_origin_url

    hearing = make_hearing(starts_at=utcnow() - timedelta(days=1), status=HearingStatus.HELD)
    deputy = make_deputy(name="张三")
    low = invite_to(hearing, deputy, S.ATTENDED)
    _rate(low, score_conduct=1)
    login_as(Role.LIAISON)
    client.post(f"/hearings/{hearing.id}/opinions", data={"deputy_id": str(deputy.id), "opinion": "建议加强庭前释明"})
    opinion = db.session.scalar(select(HearingOpinion))
    client.post(f"/hearings/opinions/{opinion.id}/item", data={"kind": "suggestion"})
    rating = db.session.scalar(select(HearingRating))
    client.post(f"/hearings/ratings/{rating.id}/item", data={"kind": "suggestion"})
    from_opinion = db.session.scalar(select(Item).where(Item.origin_id == opinion.id))
    from_rating = db.session.get(HearingRating, rating.id).low_score_item
    with app.test_request_context():
        assert item_origin_url(from_opinion) == f"/hearings/{hearing.id}"
        assert item_origin_url(from_rating) == f"/hearings/{hearing.id}"
        assert item_origin_url(Item(origin=ItemOrigin.RECEPTION, origin_id=opinion.id)) is None


# --- check-in by QR code, and the printed sign-in sheet -----------------------------------------------------------

def _today_hearing(court, make_deputy, **kw):
    from portal.hearings.services import invite

    now = clock.now()
    hearing = Hearing(court_id=court.id, case_number="（2026）测01民初5号", cause="借款合同纠纷",
                      case_type=CaseType.CIVIL, presiding_judge="审判长", court_room="第五法庭",
                      starts_at=kw.pop("starts_at", now), ends_at=now + timedelta(hours=2))
    db.session.add(hearing)
    db.session.flush()
    invited, declined = make_deputy(name="扫码代表"), make_deputy(name="谢绝代表")
    invite(hearing, [invited.id, declined.id])
    next(i for i in hearing.invitations if i.deputy_id == declined.id).status = InvitationStatus.DECLINED
    db.session.commit()
    return hearing, invited, declined


def test_an_invited_deputy_checks_in_by_scanning_the_code(app, court, make_deputy, make_user, login_as):
    from portal.hearings.services import check_in_code

    hearing, invited, declined = _today_hearing(court, make_deputy)
    staff = app.test_client()
    sign_in(staff, make_user(Role.LIAISON))
    poster = staff.get(f"/hearings/{hearing.id}/check-in-code").get_data(as_text=True)
    address = poster.split('<p class="small text-muted text-break">')[1].split("<")[0]
    assert "<svg" in poster and address.endswith(check_in_code(hearing))
    path = address.replace("http://localhost", "")

    phone = app.test_client()
    sign_in(phone, make_user(Role.DEPUTY, deputy=invited))
    assert "确认签到" in phone.get(path).get_data(as_text=True)  # the scan itself records nothing
    assert db.session.scalar(select(HearingInvitation.status).where(
        HearingInvitation.deputy_id == invited.id)) == InvitationStatus.INVITED
    done = phone.post(path)
    assert done.status_code == 200 and "签到成功" in done.get_data(as_text=True)
    invitation = db.session.scalars(select(HearingInvitation).where(HearingInvitation.deputy_id == invited.id)).one()
    assert invitation.status == InvitationStatus.ATTENDED and invitation.checked_in_at is not None
    assert "签到成功" in phone.post(path).get_data(as_text=True)  # a second scan changes nothing

    for deputy, reason in ((declined, "您已谢绝本场庭审的邀请"), (make_deputy(name="路人"), "您不在本场庭审的受邀名单中")):
        other = app.test_client()
        sign_in(other, make_user(Role.DEPUTY, deputy=deputy))
        assert reason in other.get(path).get_data(as_text=True)
        refused = other.post(path)
        assert refused.status_code in (403, 409) and reason in refused.get_data(as_text=True)
    assert phone.get("/hearings/check-in/forged-code").status_code == 404


def test_no_check_in_outside_the_hearings_day(app, court, make_deputy, make_user):
    from portal.hearings.services import check_in_code

    hearing, invited, _ = _today_hearing(court, make_deputy, starts_at=clock.now() + timedelta(days=2))
    phone = app.test_client()
    sign_in(phone, make_user(Role.DEPUTY, deputy=invited))
    refused = phone.post(f"/hearings/check-in/{check_in_code(hearing)}")
    assert refused.status_code == 409 and "只能在开庭当天" in refused.get_data(as_text=True)


def test_the_sign_in_sheet_lists_who_is_expected(app, court, make_deputy, make_user, client):
    hearing, invited, declined = _today_hearing(court, make_deputy)
    sign_in(client, make_user(Role.LIAISON))
    response = client.get(f"/hearings/{hearing.id}/sign-in.docx")
    document = Document(io.BytesIO(response.data))
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "姓名", "身份", "工作单位及职务", "签名", "签到时间"]
    names = [row.cells[1].text for row in table.rows[1:]]
    assert "扫码代表" in names and "谢绝代表" not in names
    assert any("代表委员旁听庭审签到表" in p.text for p in document.paragraphs)


# --- the change notices the portal sends empty the list of deputies to ring ------------------------------------

def _send_failing(monkeypatch, fails) -> None:
    """Run the worker with the log backends (SMS at any hour); an SMS for which ``fails(outgoing)`` is refused."""
    from portal.notices import backends, delivery

    real = backends.sms_backend

    def backend():
        send = real()

        def maybe(outgoing):
            if fails(outgoing):
                raise backends.DeliveryError("9 rejected")
            return send(outgoing)
        return maybe

    monkeypatch.setattr(delivery, "sms_backend", backend)
    delivery.send_due()


def test_a_change_notice_sent_takes_the_deputy_off_the_list_to_ring(client, login_as, make_hearing, make_deputy,
                                                                    invite_to, monkeypatch):
    from portal.templating import format_datetime

    hearing = make_hearing()
    told, failed = make_deputy(name="甲", mobile="13900000101"), make_deputy(name="乙", mobile="13900000102")
    from portal.notices.models import NoticePreference

    no_channel = make_deputy(name="丙", email="")  # chose email, and the register has no address any more
    db.session.add(NoticePreference(deputy_id=no_channel.id, sms=False, email=True))
    for deputy in (told, failed, no_channel):
        invite_to(hearing, deputy, S.ACCEPTED)
    login_as(Role.LIAISON)
    assert client.post(f"/hearings/{hearing.id}/status", data={
        "status": "moved", "starts_at": "2030-05-06T14:30", "ends_at": "2030-05-06T17:00", "change_note": "合议庭调整"},
    ).status_code == 303
    assert "需通知以下 3 名受邀代表委员" in text_of(client.get(f"/hearings/{hearing.id}"))

    _send_failing(monkeypatch, lambda outgoing: outgoing.address == "13900000102")
    db.session.expire_all()
    invitation = db.session.scalar(select(HearingInvitation).where(HearingInvitation.deputy_id == told.id))
    assert not invitation.needs_notice and invitation.notified_at is not None
    page = text_of(client.get(f"/hearings/{hearing.id}"))
    assert "需通知以下 2 名受邀代表委员" in page
    to_ring = page.split('class="table table-sm table-dense mb-0 notify-list"')[1].split("</table>")[0]
    assert "乙" in to_ring and "丙" in to_ring and "甲" not in to_ring  # a failed SMS, no channel: still to ring
    row = page.split(f'data-invitation="{invitation.id}"')[1].split("</tr>")[0]
    assert f"已通知 {format_datetime(invitation.notified_at)}" in row
    assert "已通知丙" in to_ring  # the staff's button stays for whom the portal cannot reach


def test_a_notice_of_an_earlier_change_does_not_count_for_the_later_one(client, login_as, make_hearing, make_deputy,
                                                                        invite_to, monkeypatch):
    hearing = make_hearing()
    invitation = invite_to(hearing, make_deputy(name="甲", mobile="13900000103"), S.ACCEPTED)
    login_as(Role.LIAISON)
    for day in ("2030-05-06", "2030-05-07"):  # moved twice before the worker came by
        assert client.post(f"/hearings/{hearing.id}/status", data={
            "status": "moved", "starts_at": f"{day}T14:30", "ends_at": f"{day}T17:00"}).status_code == 303
    _send_failing(monkeypatch, lambda outgoing: "5月7日" in outgoing.body)  # the notice of the second move fails
    db.session.expire_all()
    assert db.session.get(HearingInvitation, invitation.id).needs_notice
    from portal.notices.models import Message, MessageState

    retry = db.session.scalars(select(Message).where(Message.state == MessageState.FAILED)).one()
    retry.next_try_at = clock.now()  # its next try is due
    db.session.commit()
    _send_failing(monkeypatch, lambda outgoing: False)
    db.session.expire_all()
    assert not db.session.get(HearingInvitation, invitation.id).needs_notice
