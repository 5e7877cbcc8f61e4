"""Pairing: leaders paired with people since a day (several leaders at once, across court levels), each leader's
paired people with their last contact, flagged after a quarter without one, and every leader's coverage."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from portal import clock
from portal.audit import AuditLog
from portal.auth.models import Role
from portal.extensions import db
from portal.notices.models import Channel, Message, MessageState
from portal.register.models import DeputyLevel, DeputyStatus, Pairing
from tests.conftest import sql_statements

from .conftest import log_in, make_app


def _sent(deputy, court, days_ago: int) -> None:
    db.session.add(Message(court_id=court.id, channel=Channel.SMS, deputy_id=deputy.id, address=deputy.mobile,
                           body="问候", state=MessageState.SENT, sent_at=clock.now() - timedelta(days=days_ago)))
    db.session.commit()


def _cells(page: str, name: str) -> list[str]:
    """The numbers of a leader's row of the coverage table."""
    row = page[page.index(f">{name}</a>"):]
    return re.findall(r'class="text-end[^"]*">(\d+)<', row[:row.index("</tr>")])


@pytest.fixture
def pairs(court, make_user, make_deputy):
    leader = make_user(Role.LEADER, display_name="王院长")
    recent = make_deputy(name="近期", paired_with=leader)
    stale = make_deputy(name="久未", paired_with=leader)
    never = make_deputy(name="从未", paired_with=leader)
    make_deputy(name="未结对")
    _sent(recent, court, 3)
    _sent(stale, court, 120)
    return leader, recent, stale, never


@pytest.fixture
def three_level(court, make_court, make_user, make_deputy):
    """A provincial deputy living in a county, paired with the intermediate court's vice-president and the
    county's basic court president."""
    basic = make_court(code="b1", name="某某县人民法院", parent=court)
    vp = make_user(Role.LEADER, display_name="中院李副院长")
    president = make_user(Role.LEADER, display_name="县法院赵院长", court=basic)
    deputy = make_deputy(name="省代表", level=DeputyLevel.PROVINCIAL, paired_with=[vp, president])
    make_deputy(name="县代表", level=DeputyLevel.COUNTY, paired_with=president)
    make_deputy(name="未结对省代表", level=DeputyLevel.PROVINCIAL)
    return basic, vp, president, deputy


def test_a_leader_sees_who_is_overdue_first(pairs, client):
    leader, recent, stale, never = pairs
    log_in(client, leader.username)
    page = client.get("/pairing/mine").get_data(as_text=True)
    assert page.index("从未") < page.index("久未") < page.index("近期")
    assert page.count("超期未联系</span>") == 2 and "无记录" in page
    assert (clock.today() - timedelta(days=3)).isoformat() in page
    assert (clock.today() - timedelta(days=30)).isoformat() in page  # since when
    assert "保存结对" not in page and "结束</button>" not in page  # the office pairs, not the leader


def test_the_liaison_office_sees_every_leaders_coverage(pairs, client, make_user):
    leader, *_ = pairs
    log_in(client, make_user(Role.LIAISON).username)
    page = client.get("/pairing/").get_data(as_text=True)
    assert _cells(page, "王院长") == ["3", "0", "1", "2"]  # paired, of them provincial, in contact, overdue
    assert "有 <strong>1</strong> 位在任代表委员尚未与任何院领导结对" in page
    assert "久未" in client.get(f"/pairing/leader/{leader.id}").get_data(as_text=True)


def test_three_level_pairs_count_for_each_leader_across_the_court_scope(three_level, app, client, make_user):
    basic, vp, president, deputy = three_level
    log_in(client, make_user(Role.LIAISON).username)
    page = client.get("/pairing/").get_data(as_text=True)
    assert "某某市中级人民法院（含下级法院）" in page
    assert _cells(page, "中院李副院长") == ["1", "1", "0", "1"]
    assert _cells(page, "县法院赵院长") == ["2", "1", "0", "2"]
    assert "某某县人民法院" in page
    assert "尚未与任何院领导结对，其中省级以上 <strong>1</strong> 位" in page
    own = client.get("/pairing/?scope=own")
    assert "县法院赵院长" not in own.get_data(as_text=True)
    detail = client.get(f"/register/{deputy.id}").get_data(as_text=True)
    assert "中院李副院长" in detail and "县法院赵院长" in detail
    client = app.test_client()
    log_in(client, president.username)
    assert "省代表" in client.get("/pairing/mine").get_data(as_text=True)


def test_a_basic_courts_liaison_sees_only_its_leaders(three_level, client, make_user):
    basic, vp, president, _ = three_level
    log_in(client, make_user(Role.LIAISON, court=basic).username)
    page = client.get("/pairing/").get_data(as_text=True)
    assert "县法院赵院长" in page and "中院李副院长" not in page
    assert client.get(f"/pairing/leader/{vp.id}").status_code == 404


def test_the_office_pairs_people_from_a_day_audited(three_level, client, make_user, make_deputy):
    basic, vp, president, deputy = three_level
    other = make_deputy(name="新代表")
    log_in(client, make_user(Role.LIAISON).username)
    since = (clock.today() - timedelta(days=200)).isoformat()
    response = client.post(f"/pairing/leader/{vp.id}", data={"deputy_ids": [other.id], "since": since})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已将新代表与中院李副院长结对" in page and since in page
    pairing = db.session.scalar(select(Pairing).where(Pairing.deputy_id == other.id))
    assert pairing.leader_id == vp.id and pairing.since.isoformat() == since
    entry = db.session.scalar(select(AuditLog).where(AuditLog.entity == "deputy_pairing",
                                                     AuditLog.record_id == pairing.id))
    assert entry is not None and entry.user_id is not None


def test_pairing_twice_or_in_the_future_is_refused_with_what_was_typed(three_level, client, make_user, make_deputy):
    basic, vp, president, deputy = three_level
    other = make_deputy(name="新代表")
    log_in(client, make_user(Role.LIAISON).username)
    response = client.post(f"/pairing/leader/{vp.id}", data={"deputy_ids": [deputy.id, other.id],
                                                            "since": clock.today().isoformat()})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "省代表已与中院李副院长结对" in page
    assert f'name="deputy_ids" value="{other.id}"' in page  # the chips picked are still there
    future = (clock.today() + timedelta(days=1)).isoformat()
    response = client.post(f"/pairing/leader/{vp.id}", data={"deputy_ids": [other.id], "since": future})
    assert response.status_code == 422 and "不能晚于今天" in response.get_data(as_text=True)
    response = client.post(f"/pairing/leader/{vp.id}", data={"since": "2025-13-01"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "不是有效的日期值" in page
    assert db.session.scalar(select(Pairing).where(Pairing.deputy_id == other.id)) is None


def test_ending_a_pairing_keeps_it_on_record(three_level, client, make_user):
    basic, vp, president, deputy = three_level
    pairing = db.session.scalar(select(Pairing).where(Pairing.leader_id == vp.id))
    log_in(client, make_user(Role.LIAISON).username)
    too_early = (pairing.since - timedelta(days=1)).isoformat()
    response = client.post(f"/pairing/{pairing.id}/end", data={"ended_on": too_early})
    assert response.status_code == 422 and "结束日期应在结对日期" in response.get_data(as_text=True)
    response = client.post(f"/pairing/{pairing.id}/end", data={"ended_on": clock.today().isoformat()})
    assert response.status_code == 303
    page = client.get(f"/pairing/leader/{vp.id}").get_data(as_text=True)
    assert "已结束的结对" in page and "暂无结对的在任代表委员" in page
    detail = client.get(f"/register/{deputy.id}").get_data(as_text=True)
    assert "中院李副院长" not in detail and "县法院赵院长" in detail
    assert client.post(f"/pairing/{pairing.id}/end",
                       data={"ended_on": clock.today().isoformat()}).status_code == 422  # already ended


def test_a_person_who_left_office_is_no_longer_counted(pairs, client, make_user):
    leader, recent, *_ = pairs
    recent.mandates[0].status = DeputyStatus.RETIRED
    recent.mandates[0].left_on = clock.today()
    db.session.commit()
    log_in(client, make_user(Role.LIAISON).username)
    assert _cells(client.get("/pairing/").get_data(as_text=True), "王院长")[0] == "2"
    assert "已离任" in client.get(f"/pairing/leader/{leader.id}").get_data(as_text=True)


def test_each_role_reaches_only_its_pairing_pages(pairs, app, client, make_user, make_court, make_deputy):
    leader, recent, *_ = pairs
    pairing = db.session.scalar(select(Pairing).where(Pairing.deputy_id == recent.id))
    log_in(client, leader.username)
    assert client.get("/pairing/").status_code == 403
    assert client.get(f"/pairing/leader/{leader.id}").status_code == 403
    assert client.post(f"/pairing/{pairing.id}/end", data={"ended_on": clock.today().isoformat()}).status_code == 403
    other_court = make_court(code="other", name="另一中级人民法院")
    outsider = make_user(Role.LIAISON, court=other_court)
    client = app.test_client()
    log_in(client, outsider.username)
    assert client.get(f"/pairing/leader/{leader.id}").status_code == 404
    assert client.post(f"/pairing/leader/{leader.id}", data={"deputy_ids": [recent.id],
                                                             "since": "2025-01-01"}).status_code == 404
    assert client.post(f"/pairing/{pairing.id}/end", data={"ended_on": clock.today().isoformat()}).status_code == 404
    assert "王院长" not in client.get("/pairing/").get_data(as_text=True)
    client = app.test_client()
    log_in(client, make_user(Role.DEPUTY, deputy=make_deputy()).username)
    assert client.get("/pairing/mine").status_code == 403


def test_a_visit_or_an_activity_is_a_contact_too(pairs, client, court, make_user):
    from datetime import datetime, timezone

    from portal.activities.models import Activity, ActivityDeputy, ActivityKind
    from portal.reception.models import Channel as ReceptionChannel
    from portal.reception.models import Reception, ReceptionDeputy

    leader, recent, stale, never = pairs
    visit = Reception(court_id=court.id, received_at=datetime.now(timezone.utc) - timedelta(days=10),
                      channel=ReceptionChannel.VISIT, subject="反映执行难")
    visit.deputy_links = [ReceptionDeputy(deputy_id=stale.id)]
    outing = Activity(court_id=court.id, held_on=clock.today() - timedelta(days=20), kind=ActivityKind.VISIT,
                      title="走访代表")
    outing.deputy_links = [ActivityDeputy(deputy_id=never.id)]
    db.session.add_all([visit, outing])
    db.session.commit()
    log_in(client, leader.username)
    page = client.get("/pairing/mine").get_data(as_text=True)
    assert "超期未联系</span>" not in page
    assert "来访接待" in page and "联络活动" in page
    client.post("/logout")
    log_in(client, make_user(Role.LIAISON).username)
    assert _cells(client.get("/pairing/").get_data(as_text=True), "王院长") == ["3", "0", "3", "0"]


def test_coverage_counts_an_attended_hearing_and_not_a_future_activity(pairs, client, court, make_user):
    from datetime import datetime, timezone

    from portal.activities.models import Activity, ActivityDeputy, ActivityKind
    from portal.hearings.models import CaseType, Hearing, HearingInvitation, InvitationStatus

    leader, recent, stale, never = pairs
    held = datetime.now(timezone.utc) - timedelta(days=5)
    hearing = Hearing(court_id=court.id, case_number="（2026）云01民初1号", cause="合同纠纷", case_type=CaseType.CIVIL,
                      presiding_judge="审判长", court_room="第一法庭", starts_at=held, ends_at=held + timedelta(hours=2))
    hearing.invitations = [HearingInvitation(deputy_id=stale.id, status=InvitationStatus.ATTENDED)]
    coming = Activity(court_id=court.id, held_on=clock.today() + timedelta(days=3), kind=ActivityKind.VISIT,
                      title="下周走访")
    coming.deputy_links = [ActivityDeputy(deputy_id=never.id)]
    db.session.add_all([hearing, coming])
    db.session.commit()
    log_in(client, make_user(Role.LIAISON).username)
    assert _cells(client.get("/pairing/").get_data(as_text=True), "王院长") == ["3", "0", "2", "1"]


def test_pages_take_the_same_queries_whatever_the_number_of_pairs(court, client, make_user, make_deputy):
    liaison = make_user(Role.LIAISON)
    leaders = [make_user(Role.LEADER, display_name=f"院领导{n}") for n in range(2)]
    make_deputy(paired_with=leaders)
    log_in(client, liaison.username)

    def count_queries(url: str) -> int:
        with sql_statements() as sent:
            assert client.get(url).status_code == 200
        return len(sent)

    urls = ["/pairing/", f"/pairing/leader/{leaders[0].id}"]
    few = [count_queries(url) for url in urls]
    leaders += [make_user(Role.LEADER, display_name=f"院领导{n}") for n in range(2, 6)]
    for n in range(8):
        make_deputy(paired_with=leaders[n % 6:n % 6 + 2], level=DeputyLevel.PROVINCIAL if n % 2 else DeputyLevel.CITY)
    assert [count_queries(url) for url in urls] == few


@pytest.mark.skipif(make_app().config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"),
                    reason="migrates a database of its own, on SQLite (PostgreSQL: upgraded by hand on a demo)")
def test_migration_carries_each_paired_leader_over_and_keeps_the_search(tmp_path):
    from flask_migrate import upgrade

    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/old.db")
    with app.app_context():
        directory = app.extensions["migrate"].directory
        upgrade(directory=directory, revision="0014")
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO court (id, name, code, level) VALUES (1, '法院', 'c', 'intermediate')"))
            connection.execute(text(
                "INSERT INTO user (id, username, display_name, role, court_id, phone, active, password_hash,"
                " session_token) VALUES (1, 'wang', '王院长', 'leader', 1, '', 1, 'x', 'x')"))
            for n, leader in ((1, "1"), (2, "NULL")):
                connection.execute(text(
                    "INSERT INTO deputy (id, name, name_pinyin, name_initials, gender, level_rank, work_unit, post,"
                    " mobile, email, address, court_roles, note, paired_leader_id, created_at) VALUES "
                    f"({n}, '代表{n}', '', '', 'male', 1, '某单位', '', '1380000000{n}', '', '', '', '', {leader},"
                    " '2025-03-01 02:00:00')"))
        upgrade(directory=directory, revision="heads")

        pairings = list(db.session.scalars(select(Pairing)))
        assert [(p.deputy_id, p.leader_id, p.since.isoformat(), p.ended_on) for p in pairings] == [
            (1, 1, "2025-03-01", None)]
        found = db.session.execute(text("SELECT rowid FROM deputy_fts WHERE deputy_fts MATCH '\"13800000002\"'"))
        assert [r[0] for r in found] == [2]
        db.session.execute(text("UPDATE deputy SET mobile = '13900000009' WHERE id = 2"))  # the triggers are back
        found = db.session.execute(text("SELECT rowid FROM deputy_fts WHERE deputy_fts MATCH '\"13900000009\"'"))
        assert [r[0] for r in found] == [2]


def test_pairings_are_kept_on_the_pairing_pages_only(pairs, client, make_user):
    """One way to pair: the register's form has no leader field any more, and one posted to it is ignored."""
    leader, recent, *_ = pairs
    log_in(client, make_user(Role.LIAISON).username)
    form = client.get(f"/register/{recent.id}/edit").get_data(as_text=True)
    assert "paired_leader" not in form and "结对院领导" not in form
    other = make_user(Role.LEADER, display_name="另一院领导")
    version = re.search(r'name="version"[^>]*value="(\d+)"', form).group(1)
    response = client.post(f"/register/{recent.id}/edit", data={
        "name": recent.name, "gender": "male", "mobile": recent.mobile, "version": version,
        "paired_leader_id": other.id})
    assert response.status_code == 303
    assert [p.leader_id for p in db.session.scalars(select(Pairing).where(Pairing.deputy_id == recent.id))] == [
        leader.id]
    assert "王院长" in client.get(f"/register/{recent.id}").get_data(as_text=True)
    assert "王院长" in client.get("/register/").get_data(as_text=True)
