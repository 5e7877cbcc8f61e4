"""Pairing: each leader's paired people with their last contact, flagged after a quarter without one."""
from datetime import timedelta

import pytest

from portal import clock
from portal.auth.models import Role
from portal.extensions import db
from portal.notices.models import Channel, Message, MessageState

from .conftest import log_in


def _sent(deputy, court, days_ago: int) -> None:
    db.session.add(Message(court_id=court.id, channel=Channel.SMS, deputy_id=deputy.id, address=deputy.mobile,
                           body="问候", state=MessageState.SENT, sent_at=clock.now() - timedelta(days=days_ago)))
    db.session.commit()


@pytest.fixture
def pairs(court, make_user, make_deputy):
    leader = make_user(Role.LEADER, display_name="王院长")
    recent = make_deputy(name="近期", paired_leader_id=leader.id)
    stale = make_deputy(name="久未", paired_leader_id=leader.id)
    never = make_deputy(name="从未", paired_leader_id=leader.id)
    make_deputy(name="未结对")
    _sent(recent, court, 3)
    _sent(stale, court, 120)
    return leader, recent, stale, never


def test_a_leader_sees_who_is_overdue_first(pairs, client):
    leader, recent, stale, never = pairs
    log_in(client, leader.username)
    page = client.get("/pairing/mine").get_data(as_text=True)
    assert page.index("从未") < page.index("久未") < page.index("近期")
    assert page.count("超期未联系</span>") == 2 and "无记录" in page
    assert (clock.today() - timedelta(days=3)).isoformat() in page


def test_the_liaison_office_sees_every_leaders_coverage(pairs, client, make_user):
    leader, *_ = pairs
    log_in(client, make_user(Role.LIAISON).username)
    page = client.get("/pairing/").get_data(as_text=True)
    row = page[page.index("王院长"):]
    row = row[:row.index("</tr>")]
    assert [cell.split("<")[0] for cell in row.split('class="text-end')[1:]] == ['">3', '">1', ' text-danger fw-bold">2']
    assert "<strong>1</strong> 位在任代表委员尚未结对" in page
    assert "久未" in client.get(f"/pairing/leader/{leader.id}").get_data(as_text=True)


def test_each_role_reaches_only_its_pairing_pages(pairs, app, client, make_user, make_court, make_deputy):
    leader, *_ = pairs
    log_in(client, leader.username)
    assert client.get("/pairing/").status_code == 403
    assert client.get(f"/pairing/leader/{leader.id}").status_code == 403
    other_court = make_court(code="other", name="另一中级人民法院")
    outsider = make_user(Role.LIAISON, court=other_court)
    client = app.test_client()
    log_in(client, outsider.username)
    assert client.get(f"/pairing/leader/{leader.id}").status_code == 404
    assert "王院长" not in client.get("/pairing/").get_data(as_text=True)
    client = app.test_client()
    log_in(client, make_user(Role.DEPUTY, deputy=make_deputy()).username)
    assert client.get("/pairing/mine").status_code == 403


def test_a_visit_or_an_activity_is_a_contact_too(pairs, client, court):
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
