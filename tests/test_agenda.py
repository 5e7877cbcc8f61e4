"""The work calendar: what each role sees by month and week, the .ics download and the private feed."""
from datetime import datetime, timedelta

import pytest
from icalendar import Calendar

from portal import clock
from portal.auth.models import Duty, Role
from portal.extensions import db
from portal.hearings.models import CaseType, Hearing, HearingInvitation, InvitationStatus

from .conftest import log_in


def _hearing(court, day, hour=9, **kw) -> Hearing:
    starts = clock.from_local(datetime.combine(day, datetime.min.time()).replace(hour=hour))
    hearing = Hearing(court_id=court.id, case_number=kw.pop("case_number", "（2026）测01民初1号"), cause="买卖合同纠纷",
                      case_type=CaseType.CIVIL, presiding_judge="审判长", court_room="第三法庭", starts_at=starts,
                      ends_at=starts + timedelta(hours=2), **kw)
    db.session.add(hearing)
    db.session.commit()
    return hearing


@pytest.fixture
def calendar(court, make_court, make_deputy):
    day = clock.today().replace(day=15)
    ours = _hearing(court, day, case_number="（2026）测01民初7号")
    other = make_court(code="far", name="远方中级人民法院")
    _hearing(other, day, case_number="（2026）远01民初9号")
    deputy = make_deputy()
    ours.invitations.append(HearingInvitation(deputy_id=deputy.id, status=InvitationStatus.ACCEPTED))
    db.session.commit()
    return day, ours, deputy


def test_staff_see_their_courts_hearings_by_month_and_week(calendar, client, make_user):
    day, ours, _ = calendar
    log_in(client, make_user(Role.LIAISON).username)
    month = client.get(f"/agenda/?date={day.isoformat()}").get_data(as_text=True)
    assert "（2026）测01民初7号" in month and "（2026）远01民初9号" not in month
    assert f"{day.year}年{day.month}月" in month
    week = client.get(f"/agenda/?view=week&date={day.isoformat()}").get_data(as_text=True)
    assert "（2026）测01民初7号" in week and "第三法庭" in week
    far_week = client.get(f"/agenda/?view=week&date={(day + timedelta(days=21)).isoformat()}").get_data(as_text=True)
    assert "测01民初7号" not in far_week and "这段时间没有安排" in far_week


def test_a_busy_day_shows_its_first_entries_and_opens_its_week_for_the_rest(calendar, client, make_user, court):
    day, *_ = calendar
    for n in range(5):  # six hearings on the day in all
        _hearing(court, day, hour=10 + n, case_number=f"（2026）测01民初{100 + n}号")
    log_in(client, make_user(Role.LIAISON).username)
    month = client.get(f"/agenda/?date={day.isoformat()}").get_data(as_text=True)
    grid, phone_list = month.split('class="agenda-list', 1)
    for shown in (grid, phone_list):  # the grid and the phone's list alike
        assert "（2026）测01民初7号" in shown and "（2026）测01民初102号" in shown
        assert "（2026）测01民初103号" not in shown and "另有 2 项 ›" in shown
    assert f"/agenda/?date={day.isoformat()}&amp;view=week" in month or f"view=week&amp;date={day.isoformat()}" in month
    week = client.get(f"/agenda/?view=week&date={day.isoformat()}").get_data(as_text=True)
    assert all(f"（2026）测01民初{100 + n}号" in week for n in range(5)) and "另有" not in week


def test_the_ics_holds_what_is_shown(calendar, client, make_user):
    day, ours, _ = calendar
    log_in(client, make_user(Role.LIAISON).username)
    response = client.get(f"/agenda/calendar.ics?date={day.isoformat()}")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    events = Calendar.from_ical(response.data).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["【庭审】（2026）测01民初7号 买卖合同纠纷"]
    assert events[0].decoded("dtstart") == clock.to_local(ours.starts_at)
    assert str(events[0]["location"]) == "第三法庭"
    none = client.get(f"/agenda/calendar.ics?date={day.isoformat()}&kind=nothing-known").data
    assert len(Calendar.from_ical(none).walk("VEVENT")) == 1  # an unknown kind is ignored, not an empty filter


def test_a_deputy_sees_only_the_hearings_they_are_invited_to(calendar, app, make_user, make_deputy):
    day, ours, deputy = calendar
    invited, stranger = app.test_client(), app.test_client()
    log_in(invited, make_user(Role.DEPUTY, deputy=deputy).username)
    log_in(stranger, make_user(Role.DEPUTY, deputy=make_deputy()).username)
    assert "测01民初7号" in invited.get(f"/agenda/?date={day.isoformat()}").get_data(as_text=True)
    assert "测01民初7号" not in stranger.get(f"/agenda/?date={day.isoformat()}").get_data(as_text=True)


def test_a_private_feed_works_without_login_until_renewed_or_revoked(calendar, app, client, make_user):
    user = make_user(Role.LIAISON)
    log_in(client, user.username)
    assert client.post("/agenda/feed").status_code == 303
    page = client.get("/agenda/feed").get_data(as_text=True)
    address = page.split('id="feed-address" readonly value="')[1].split('"')[0]
    path = address.replace("http://localhost", "")
    anonymous = app.test_client()
    feed = anonymous.get(path)
    assert feed.status_code == 200 and "测01民初7号" in feed.get_data(as_text=True)
    client.post("/agenda/feed")  # a new address: the old one stops working
    assert anonymous.get(path).status_code == 404
    new_path = client.get("/agenda/feed").get_data(as_text=True).split('readonly value="')[1].split('"')[0]
    new_path = new_path.replace("http://localhost", "")
    assert anonymous.get(new_path).status_code == 200

    admin = app.test_client()
    log_in(admin, make_user(Duty.SECURITY).username)
    assert user.display_name in admin.get("/agenda/feeds").get_data(as_text=True)
    assert admin.post(f"/agenda/feeds/{user.id}/revoke").status_code == 303
    assert anonymous.get(new_path).status_code == 404
    assert client.post(f"/agenda/feeds/{user.id}/revoke").status_code == 403  # only the security administrator revokes others'
    assert anonymous.get("/agenda/feed/guessed.ics").status_code == 404


def test_sessions_activities_and_deadlines_join_the_hearings(calendar, client, make_user, make_deputy, court):
    from portal.activities.models import Activity, ActivityDeputy, ActivityKind
    from portal.duty.models import DutySession
    from portal.items.models import ItemKind, ItemState
    from portal.items.services import create_item
    from portal.register.models import DeputyLevel

    day, _, deputy = calendar
    db.session.add(DutySession(court_id=court.id, year=day.year, level=DeputyLevel.CITY, term="第十六届",
                               group_name="城区代表组", held_on=day, place="街道会议室"))
    activity = Activity(court_id=court.id, held_on=day, kind=ActivityKind.FORUM, title="代表委员座谈会",
                        place="联络之家")
    activity.deputy_links = [ActivityDeputy(deputy_id=deputy.id)]
    db.session.add(activity)
    item = create_item(court_id=court.id, kind=ItemKind.LETTER, title="关于执行款发放的来信", content="来信")
    item.state, item.deadline = ItemState.ASSIGNED, day
    db.session.commit()
    log_in(client, make_user(Role.LIAISON).username)
    week = client.get(f"/agenda/?view=week&date={day.isoformat()}").get_data(as_text=True)
    for text in ("城区代表组代表述职会", "代表委员座谈会", "关于执行款发放的来信", "测01民初7号"):
        assert text in week, text
    only = client.get(f"/agenda/?view=week&date={day.isoformat()}&kind=activity").get_data(as_text=True)
    assert "代表委员座谈会" in only and "测01民初7号" not in only and "代表述职会" not in only
