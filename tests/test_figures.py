"""The dashboard's figures (portal/figures): every figure against records counted by hand, in two courts (the
intermediate court and a basic court below it) and per court, with a third court whose records must not leak in;
each figure's link lists exactly the records counted; the "as of" day; constant queries; the page and htmx."""
import re
from datetime import date, datetime, time, timedelta

import pytest
from flask import current_app

from portal import clock, periods
from portal.activities.models import Activity, ActivityDeputy, ActivityKind
from portal.auth.models import CourtLevel, Role
from portal.duty.models import DutyReport, DutyTerm, ReportKind, ReportState
from portal.extensions import db
from portal.figures.definitions import Court as Column
from portal.figures.definitions import Scope, percent
from portal.hearings.models import CaseType, Hearing, HearingInvitation, HearingStatus, InvitationStatus
from portal.items.models import Item, ItemKind, ItemState, Rating
from portal.notices.models import Channel as MessageChannel
from portal.notices.models import Message, MessageState, Newsletter
from portal.reception.models import Channel, Reception, ReceptionDeputy
from portal.register.models import DeputyKind, DeputyLevel
from tests.conftest import log_in, sql_statements

YEAR = clock.today().year - 1  # a year that is over: its figures are read "as of" 31 December


def at(day: date, hour: int = 10) -> datetime:
    """A moment of that day in the court's time."""
    return clock.from_local(datetime.combine(day, time(hour)))


def d(month: int, day: int, year: int = YEAR) -> date:
    return date(year, month, day)


@pytest.fixture
def world(app, court, make_court, make_user, make_deputy, make_department):
    """Court A (intermediate), B (basic, below A) and C (another city's, which A's staff do not see), each with
    items, visits, hearings, activities, duty reports and messages of YEAR, plus a few outside it."""
    b = make_court(code="b", name="某某区人民法院", parent=court, level=CourtLevel.BASIC)
    c = make_court(code="c", name="另一市中级人民法院")
    civil, b_civil, c_civil = make_department("民一庭"), make_department("民一庭", court=b), make_department(
        "民一庭", court=c)
    d1, d3 = make_deputy(name="甲代表"), make_deputy(name="丙代表")
    d2 = make_deputy(name="乙委员", kind=DeputyKind.CPPCC, group_name="经济界")
    d4 = make_deputy(name="丁代表")  # reports to court C (a report is one per person and year)
    numbers = iter(range(1, 100))

    def item(court_, title, kind, received, department, *, deadline=None, answered=None, closed=None,
             rating=None, rated=None):
        row = Item(court_id=court_.id, number=f"T-{next(numbers)}", kind=kind, title=title, received_on=received,
                   department_id=department.id, deadline=deadline, answered_on=answered,
                   answered_at=at(answered) if answered else None, closed_at=at(closed) if closed else None,
                   rating=rating, rated_at=at(rated) if rated else None,
                   state=ItemState.CLOSED if closed else (ItemState.ANSWERED if answered else ItemState.ASSIGNED))
        db.session.add(row)
        return row

    # A: 5 received in YEAR (closed 1, 2, 5; on time 1, 5; rated 1, 2, 5, satisfied 1, 2; overdue 4), 1 before it
    item(court, "甲院建议按期", ItemKind.SUGGESTION, d(3, 1), civil, deadline=d(4, 1), answered=d(3, 20),
         closed=d(3, 25), rating=Rating.SATISFIED, rated=d(3, 25))
    item(court, "甲院提案逾期", ItemKind.PROPOSAL, d(4, 1), civil, deadline=d(5, 1), answered=d(5, 10),
         closed=d(5, 15), rating=Rating.BASICALLY, rated=d(5, 15))
    item(court, "甲院来信次年办结", ItemKind.LETTER, d(6, 1), civil, deadline=d(7, 1), answered=d(12, 20),
         closed=d(1, 10, YEAR + 1), rating=Rating.SATISFIED, rated=d(1, 10, YEAR + 1))
    item(court, "甲院交办件超期", ItemKind.REFERRAL, d(7, 1), civil, deadline=d(8, 1))
    item(court, "甲院关注案件不满意", ItemKind.CONCERNED_CASE, d(8, 1), civil, deadline=d(9, 1), answered=d(8, 20),
         closed=d(8, 25), rating=Rating.UNSATISFIED, rated=d(8, 24))
    item(court, "甲院上年建议", ItemKind.SUGGESTION, d(12, 15, YEAR - 1), civil)
    # B: 2 received (closed on time and satisfied 7; overdue 8)
    item(b, "乙院建议", ItemKind.SUGGESTION, d(3, 5), b_civil, deadline=d(4, 5), answered=d(3, 30), closed=d(4, 1),
         rating=Rating.SATISFIED, rated=d(4, 1))
    item(b, "乙院来信超期", ItemKind.LETTER, d(9, 1), b_civil, deadline=d(10, 1))
    item(c, "丙院建议", ItemKind.SUGGESTION, d(3, 1), c_civil, closed=d(3, 9), rating=Rating.SATISFIED, rated=d(3, 9))

    def visit(court_, subject, day, deputies, others=0):
        reception = Reception(court_id=court_.id, received_at=at(day), channel=Channel.VISIT, subject=subject,
                              other_count=others, other_visitors="、".join(["群众"] * others))
        reception.deputy_links = [ReceptionDeputy(deputy_id=p.id) for p in deputies]
        db.session.add(reception)

    visit(court, "甲院首次来访", d(3, 10), [d1, d2], others=1)  # 3 人次: 1 deputy, 1 member, 1 other
    visit(court, "甲院再次来访", d(4, 10), [d1])  # the same deputy again: one more 人次
    visit(court, "甲院上年来访", d(12, 10, YEAR - 1), [d1])
    visit(b, "乙院来访", d(5, 10), [d3])
    visit(c, "丙院来访", d(5, 10), [d1, d3])

    def hearing(court_, number, day, status, invitations):
        row = Hearing(court_id=court_.id, case_number=number, cause="民间借贷纠纷", case_type=CaseType.CIVIL,
                      presiding_judge="李明", court_room="第一法庭", starts_at=at(day, 9), ends_at=at(day, 11),
                      status=status)
        row.invitations = [HearingInvitation(deputy_id=p.id, status=s) for p, s in invitations]
        db.session.add(row)

    hearing(court, f"（{YEAR}）某01民初1号", d(3, 15), HearingStatus.HELD,
            [(d1, InvitationStatus.ATTENDED), (d2, InvitationStatus.DECLINED), (d3, InvitationStatus.ABSENT)])
    hearing(court, f"（{YEAR}）某01民初2号", d(4, 15), HearingStatus.CANCELLED, [(d1, InvitationStatus.ACCEPTED)])
    hearing(b, f"（{YEAR}）某0102民初3号", d(6, 15), HearingStatus.HELD,
            [(d1, InvitationStatus.ATTENDED), (d2, InvitationStatus.ATTENDED)])
    hearing(c, f"（{YEAR}）某02民初4号", d(6, 15), HearingStatus.HELD, [(d1, InvitationStatus.ATTENDED)])

    def activity(court_, title, day, kind, deputies):
        row = Activity(court_id=court_.id, held_on=day, kind=kind, title=title, place="会议室")
        row.deputy_links = [ActivityDeputy(deputy_id=p.id) for p in deputies]
        db.session.add(row)

    activity(court, "甲院座谈会", d(5, 1), ActivityKind.FORUM, [d1, d2])
    activity(court, "甲院走访", d(6, 1), ActivityKind.VISIT, [d1])
    activity(b, "乙院座谈会", d(7, 1), ActivityKind.FORUM, [d3])
    activity(c, "丙院座谈会", d(7, 1), ActivityKind.FORUM, [d1])

    for court_, deputy, kind, state in ((court, d1, ReportKind.IN_PERSON, ReportState.FILED),
                                        (court, d2, ReportKind.WRITTEN, ReportState.SUBMITTED),
                                        (b, d3, ReportKind.WRITTEN, ReportState.FILED),
                                        (c, d4, ReportKind.WRITTEN, ReportState.FILED)):
        db.session.add(DutyReport(court_id=court_.id, deputy_id=deputy.id, year=YEAR, kind=kind, state=state))

    for court_, channel, state, day in ((court, MessageChannel.SMS, MessageState.SENT, d(3, 1)),
                                        (court, MessageChannel.SMS, MessageState.SENT, d(9, 1)),
                                        (court, MessageChannel.EMAIL, MessageState.SENT, d(9, 1)),
                                        (court, MessageChannel.SMS, MessageState.DEAD, d(9, 1)),
                                        (court, MessageChannel.SMS, MessageState.SENT, d(12, 1, YEAR - 1)),
                                        (b, MessageChannel.SMS, MessageState.SENT, d(10, 1)),
                                        (c, MessageChannel.SMS, MessageState.SENT, d(10, 1))):
        db.session.add(Message(court_id=court_.id, channel=channel, state=state, address="13900000000", body="通知",
                               sent_at=at(day) if state == MessageState.SENT else None))
    # the city's 第十六届 in its second year: 城区代表组 (甲, 丙, 丁) should have 1 of 3 report in person, has none
    db.session.add(DutyTerm(level=DeputyLevel.CITY, name="第十六届", start_year=YEAR - 1, end_year=YEAR + 3))
    db.session.add(Newsletter(court_id=court.id, year=YEAR, number=1, title="工作信息", published_on=d(2, 1)))
    db.session.add(Newsletter(court_id=c.id, year=YEAR, number=1, title="工作信息", published_on=d(2, 1)))
    db.session.add(Newsletter(court_id=court.id, year=YEAR - 1, number=9, title="上年工作信息",
                              published_on=d(12, 1, YEAR - 1)))
    db.session.commit()
    return {"a": court, "b": b, "c": c, "liaison": make_user(Role.LIAISON)}


def year_scope(world, as_of=None) -> Scope:
    a, b = world["a"], world["b"]
    return Scope.of([a.id, b.id], [Column(a.id, a.name), Column(b.id, b.name)], d(1, 1), d(12, 31), as_of,
                    link_args={"court": str(a.id), "scope": "lower"})


def groups_of(world, as_of=None) -> dict:
    from portal.areas import collect

    with current_app.test_request_context():
        return {g.key: g for g in collect("figures", year_scope(world, as_of))}


def values(figure, world) -> tuple:
    """(A's, B's, total) of a figure or rate."""
    return figure.shown(world["a"].id), figure.shown(world["b"].id), figure.shown()


def test_rates_are_shown_with_one_decimal_and_a_dash_without_a_base():
    assert percent(20, 21) == "95%" and percent(7, 7) == "100%" and percent(2, 3) == "67%"
    assert percent(0, 0) == "—" and percent(1, 8) == "13%" and percent(1, 200) == "1%"  # half up


def test_the_as_of_day_defaults_to_the_periods_end_or_today():
    today = clock.today()
    assert Scope.of([1], [], d(1, 1), d(12, 31)).as_of == d(12, 31)
    assert Scope.of([1], [], today.replace(day=1), today + timedelta(days=40)).as_of == today


def test_item_figures_equal_the_hand_count_per_court_and_in_total(world):
    items = groups_of(world)["items"]
    expected = {"received": ("5", "2", "7"), "closed": ("3", "1", "4"), "open": ("2", "1", "3"),
                "closed_rate": ("60%", "50%", "57%"), "on_time": ("2", "1", "3"),
                "on_time_rate": ("67%", "100%", "75%"), "rated": ("3", "1", "4"), "satisfied": ("2", "1", "3"),
                "satisfied_rate": ("67%", "100%", "75%"), "overdue": ("1", "1", "2")}
    assert {f.key: values(f, world) for f in items.figures} == expected
    groups = {label: [c.shown() for c in cells] for label, cells in items.tables[0].rows}
    # 受理, 办结, 在办, 办结率, 按期办结率, 满意率, 超期 — each group with its own totals and rates
    assert groups == {"建议、提案": ["3", "3", "0", "100%", "67%", "100%", "0"],
                      "交办督办件、来信、关注案件": ["4", "1", "3", "25%", "100%", "0%", "2"]}


def test_a_long_department_breakdown_is_cut_to_the_departments_with_most_items_and_says_so(world):
    """The home page's scope (``rows``) keeps the departments that received most, in the table's order, and the
    same figures as the full table; the rest is counted and linked to the figures page of the same scope."""
    from portal.areas import collect

    full = groups_of(world)["items"].tables[2]
    with current_app.test_request_context():
        scope = year_scope(world)
        cut = next(g for g in collect("figures", Scope.of(scope.court_ids, scope.columns, scope.start, scope.end,
                                                         link_args=scope.link_args, rows=1))
                   if g.key == "items").tables[2]
    assert len(full.rows) == 2 and full.rows[0][1][0].shown() == "5" and full.rows[1][1][0].shown() == "2"
    assert cut.keys == full.keys[:1] and cut.more == 1  # court A's department: 5 items received, B's 2
    assert [[c.shown() for c in cells] for _, cells in cut.rows] == [[c.shown() for c in full.rows[0][1]]]
    assert "受理件数最多的 1 个" in cut.title and cut.more_url.startswith("/figures/?from=")
    assert full.more == 0 and full.more_url is None and full.title == "按承办部门"


def test_items_closed_after_the_as_of_day_are_not_closed_in_that_years_figures(world):
    """甲院来信次年办结 closed in January of the next year: not in YEAR's figures, read today or next year."""
    later = groups_of(world, as_of=d(1, 31, YEAR + 1))["items"]
    assert later.get("closed").shown() == "5" and later.get("rated").shown() == "5"
    # the same again with the default (31 December): the year's figures do not move
    assert groups_of(world)["items"].get("closed").shown() == "4"


def test_the_other_areas_figures_equal_the_hand_count(world):
    groups = groups_of(world)
    reception = {f.key: values(f, world) for f in groups["reception"].figures}
    assert reception == {"visits": ("2", "1", "3"), "persons": ("4", "1", "5"), "npc": ("2", "1", "3"),
                         "cppcc": ("1", "0", "1"), "others": ("1", "0", "1")}
    hearings = {f.key: values(f, world) for f in groups["hearings"].figures}
    assert hearings == {"held": ("1", "1", "2"), "invited": ("3", "2", "5"), "attended": ("1", "2", "3"),
                        "declined": ("1", "0", "1"), "attended_rate": ("33%", "100%", "60%")}
    activities = groups["activities"]
    assert {f.key: values(f, world) for f in activities.figures} == {"activities": ("2", "1", "3"),
                                                                      "persons": ("3", "1", "4")}
    assert [(label, [c.shown() for c in cells]) for label, cells in activities.tables[0].rows] == [
        ("走访", ["1", "1"]), ("座谈会", ["2", "3"])]
    duty = {f.key: values(f, world) for f in groups["duty"].figures}
    assert duty == {"reports": ("2", "1", "3"), "in_person": ("1", "0", "1"), "written": ("1", "1", "2"),
                    "filed": ("1", "1", "2"), "groups": ("", "", "1"), "groups_outside": ("", "", "1")}
    assert [label for label, _cells in groups["duty"].tables[0].rows] == ["市级第十六届 · 城区代表组"]
    notices = {f.key: values(f, world) for f in groups["notices"].figures}
    assert notices == {"sms": ("2", "1", "3"), "email": ("1", "0", "1"), "newsletters": ("1", "0", "1")}


def test_the_trend_counts_each_month_of_the_year(world):
    groups = groups_of(world)
    assert groups["items"].trend["受理件数"] == [0, 0, 2, 1, 0, 1, 1, 1, 1, 0, 0, 0]
    assert groups["items"].trend["办结件数"] == [0, 0, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert groups["reception"].trend["接待人次"] == [0, 0, 3, 1, 1, 0, 0, 0, 0, 0, 0, 0]
    assert groups["hearings"].trend["旁听人次"] == [0, 0, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0]


# --- the page: figures as links to exactly their records -------------------------------------------------------

def page(client, url, **args) -> str:
    response = client.get(url, query_string=args or None)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def figure_link(html: str, group: str, key: str, column: int) -> str:
    """The address of a figure's cell (column 0, 1…: the courts; -1: the total) on the dashboard."""
    section = html.split(f'id="group-{group}"', 1)[1].split("</section>", 1)[0]
    row = re.search(rf'<tr data-figure="{key}">(.*?)</tr>', section, re.S).group(1)
    links = re.findall(r'href="([^"]+)"', row)
    return links[column].replace("&amp;", "&")


TITLES = ["甲院建议按期", "甲院提案逾期", "甲院来信次年办结", "甲院交办件超期", "甲院关注案件不满意", "甲院上年建议",
          "乙院建议", "乙院来信超期", "丙院建议"]


def shown_titles(html: str, titles: list[str]) -> set[str]:
    return {t for t in titles if t in html}


@pytest.fixture
def dashboard(client, world):
    log_in(client, world["liaison"].username)
    return page(client, "/", **{"from": f"{YEAR}-01-01", "to": f"{YEAR}-12-31", "court": world["a"].id,
                                "scope": "lower"})


def test_the_dashboard_shows_each_court_and_the_total(dashboard, world):
    assert "待办" in dashboard or "工作统计" in dashboard
    head = dashboard.split('id="group-items"', 1)[1].split("</thead>", 1)[0]
    assert "某某市中级" in head and "某某区" in head and "合计" in head and "另一市" not in head
    row = re.search(r'<tr data-figure="received">(.*?)</tr>', dashboard, re.S).group(1)
    assert re.findall(r">(\d+)</a>", row) == ["5", "2", "7"]
    assert "统计口径说明" in dashboard and "同一位代表两次来访计两人次" in dashboard
    assert 'id="chart-trend"' in dashboard and 'id="table-trend"' in dashboard
    assert 'id="chart-items_by_department"' in dashboard and 'id="table-satisfaction"' in dashboard
    assert "style=" not in dashboard.split('id="figures"', 1)[1]  # CSP: no inline styles


def test_the_plain_home_page_asks_for_its_figures_after_it_is_shown(client, world):
    log_in(client, world["liaison"].username)
    home = page(client, "/")
    assert "待办" in home and 'id="group-items"' not in home and 'hx-trigger="load"' in home
    block = client.get("/", headers={"HX-Request": "true", "HX-Target": "figures"}).get_data(as_text=True)
    assert "<html" not in block and 'id="group-items"' in block and "待办" not in block


def test_a_tribunal_counts_in_its_basic_courts_column_and_its_link_shows_both(client, world, make_court):
    tribunal = make_court(code="b01", name="某某区人民法院城东人民法庭", parent=world["b"], level=CourtLevel.TRIBUNAL)
    db.session.add(Item(court_id=tribunal.id, number="T-99", kind=ItemKind.LETTER, title="法庭来信",
                        received_on=d(3, 1), state=ItemState.REGISTERED))
    db.session.commit()
    log_in(client, world["liaison"].username)
    html = page(client, "/", **{"from": f"{YEAR}-01-01", "to": f"{YEAR}-12-31", "court": world["a"].id,
                                "scope": "lower"})
    head = html.split('id="group-items"', 1)[1].split("</thead>", 1)[0]
    assert "某某区" in head and "城东人民法庭" not in head  # the tribunal is no column of its own
    assert "其下各法院的数字含其下级法院" in html
    row = re.search(r'<tr data-figure="received">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r">(\d+)</a>", row) == ["5", "3", "8"]  # the basic court's column holds the tribunal's letter
    board = page(client, figure_link(html, "items", "received", 1))
    assert shown_titles(board, [*TITLES, "法庭来信"]) == {"乙院建议", "乙院来信超期", "法庭来信"}


@pytest.mark.parametrize(("key", "column", "expected"), [
    ("received", -1, {"甲院建议按期", "甲院提案逾期", "甲院来信次年办结", "甲院交办件超期", "甲院关注案件不满意", "乙院建议",
                      "乙院来信超期"}),
    ("received", 1, {"乙院建议", "乙院来信超期"}),
    ("closed", 0, {"甲院建议按期", "甲院提案逾期", "甲院关注案件不满意"}),
    ("open", -1, {"甲院来信次年办结", "甲院交办件超期", "乙院来信超期"}),
    ("on_time", -1, {"甲院建议按期", "甲院关注案件不满意", "乙院建议"}),
    ("satisfied", 0, {"甲院建议按期", "甲院提案逾期"}),
    ("overdue", -1, {"甲院交办件超期", "乙院来信超期"}),
])
def test_an_item_figure_links_to_exactly_its_items(client, dashboard, key, column, expected):
    board = page(client, figure_link(dashboard, "items", key, column))
    assert shown_titles(board, TITLES) == expected


def test_a_reception_figure_links_to_exactly_its_visits(client, dashboard, world):
    subjects = ["甲院首次来访", "甲院再次来访", "甲院上年来访", "乙院来访", "丙院来访"]
    assert shown_titles(page(client, figure_link(dashboard, "reception", "visits", -1)), subjects) == {
        "甲院首次来访", "甲院再次来访", "乙院来访"}
    assert shown_titles(page(client, figure_link(dashboard, "reception", "visits", 0)), subjects) == {
        "甲院首次来访", "甲院再次来访"}
    assert shown_titles(page(client, figure_link(dashboard, "reception", "cppcc", -1)), subjects) == {"甲院首次来访"}
    assert shown_titles(page(client, figure_link(dashboard, "reception", "others", -1)), subjects) == {"甲院首次来访"}
    assert shown_titles(page(client, figure_link(dashboard, "reception", "npc", 1)), subjects) == {"乙院来访"}


def test_activity_and_duty_figures_link_to_exactly_their_records(client, dashboard, world):
    titles = ["甲院座谈会", "甲院走访", "乙院座谈会", "丙院座谈会"]
    assert shown_titles(page(client, figure_link(dashboard, "activities", "activities", -1)), titles) == {
        "甲院座谈会", "甲院走访", "乙院座谈会"}
    section = dashboard.split('id="group-activities"', 1)[1].split("</section>", 1)[0]
    forum = re.search(r'href="([^"]*kind=forum[^"]*)"', section).group(1).replace("&amp;", "&")
    assert shown_titles(page(client, forum), titles) == {"甲院座谈会", "乙院座谈会"}
    names = ["甲代表", "乙委员", "丙代表", "丁代表"]
    duty = page(client, figure_link(dashboard, "duty", "written", -1)).split('id="results"', 1)[1]
    assert shown_titles(duty, names) == {"乙委员", "丙代表"}


def test_a_hearing_figure_links_to_exactly_its_hearings(client, dashboard):
    numbers = [f"（{YEAR}）某01民初1号", f"（{YEAR}）某01民初2号", f"（{YEAR}）某0102民初3号", f"（{YEAR}）某02民初4号"]
    assert shown_titles(page(client, figure_link(dashboard, "hearings", "held", -1)), numbers) == {
        f"（{YEAR}）某01民初1号", f"（{YEAR}）某0102民初3号"}
    assert shown_titles(page(client, figure_link(dashboard, "hearings", "attended", 1)), numbers) == {
        f"（{YEAR}）某0102民初3号"}

def test_message_and_newsletter_figures_link_to_exactly_their_records(client, dashboard, world):
    """The SMS figure's outbox holds the year's sent SMS of the courts (not last year's, not the dead one)."""
    outbox = page(client, figure_link(dashboard, "notices", "sms", -1)).split('id="results"', 1)[1]
    assert outbox.count("<tr><td") == 3
    assert page(client, figure_link(dashboard, "notices", "email", -1)).split('id="results"', 1)[1].count("<tr><td") == 1
    issues = page(client, figure_link(dashboard, "notices", "newsletters", -1)).split('id="results"', 1)[1]
    assert issues.count("<tr><td") == 1


def test_the_figures_follow_the_court_scope(client, dashboard, world):
    alone = page(client, "/", court=world["b"].id, scope="own")
    row = re.search(r'<tr data-figure="received">(.*?)</tr>', alone, re.S).group(1)
    assert re.findall(r">(\d+)</a>", row) == ["2"] and "合计" not in alone.split('id="group-items"', 1)[1][:600]


def test_htmx_swaps_only_the_figures(client, dashboard, world):
    response = client.get("/", query_string={"from": f"{YEAR}-03-01", "to": f"{YEAR}-03-31"},
                          headers={"HX-Request": "true", "HX-Target": "figures"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and 'id="group-items"' in html
    row = re.search(r'<tr data-figure="received">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r">(\d+)</a>", row) == ["1", "1", "2"]


def test_a_bad_period_or_as_of_day_is_said_not_answered_500(client, dashboard):
    response = client.get("/", query_string={"from": f"{YEAR}-12-01", "to": f"{YEAR}-01-01"})
    assert response.status_code == 422 and "开始日期不能晚于结束日期" in response.get_data(as_text=True)
    response = client.get("/figures/", query_string={"as_of": "2025-13-45"})
    assert response.status_code == 422 and "日期应写作" in response.get_data(as_text=True)


def test_quick_periods_cover_month_quarter_and_year():
    quick = {label: (a, b) for label, a, b in periods.quick_choices(date(2025, 2, 10))}
    assert quick["本月"] == (date(2025, 2, 1), date(2025, 2, 28))
    assert quick["上月"] == (date(2025, 1, 1), date(2025, 1, 31))
    assert quick["本季度"] == (date(2025, 1, 1), date(2025, 3, 31))
    assert quick["上季度"] == (date(2024, 10, 1), date(2024, 12, 31))
    assert quick["上年"] == (date(2024, 1, 1), date(2024, 12, 31))


def test_a_deputys_home_is_the_workspace(client, login_as):
    login_as(Role.DEPUTY)
    assert client.get("/").status_code == 302
    assert client.get("/figures/").status_code == 403


def test_the_dashboard_takes_constant_queries(client, dashboard, world, make_deputy):
    def count_queries() -> int:
        with sql_statements() as sent:
            page(client, "/", **{"from": f"{YEAR}-01-01", "to": f"{YEAR}-12-31"})
        return len(sent)

    before = count_queries()
    deputy = make_deputy(name="戊代表")
    for n in range(6):  # more of everything, in both courts
        for court in (world["a"], world["b"]):
            reception = Reception(court_id=court.id, received_at=at(d(2, n + 1)), channel=Channel.VISIT,
                                  subject=f"加{n}")
            reception.deputy_links = [ReceptionDeputy(deputy_id=deputy.id)]
            db.session.add(reception)
            db.session.add(Item(court_id=court.id, number=f"X-{court.id}-{n}", kind=ItemKind.LETTER, title=f"加{n}",
                                received_on=d(2, n + 1)))
            db.session.add(Activity(court_id=court.id, held_on=d(2, n + 1), kind=ActivityKind.REVIEW, title="评议",
                                    place="会议室"))
    db.session.commit()
    assert count_queries() == before


def test_the_home_page_puts_what_the_user_must_do_first(app, client, world, make_user):
    a = world["a"]
    waiting = Item(court_id=a.id, number="T-todo", kind=ItemKind.SUGGESTION, title="待批示的建议",
                   received_on=clock.today(), state=ItemState.REGISTERED)
    starts = clock.now() + timedelta(days=3)
    hearing = Hearing(court_id=a.id, case_number="（2026）某01民初9号", cause="合同纠纷", case_type=CaseType.CIVIL,
                      presiding_judge="王", court_room="第二法庭", starts_at=starts, ends_at=starts + timedelta(hours=1))
    hearing.invitations = [HearingInvitation(deputy_id=_first_deputy_id(),
                                             status=InvitationStatus.INVITED)]
    db.session.add_all([waiting, hearing])
    db.session.commit()
    leader = make_user(Role.LEADER)
    log_in(client, leader.username)
    home = page(client, "/")
    assert home.index("待办") < home.index('id="figures"') and "待批示 <strong>1</strong> 件" in home
    office = app.test_client()
    log_in(office, world["liaison"].username)
    assert "旁听庭审邀请尚未答复 <strong>1</strong> 人次" in page(office, "/")


def _first_deputy_id() -> int:
    from sqlalchemy import select

    from portal.register.models import Deputy

    return db.session.scalar(select(Deputy.id).order_by(Deputy.id).limit(1))


def test_a_handler_counts_the_items_they_see_and_a_leader_gets_no_link_to_the_outbox(app, world, make_user,
                                                                                    make_department):
    from sqlalchemy import select

    from portal.auth.models import Department

    civil = db.session.scalar(select(Department).where(
        Department.court_id == world["a"].id, Department.name == "民一庭"))
    year = {"from": f"{YEAR}-01-01", "to": f"{YEAR}-12-31"}
    handler, other = make_user(Role.HANDLER, department=civil), make_user(Role.HANDLER, department=make_department(
        "刑一庭"))
    for user, received in ((handler, ["5"]), (other, ["0"])):
        client = app.test_client()
        log_in(client, user.username)
        row = re.search(r'<tr data-figure="received">(.*?)</tr>', page(client, "/", **year), re.S).group(1)
        assert re.findall(r">(\d+)</a>", row) == received
    client = app.test_client()
    log_in(client, make_user(Role.LEADER).username)
    home = page(client, "/", **year)
    sms = re.search(r'<tr data-figure="sms">(.*?)</tr>', home, re.S).group(1)
    assert "href" not in sms and "3" in sms  # the outbox is the liaison office's
