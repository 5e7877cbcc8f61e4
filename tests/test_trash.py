"""The recycle bin (回收站): every staff delete is recoverable; restored with children and files; purged only by
the system administrator; court scope, CSRF, the audit trail and its chain."""
from datetime import date, datetime, timedelta, timezone

import pytest
from flask import current_app
from sqlalchemy import func, select

from portal import clock, uploads
from portal.activities.models import Activity, ActivityDeputy, ActivityKind, ActivityOpinion, ActivityStaff
from portal.attachments import Attachment
from portal.audit import AuditLog
from portal.auth.models import Duty, Role
from portal.duty.models import (
    DutyRectification,
    DutySession,
    DutySessionDeputy,
    DutyTerm,
    RectificationStatus,
    SessionState,
)
from portal.extensions import db
from portal.hearings.models import CaseType, Hearing, HearingOpinion, HearingStatus
from portal.models import utcnow
from portal.notices.models import Newsletter
from portal.reception.models import Channel, Reception, ReceptionDeputy, ReceptionHost
from portal.reception.services import delete_reception
from portal.register.models import DeputyLevel
from portal.surveys.models import QuestionKind, Survey, SurveyKind, SurveyQuestion
from portal.trash import services as trash
from portal.trash.models import DeletedRecord
from tests.conftest import log_in

PDF = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
YEAR = clock.today().year


def text(response) -> str:
    return response.get_data(as_text=True)


def attach(owner_type: str, owner_id: int, name: str = "扫描件.pdf", data: bytes = PDF) -> Attachment:
    stored = uploads.store_bytes(data, "attachments", ".pdf")
    attachment = Attachment(owner_type=owner_type, owner_id=owner_id, stored_name=stored, original_name=name,
                            size=len(data), content_type="application/pdf")
    db.session.add(attachment)
    db.session.commit()
    return attachment


def entry_of(kind: str) -> DeletedRecord:
    db.session.expire_all()
    return db.session.scalars(select(DeletedRecord).where(DeletedRecord.kind == kind)
                              .order_by(DeletedRecord.id.desc())).first()


def audit_events(name: str) -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).where(AuditLog.event == name).order_by(AuditLog.id)))


def deletes_of(entity: str, record_id: int) -> int:
    return db.session.scalar(select(func.count(AuditLog.id)).where(
        AuditLog.action == "delete", AuditLog.entity == entity, AuditLog.record_id == record_id))


def switch_to(client, user) -> None:
    client.post("/logout")
    assert log_in(client, user.username).status_code == 302


def chain_holds(runner) -> None:
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output


@pytest.fixture
def liaison(client, make_user):
    user = make_user(Role.LIAISON, display_name="郑联络")
    log_in(client, user.username)
    return user


@pytest.fixture
def reception(court, make_deputy, make_user):
    deputy = make_deputy(name="张三")
    host = make_user(Role.LEADER, display_name="周院长")
    reception = Reception(court_id=court.id, received_at=datetime(2025, 3, 1, 6, 30, tzinfo=timezone.utc),
                          channel=Channel.VISIT, place="联络之家", subject="反映执行难问题", content="谈话内容")
    reception.deputy_links = [ReceptionDeputy(deputy_id=deputy.id)]
    reception.host_links = [ReceptionHost(user_id=host.id)]
    db.session.add(reception)
    db.session.commit()
    attach("reception", reception.id, "来信扫描件.pdf")
    return reception


# --- each kind: delete through its route, find it in the bin, restore it through the bin -------------------------

def test_a_deleted_reception_comes_back_with_its_people_and_files(app, client, runner, liaison, reception):
    reception_id, version = reception.id, reception.version
    file = db.session.scalar(select(Attachment))
    file_id, stored = file.id, file.stored_name
    assert client.post(f"/reception/{reception_id}/delete").status_code == 303
    assert db.session.get(Reception, reception_id) is None
    assert db.session.scalar(select(func.count()).select_from(ReceptionDeputy)) == 0
    assert f'href="/reception/{reception_id}"' not in text(client.get("/reception/?from=2025-01-01&to=2025-12-31"))
    assert uploads.read("attachments", stored) == PDF  # the file waits in the bin
    for entity, record_id in (("reception", reception_id), ("attachment", file_id)):
        assert deletes_of(entity, record_id) == 1  # the delete is audited field by field, as before

    page = text(client.get("/trash/"))
    entry = entry_of("reception")
    assert "来访接待" in page and "2025-03-01 来访接待：张三" in page and "郑联络" in page
    assert [r["table"] for r in entry.rows] == ["reception", "attachment", "reception_deputy", "reception_host"]
    assert entry.files == [{"area": "attachments", "name": stored}]

    response = client.post(f"/trash/{entry.id}/restore")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/reception/{reception_id}")
    restored = db.session.get(Reception, reception_id)
    assert restored.subject == "反映执行难问题" and restored.version == version
    assert restored.received_at == datetime(2025, 3, 1, 6, 30, tzinfo=timezone.utc)
    assert restored.channel == Channel.VISIT
    assert [d.name for d in restored.deputies] == ["张三"] and [u.display_name for u in restored.hosts] == ["周院长"]
    detail = text(client.get(f"/reception/{reception_id}"))
    assert "已恢复：2025-03-01 来访接待：张三" in detail and "来信扫描件.pdf" in detail
    download = client.get(f"/reception/{reception_id}/files/{file_id}/来信扫描件.pdf")
    assert download.status_code == 200 and download.data == PDF
    assert f'href="/reception/{reception_id}"' in text(client.get("/reception/?from=2025-01-01&to=2025-12-31&q=张三"))
    assert db.session.scalar(select(func.count(DeletedRecord.id))) == 0
    (event,) = audit_events("trash.restored")
    assert (event.entity, event.record_id, event.user_id) == ("reception", reception_id, liaison.id)
    assert event.changes["label"] == [None, "2025-03-01 来访接待：张三"]
    chain_holds(runner)


def test_a_single_attachment_is_restored_to_its_record(client, runner, liaison, reception):
    file = db.session.scalar(select(Attachment))
    assert client.post(f"/reception/{reception.id}/files/{file.id}/delete").status_code == 303
    assert db.session.scalar(select(func.count(Attachment.id))) == 0
    entry = entry_of("attachments")
    assert entry.label == "附件：来信扫描件.pdf（2025-03-01 来访接待：张三）" and entry.court_id == reception.court_id
    assert "附件" in text(client.get("/trash/"))
    response = client.post(f"/trash/{entry.id}/restore")
    assert response.headers["Location"].endswith(f"/reception/{reception.id}")
    assert client.get(f"/reception/{reception.id}/files/{file.id}/x.pdf").data == PDF
    chain_holds(runner)


def test_activity_and_its_opinion_come_back(client, runner, court, liaison, make_deputy, make_user):
    deputy, staff = make_deputy(name="李四"), make_user(Role.LEADER)
    activity = Activity(court_id=court.id, held_on=date(2025, 3, 1), kind=ActivityKind.VISIT, title="走访企业代表",
                        place="工业园区")
    activity.deputy_links = [ActivityDeputy(deputy_id=deputy.id)]
    activity.staff_links = [ActivityStaff(user_id=staff.id)]
    activity.opinions = [ActivityOpinion(deputy_id=deputy.id, text="建议简化立案"),
                         ActivityOpinion(deputy_id=deputy.id, text="建议增设巡回法庭")]
    db.session.add(activity)
    db.session.commit()
    photo = attach("activity", activity.id, "合影.pdf")
    activity_id, (kept, dropped) = activity.id, [o.id for o in activity.opinions]

    # one opinion alone
    assert client.post(f"/activities/{activity_id}/opinions/{dropped}/delete").status_code == 303
    assert db.session.get(ActivityOpinion, dropped) is None
    entry = entry_of("activity_opinion")
    assert entry.label == "2025-03-01 联络活动：走访企业代表 的意见建议：李四"
    response = client.post(f"/trash/{entry.id}/restore")
    assert response.headers["Location"].endswith(f"/activities/{activity_id}")
    assert db.session.get(ActivityOpinion, dropped).text == "建议增设巡回法庭"

    # the whole activity
    assert client.post(f"/activities/{activity_id}/delete").status_code == 303
    assert db.session.get(Activity, activity_id) is None
    assert db.session.scalar(select(func.count(ActivityOpinion.id))) == 0
    assert "走访企业代表" in text(client.get("/trash/"))
    response = client.post(f"/trash/{entry_of('activity').id}/restore")
    assert response.headers["Location"].endswith(f"/activities/{activity_id}")
    restored = db.session.get(Activity, activity_id)
    assert {o.id for o in restored.opinions} == {kept, dropped}
    assert [d.name for d in restored.deputies] == ["李四"] and [u.id for u in restored.staff] == [staff.id]
    assert client.get(f"/activities/{activity_id}/files/{photo.id}/合影.pdf").data == PDF
    assert len(audit_events("trash.restored")) == 2
    chain_holds(runner)


def test_an_opinion_whose_activity_is_gone_is_refused_with_the_reason(client, court, liaison, make_deputy):
    deputy = make_deputy()
    activity = Activity(court_id=court.id, held_on=date(2025, 3, 1), kind=ActivityKind.VISIT, title="座谈",
                        place="会议室")
    activity.deputy_links = [ActivityDeputy(deputy_id=deputy.id)]
    activity.opinions = [ActivityOpinion(deputy_id=deputy.id, text="意见")]
    db.session.add(activity)
    db.session.commit()
    client.post(f"/activities/{activity.id}/opinions/{activity.opinions[0].id}/delete")
    opinion_entry = entry_of("activity_opinion")
    client.post(f"/activities/{activity.id}/delete")
    page = text(client.post(f"/trash/{opinion_entry.id}/restore", follow_redirects=True))
    assert "无法恢复：所属联络活动已被删除。" in page
    assert db.session.get(DeletedRecord, opinion_entry.id) is not None  # still in the bin
    assert db.session.scalar(select(func.count(ActivityOpinion.id))) == 0  # nothing half restored


def _group(make_deputy, n: int):
    return [make_deputy(name=f"组员{i}", group_name="城东街道代表组", level=DeputyLevel.COUNTY, term="第十八届")
            for i in range(n)]


def test_duty_term_session_and_rectification_come_back(client, runner, court, liaison, make_deputy):
    term = DutyTerm(level=DeputyLevel.COUNTY, name="第十八届", start_year=YEAR - 2, end_year=YEAR + 2)
    db.session.add(term)
    db.session.commit()
    assert client.post(f"/duty/terms/{term.id}/delete").status_code == 303
    entry = entry_of("duty_term")
    assert entry.court_id is None and entry.label.startswith("届期：")
    assert client.post(f"/trash/{entry.id}/restore").headers["Location"].endswith("/duty/plan")
    assert db.session.get(DutyTerm, term.id).start_year == YEAR - 2

    people = _group(make_deputy, 3)
    planned = DutySession(court_id=court.id, year=YEAR, level=DeputyLevel.COUNTY, term="第十八届",
                          group_name="城东街道代表组", held_on=date(YEAR, 12, 31), place="联络站")
    planned.reporters = [DutySessionDeputy(deputy_id=d.id) for d in people[:2]]
    db.session.add(planned)
    db.session.commit()
    planned_id = planned.id
    assert client.post(f"/duty/sessions/{planned_id}/delete").status_code == 303
    assert db.session.get(DutySession, planned_id) is None
    response = client.post(f"/trash/{entry_of('duty_session').id}/restore")
    assert response.headers["Location"].endswith(f"/duty/sessions/{planned_id}")
    assert sorted(r.deputy_id for r in db.session.get(DutySession, planned_id).reporters) == \
        sorted(d.id for d in people[:2])

    held = DutySession(court_id=court.id, year=YEAR - 1, level=DeputyLevel.COUNTY, term="第十八届",
                       group_name="城东街道代表组", held_on=date(YEAR - 1, 6, 1), place="联络站",
                       state=SessionState.HELD)
    reporter = DutySessionDeputy(deputy_id=people[2].id)
    reporter.rectifications = [DutyRectification(content="改进调解工作", owner="民一庭", status=RectificationStatus.PENDING)]
    held.reporters = [reporter]
    db.session.add(held)
    db.session.commit()
    rectification_id = reporter.rectifications[0].id
    assert client.post(f"/duty/sessions/{held.id}/rectifications/{rectification_id}/delete").status_code == 303
    assert db.session.get(DutyRectification, rectification_id) is None
    response = client.post(f"/trash/{entry_of('duty_rectification').id}/restore")
    assert response.headers["Location"].endswith(f"/duty/sessions/{held.id}")
    assert db.session.get(DutyRectification, rectification_id).content == "改进调解工作"
    chain_holds(runner)


def test_a_session_whose_deputy_now_reports_elsewhere_is_refused(client, court, liaison, make_deputy):
    people = _group(make_deputy, 1)

    def session() -> DutySession:
        planned = DutySession(court_id=court.id, year=YEAR, level=DeputyLevel.COUNTY, term="第十八届",
                              group_name="城东街道代表组", held_on=date(YEAR, 12, 31), place="联络站")
        planned.reporters = [DutySessionDeputy(deputy_id=people[0].id)]
        db.session.add(planned)
        db.session.commit()
        return planned

    client.post(f"/duty/sessions/{session().id}/delete")
    session()
    page = text(client.post(f"/trash/{entry_of('duty_session').id}/restore", follow_redirects=True))
    assert "无法恢复：组员0已安排在" in page and "一年只述职一次" in page


def test_hearing_opinion_and_material_come_back(client, runner, court, liaison, make_deputy):
    starts = utcnow() - timedelta(days=1)
    hearing = Hearing(court_id=court.id, case_number="（2024）桂0981民初1234号", cause="民间借贷纠纷",
                      case_type=CaseType.CIVIL, presiding_judge="李明", court_room="第一审判庭", starts_at=starts,
                      ends_at=starts + timedelta(hours=2), invite_reason="群众关注", status=HearingStatus.HELD)
    db.session.add(hearing)
    db.session.commit()
    deputy = make_deputy(name="王五")
    opinion = HearingOpinion(hearing_id=hearing.id, deputy_id=deputy.id, opinion="建议加强庭前释明")
    db.session.add(opinion)
    db.session.commit()
    material_id, opinion_id, hearing_id = attach("hearing", hearing.id, "起诉状.pdf").id, opinion.id, hearing.id

    assert client.post(f"/hearings/opinions/{opinion_id}/delete").status_code == 303
    assert db.session.get(HearingOpinion, opinion_id) is None
    response = client.post(f"/trash/{entry_of('hearing_opinion').id}/restore")
    assert response.headers["Location"].endswith(f"/hearings/{hearing_id}/forum")
    assert db.session.get(HearingOpinion, opinion_id).opinion == "建议加强庭前释明"

    assert client.post(f"/hearings/{hearing_id}/materials/{material_id}/delete").status_code == 303
    assert client.get(f"/hearings/{hearing_id}/materials/{material_id}/起诉状.pdf").status_code == 404
    response = client.post(f"/trash/{entry_of('attachments').id}/restore")
    assert response.headers["Location"].endswith(f"/hearings/{hearing_id}")
    assert client.get(f"/hearings/{hearing_id}/materials/{material_id}/起诉状.pdf").data == PDF
    chain_holds(runner)


def test_a_survey_draft_comes_back_with_its_questions(client, runner, court, liaison):
    survey = Survey(court_id=court.id, title="2025年度民意测评表", kind=SurveyKind.RATING,
                    deadline=clock.today() + timedelta(days=10), recipient_filters={"kind": "npc"})
    survey.questions = [SurveyQuestion(position=1, kind=QuestionKind.SCALE, text="总体评价",
                                       options=["满意", "基本满意", "不满意"]),
                        SurveyQuestion(position=2, kind=QuestionKind.TEXT, text="意见建议", required=False)]
    db.session.add(survey)
    db.session.commit()
    survey_id = survey.id
    assert client.post(f"/surveys/{survey_id}/delete").status_code == 303
    assert db.session.get(Survey, survey_id) is None
    assert "民意测评草稿：2025年度民意测评表" in text(client.get("/trash/"))
    response = client.post(f"/trash/{entry_of('survey').id}/restore")
    assert response.headers["Location"].endswith(f"/surveys/{survey_id}")
    restored = db.session.get(Survey, survey_id)
    assert restored.recipient_filters == {"kind": "npc"} and restored.kind == SurveyKind.RATING
    assert [(q.text, q.options, q.required) for q in restored.questions] == [
        ("总体评价", ["满意", "基本满意", "不满意"], True), ("意见建议", [], False)]
    chain_holds(runner)


def test_a_newsletter_whose_number_was_taken_waits_until_it_is_free(client, runner, court, liaison):
    from tests.test_newsletters import _register

    issue = _register(client, title="第一份")
    issue_id, number = issue.id, issue.number
    file = db.session.scalar(select(Attachment).where(Attachment.owner_type == "newsletter"))
    assert client.post(f"/notices/newsletters/{issue_id}/delete").status_code == 303
    entry = entry_of("newsletter")
    assert entry.label == f"{YEAR}年第{number}期：第一份"
    taker = _register(client, title="重新登记")
    assert taker.number == number  # the freed number went to the next issue
    page = text(client.post(f"/trash/{entry.id}/restore", follow_redirects=True))
    assert "无法恢复：" in page and "已存在" in page
    assert db.session.scalars(select(Newsletter.title)).all() == ["重新登记"]
    assert db.session.get(DeletedRecord, entry.id) is not None

    client.post(f"/notices/newsletters/{taker.id}/delete")
    response = client.post(f"/trash/{entry.id}/restore")
    restored = db.session.scalar(select(Newsletter).where(Newsletter.title == "第一份"))
    assert response.headers["Location"].endswith(f"/notices/newsletters/{restored.id}")
    assert restored.number == number
    assert uploads.read("attachments", db.session.get(Attachment, file.id).stored_name) is not None
    chain_holds(runner)


def test_an_id_reused_meanwhile_gives_the_restored_record_a_new_one(client, liaison, reception, court):
    """SQLite hands a deleted newest id out again; the restored record and its rows then take a new id."""
    old_id = reception.id
    client.post(f"/reception/{old_id}/delete")
    newcomer = Reception(court_id=court.id, received_at=utcnow(), subject="新的接待")
    db.session.add(newcomer)
    db.session.commit()
    if newcomer.id != old_id:
        pytest.skip("this database does not reuse ids (PostgreSQL sequences)")
    response = client.post(f"/trash/{entry_of('reception').id}/restore")
    restored = db.session.scalar(select(Reception).where(Reception.subject == "反映执行难问题"))
    assert restored.id != old_id and response.headers["Location"].endswith(f"/reception/{restored.id}")
    assert [d.name for d in restored.deputies] == ["张三"]
    file = db.session.scalar(select(Attachment))
    assert file.owner_id == restored.id
    assert db.session.get(Reception, old_id).subject == "新的接待"


def test_records_created_after_a_restore_get_fresh_ids(client, liaison, reception, court):
    """PostgreSQL: restoring explicit ids leaves the sequences ahead of them."""
    client.post(f"/reception/{reception.id}/delete")
    client.post(f"/trash/{entry_of('reception').id}/restore")
    for n in range(3):
        db.session.add(Reception(court_id=court.id, received_at=utcnow(), subject=f"之后的接待{n}"))
        db.session.commit()
    assert db.session.scalar(select(func.count(Reception.id))) == 4


# --- purge ----------------------------------------------------------------------------------------------------------

def test_only_the_system_administrator_purges_and_the_files_go(app, client, runner, court, reception, make_user):
    stored = db.session.scalar(select(Attachment.stored_name))
    liaison = make_user(Role.LIAISON)
    log_in(client, liaison.username)
    client.post(f"/reception/{reception.id}/delete")
    entry = entry_of("reception")
    entry_id = entry.id
    assert "彻底删除</button>" not in text(client.get("/trash/"))
    assert client.post(f"/trash/{entry.id}/purge").status_code == 403
    for role in (Role.LEADER, Role.HANDLER, Duty.SECURITY, Duty.AUDIT):
        switch_to(client, make_user(role))
        assert client.post(f"/trash/{entry.id}/purge").status_code == 403, role
    admin = make_user(Duty.SYSTEM)
    switch_to(client, admin)
    page = text(client.get("/trash/"))
    assert "彻底删除</button>" in page and "恢复</button>" not in page  # no business role: no restore
    assert client.post(f"/trash/{entry.id}/restore").status_code == 403
    assert client.post(f"/trash/{entry_id}/purge").status_code == 303
    assert db.session.get(DeletedRecord, entry_id) is None
    assert uploads.read("attachments", stored) is None
    (event,) = audit_events("trash.purged")
    assert (event.entity, event.record_id, event.user_id) == ("deleted_record", entry_id, admin.id)
    assert client.post(f"/trash/{entry_id}/purge").status_code == 404
    chain_holds(runner)


def test_purge_before_a_day_from_the_command_line(app, runner, client, liaison, reception, court):
    stored = db.session.scalar(select(Attachment.stored_name))
    client.post(f"/reception/{reception.id}/delete")
    entry = entry_of("reception")
    entry.deleted_at = utcnow() - timedelta(days=40)
    recent = DeletedRecord(court_id=court.id, kind="duty_term", label="届期：近来删除", rows=[], files=[])
    db.session.add(recent)
    db.session.commit()
    result = runner.invoke(args=["trash", "purge", "--before", (clock.today() - timedelta(days=30)).isoformat()])
    assert result.exit_code == 0, result.output
    assert "1 条" in result.output
    assert db.session.scalars(select(DeletedRecord.label)).all() == ["届期：近来删除"]
    assert uploads.read("attachments", stored) is None
    (event,) = audit_events("trash.purged")
    assert event.actor == "system" and event.user_id is None
    assert runner.invoke(args=["trash", "purge", "--before", "2025-13-01"]).exit_code != 0
    chain_holds(runner)


# --- who sees what --------------------------------------------------------------------------------------------------

def test_another_courts_staff_neither_see_nor_restore_an_entry(client, court, make_court, make_user, reception):
    liaison = make_user(Role.LIAISON)
    log_in(client, liaison.username)
    client.post(f"/reception/{reception.id}/delete")
    entry = entry_of("reception")
    other = make_court(code="other", name="另一中级人民法院")
    switch_to(client, make_user(Role.LIAISON, court=other))
    assert "来访接待：张三" not in text(client.get("/trash/"))
    assert client.post(f"/trash/{entry.id}/restore").status_code == 404
    switch_to(client, make_user(Role.LIAISON, admin_duty=Duty.SYSTEM, court=other))
    assert client.post(f"/trash/{entry.id}/purge").status_code == 404
    assert db.session.get(DeletedRecord, entry.id) is not None


def test_the_intermediate_courts_liaison_sees_the_basic_courts_bin(client, court, make_court, make_user):
    basic = make_court(code="basic", name="某某区人民法院", parent=court)
    entry = DeletedRecord(court_id=basic.id, kind="reception", label="区法院的接待", rows=[], files=[])
    db.session.add(entry)
    db.session.commit()
    log_in(client, make_user(Role.LIAISON).username)
    assert "区法院的接待" in text(client.get("/trash/?scope=lower"))
    switch_to(client, make_user(Role.LIAISON, court=basic))
    assert "区法院的接待" in text(client.get("/trash/"))


def test_deputies_never_see_the_bin(client, login_as):
    login_as(Role.DEPUTY)
    assert client.get("/trash/").status_code == 403
    page = text(client.get("/"))
    assert "/trash/" not in page


def test_leaders_see_the_bin_but_do_not_restore(client, login_as, reception):
    entry = DeletedRecord(court_id=reception.court_id, kind="reception", label="某次接待", rows=[], files=[])
    db.session.add(entry)
    db.session.commit()
    login_as(Role.LEADER)
    page = text(client.get("/trash/"))
    assert "某次接待" in page and "恢复</button>" not in page
    assert client.post(f"/trash/{entry.id}/restore").status_code == 403


def test_the_bin_is_paged(app, client, liaison, court):
    app.config["PAGE_SIZE"] = 2
    for n in range(5):
        db.session.add(DeletedRecord(court_id=court.id, kind="reception", label=f"第{n}条", rows=[], files=[],
                                     deleted_at=utcnow() - timedelta(minutes=n)))
    db.session.commit()
    page = text(client.get("/trash/"))
    assert "共 <strong>5</strong> 条" in page and "第0条" in page and "第2条" not in page and "下一页" in page


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_restore_needs_the_pages_csrf_token(client, reception, make_user):
    liaison = make_user(Role.LIAISON)
    page = text(client.get("/login"))
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"username": liaison.username, "password": "Passw0rd-test", "csrf_token": token})
    with current_app.test_request_context(method="POST"):
        delete_reception(db.session.get(Reception, reception.id))
        db.session.commit()
    entry = entry_of("reception")
    assert client.post(f"/trash/{entry.id}/restore").status_code == 400
    bin_page = text(client.get("/trash/"))
    token = bin_page.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post(f"/trash/{entry.id}/restore", data={"csrf_token": token}).status_code == 303


# --- what the bin keeps --------------------------------------------------------------------------------------------

WIRED = ["reception", "activity", "activity_opinion", "duty_term", "duty_session", "duty_rectification",
         "hearing_opinion", "survey", "newsletter", "attachment"]


def test_every_row_that_goes_with_a_wired_record_is_kept(app):
    """No foreign key into a kept table drops or nulls rows the bin would not keep."""
    kept, todo = set(), list(WIRED)
    while todo:
        name = todo.pop()
        if name not in kept:
            kept.add(name)
            todo += [child for child, _ in trash.dependents(name)]
    for table in db.metadata.sorted_tables:
        for constraint in table.foreign_key_constraints:
            if constraint.referred_table.name in kept:
                assert (constraint.ondelete or "").upper() == "CASCADE", (table.name, constraint.referred_table.name)
                assert table.name in kept, table.name


def test_values_of_every_type_survive_the_round_trip(app):
    from decimal import Decimal

    from sqlalchemy import Column, Date, DateTime, Integer, LargeBinary, MetaData, Numeric, Table

    from portal.models import UTCDateTime

    table = Table("t", MetaData(), Column("id", Integer, primary_key=True), Column("d", Date), Column("dt", DateTime),
                  Column("u", UTCDateTime), Column("n", Numeric(10, 2)), Column("b", LargeBinary),
                  Column("e", Reception.__table__.c.channel.type))
    values = {"id": 1, "d": date(2025, 3, 1), "dt": datetime(2025, 3, 1, 8, 0),
              "u": datetime(2025, 3, 1, 8, 0, tzinfo=timezone.utc), "n": Decimal("1.50"), "b": b"\x00\xff",
              "e": Channel.PHONE}
    encoded = {k: trash._encode(v) for k, v in values.items()}
    import json

    again = {k: trash._decode(table.c[k], v) for k, v in json.loads(json.dumps(encoded)).items()}
    assert again == values
