"""The demo data generator behind ``flask seed-demo``."""
import re
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select

from portal import demo
from portal.auth.models import Court, CourtLevel, Department, Duty, Role, User
from portal.extensions import db
from portal.items import queries
from portal.items.demo import summary_year
from portal.items.models import Item
from portal.register.models import COURT_ROLES, Deputy, DeputyKind, DeputyLevel, DeputyStatus

MOBILE = re.compile(r"^1[3-9]\d{9}$")


def _names() -> list[str]:
    return list(db.session.scalars(select(Deputy.name).order_by(Deputy.id)))


@pytest.mark.seeded_demo
def test_seed_demo_on_an_empty_database(runner, app, client, demo_seeded):
    """One run on an empty database (no init-db): the court tree and register, the administrators it creates,
    the notices it leaves queued (then delivered), and two years of newsletters."""
    assert "已生成演示数据" in demo_seeded.output and "代表委员 200" in demo_seeded.output
    _check_court_tree_and_register()
    _check_the_administrators_it_created(demo_seeded.output)
    _check_newsletters(client)
    _check_notices_sent_and_reminders_delivered(runner, app)


def test_seed_demo_after_init_db_prints_the_accounts_and_a_second_run_adds_to_the_same_tree(runner, client):
    init = runner.invoke(args=["init-db"])  # as `make demo` does: the admin of `make run` comes first
    admin_password = init.output.split("初始密码 ")[1].split("（")[0]
    result = runner.invoke(args=["seed-demo", "--size", "1"])
    assert result.exit_code == 0, result.output
    # the unnamed court init-db left became the intermediate court, so the first admin belongs to it
    assert "法院 7，" in result.output  # the basic courts and tribunals; the placeholder was renamed
    assert db.session.scalar(select(func.count()).select_from(Court)) == 8
    assert db.session.scalar(select(User).where(User.username == "admin")).court.name == "云岭市中级人民法院"
    assert f"演示账户（密码均为 {demo.DEMO_PASSWORD}）" in result.output
    for label in ("云岭市中级人民法院院领导：ylzy_president", "云岭市中级人民法院联络员：ylzy_liaison",
                  "云岭市中级人民法院承办人：ylzy_h0001", "代表委员（用户名是手机号码）："):
        assert label in result.output, result.output
    assert "管理员 admin 的密码不变：仍是 make run（init-db）第一次运行时显示的密码" in result.output
    assert f"管理员（系统、安全、审计三员）：security、auditor（密码 {demo.DEMO_PASSWORD}）" in result.output
    deputy = re.search(r"代表委员（用户名是手机号码）：(1\d{10})", result.output).group(1)
    for username, password in (("ylzy_president", demo.DEMO_PASSWORD), ("ylzy_liaison", demo.DEMO_PASSWORD),
                               (deputy, demo.DEMO_PASSWORD), ("admin", admin_password),
                               ("auditor", demo.DEMO_PASSWORD)):
        assert client.post("/login", data={"username": username, "password": password}).status_code == 302, username
        client.post("/logout")

    from portal.notices.models import Newsletter

    newsletters = db.session.scalar(select(func.count()).select_from(Newsletter))
    second = runner.invoke(args=["seed-demo", "--size", "1"])
    assert second.exit_code == 0, second.output
    assert "法院 0" in second.output and "代表委员 200" in second.output
    assert db.session.scalar(select(func.count()).select_from(Court).where(Court.parent_id.is_(None))) == 1
    mobiles = list(db.session.scalars(select(Deputy.mobile)))
    assert len(mobiles) == 400 and len(set(mobiles)) == 400
    assert db.session.scalar(select(func.count()).select_from(User).where(User.role == Role.DEPUTY)) == 20
    assert db.session.scalar(select(func.count()).select_from(User).where(User.admin_duty == Duty.SYSTEM)) == 1
    assert db.session.scalar(select(func.count()).select_from(Newsletter)) == newsletters  # no issue added


def _check_court_tree_and_register() -> None:
    top = db.session.scalar(select(Court).where(Court.parent_id.is_(None)))
    assert top.name == "云岭市中级人民法院" and top.level == CourtLevel.INTERMEDIATE
    basic = [c for c in top.children if c.level == CourtLevel.BASIC]
    assert 4 <= len(basic) <= 6
    assert all(c.name.endswith("人民法院") for c in basic)
    tribunals = db.session.scalars(select(Court).where(Court.level == CourtLevel.TRIBUNAL)).all()
    assert 1 <= len(tribunals) <= 2 and all(t.parent in basic and t.name.endswith("人民法庭") for t in tribunals)
    departments = {d.name for d in db.session.scalars(select(Department).where(Department.court_id == top.id))}
    assert {"立案庭", "刑事审判庭", "民事审判第一庭", "行政审判庭", "执行局", "办公室"} <= departments

    for court in [top, *basic]:
        roles = Counter(db.session.scalars(select(User.role).where(User.court_id == court.id,
                                                                   User.deputy_id.is_(None))))
        assert roles[Role.LIAISON] == 1 and 2 <= roles[Role.LEADER] <= 3 and 2 <= roles[Role.HANDLER] <= 4
    handlers = db.session.scalars(select(User).where(User.role == Role.HANDLER)).all()
    assert all(h.department is not None and h.department.court_id == h.court_id for h in handlers)
    assert db.session.scalar(select(func.count()).select_from(User).where(User.admin_duty == Duty.SYSTEM)) == 1
    assert db.session.scalar(select(User).where(User.username == "ylzy_president")).display_name

    deputies = db.session.scalars(select(Deputy)).all()
    assert len(deputies) == 200
    kinds = Counter(d.kind for d in deputies)
    assert 40 <= kinds[DeputyKind.CPPCC] <= 100 and kinds[DeputyKind.NPC] >= 100
    assert all(MOBILE.match(d.mobile) for d in deputies)
    assert len({d.mobile for d in deputies}) == len(deputies)
    assert all(d.name_pinyin and d.name_initials and d.term and d.group_name and d.work_unit for d in deputies)
    assert all(set(d.court_role_list) <= set(COURT_ROLES) for d in deputies)
    assert any(d.court_roles for d in deputies)
    paired = [d for d in deputies if d.pairings]
    assert 30 <= len(paired) <= 120 and all(p.leader.role == Role.LEADER for d in paired for p in d.pairings)
    # three-level: each provincial or national deputy with a leader of the intermediate court and their basic
    # court's president
    high = [d for d in paired if d.level in (DeputyLevel.NATIONAL, DeputyLevel.PROVINCIAL)]
    assert high and all({p.leader.court.level for p in d.pairings} == {CourtLevel.INTERMEDIATE, CourtLevel.BASIC}
                        and any(p.leader.username.endswith("_president") for p in d.pairings
                                if p.leader.court.level == CourtLevel.BASIC) for d in high)
    retired = [d for d in deputies if d.status == DeputyStatus.RETIRED]
    assert retired and all(d.left_on for d in retired)
    assert all(d.left_on is None for d in deputies if d.status == DeputyStatus.ACTIVE)

    accounts = db.session.scalars(select(User).where(User.role == Role.DEPUTY)).all()
    assert len(accounts) == 10
    assert all(a.deputy and a.username == a.deputy.mobile and a.deputy.status == DeputyStatus.ACTIVE
               for a in accounts)


def _check_the_administrators_it_created(output: str) -> None:
    assert f"管理员（系统、安全、审计三员）：admin、security、auditor（密码 {demo.DEMO_PASSWORD}）" in output
    duties = dict(db.session.execute(select(User.username, User.admin_duty).where(User.admin_duty.is_not(None))).all())
    assert duties == {"admin": Duty.SYSTEM, "security": Duty.SECURITY, "auditor": Duty.AUDIT}
    assert db.session.scalar(select(func.count()).select_from(User).where(User.role == Role.NONE)) == 3


@pytest.mark.seeded_demo
def test_same_seed_gives_the_same_names(app, demo_seeded):
    first = _names()  # seed-demo's default seed, 2024
    demo.seed(size=1, random_seed=2024)
    db.session.commit()
    assert _names()[200:] == first  # (another seed's other names: the size test below)


def test_size_scales_the_register_the_staff_and_the_items(app, demo_seeded):
    """Size 2 with another seed on an empty database, beside the shared size-1 seed (the default seed, 2024)."""
    two = demo.seed(size=2, random_seed=5)
    db.session.commit()
    assert two["代表委员"] == 400 and two["代表委员账户"] == 20
    assert two["用户"] - demo_seeded.counts["用户"] >= 20  # handlers grow with the size; leaders stay as they are
    with demo_seeded.app.app_context():
        default_seed_names = _names()
    assert _names()[:200] != default_seed_names

    year = summary_year()
    court_ids = list(db.session.scalars(select(Item.court_id).distinct()))
    report = queries.figures(court_ids, date(year, 1, 1), date(year, 12, 31))
    assert (report.total.received, report.total.closed) == (42, 40)
    numbers = db.session.execute(select(Item.court_id, Item.number)).all()
    assert len(set(numbers)) == len(numbers) >= two["交办督办件"] == 2 * (21 + 12)


def _check_notices_sent_and_reminders_delivered(runner, app) -> None:
    from portal.notices.models import Batch, Channel, Message, MessageState

    assert db.session.scalar(select(func.count()).select_from(Batch)) == 5
    queued = db.session.scalar(select(func.count()).select_from(Message).where(
        Message.state == MessageState.QUEUED, Message.subject == "庭审提醒"))
    assert queued > 0
    result = runner.invoke(args=["notify", "send-due"])  # (also the reminders of items falling due, queued now)
    assert result.exit_code == 0 and int(result.output.split()[1]) >= queued
    assert db.session.scalar(select(func.count()).select_from(Message).where(
        Message.state == MessageState.QUEUED, Message.channel == Channel.SMS)) == 0
    assert db.session.scalar(select(func.count()).select_from(Message).where(
        Message.state == MessageState.SENT, Message.subject == "庭审提醒")) >= queued


def _check_newsletters(client) -> None:
    """Two years of issues with comments, one of them a tracked item."""
    import io

    from docx import Document

    from portal import clock, uploads
    from portal.attachments import files_of
    from portal.notices.models import Message, Newsletter, NewsletterComment

    top = db.session.scalar(select(Court).where(Court.parent_id.is_(None)))
    today = clock.today()
    issues = db.session.scalars(select(Newsletter).order_by(Newsletter.year, Newsletter.number)).all()
    assert {n.court_id for n in issues} == {top.id}
    last_year = [n for n in issues if n.year == today.year - 1]
    this_year = [n for n in issues if n.year == today.year]
    assert len(last_year) >= 12 and len(issues) == len(last_year) + len(this_year)
    for year in (last_year, this_year):
        assert [n.number for n in year] == list(range(1, len(year) + 1))
        assert [n.published_on for n in year] == sorted(n.published_on for n in year)
    assert all(n.published_on <= today for n in issues)
    files = files_of("newsletter", [n.id for n in issues])
    newest = issues[-1]
    content = uploads.read("attachments", files[newest.id][0].stored_name)
    text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert newest.issue_label in text and newest.title in text and "云岭市中级人民法院办公室" in text

    comments = db.session.scalars(select(NewsletterComment)).all()
    assert len(comments) >= 4 and len({c.newsletter_id for c in comments}) >= 3
    tracked = [c for c in comments if c.item_id]
    assert len(tracked) == 1 and tracked[0].item.deputies == [tracked[0].deputy]
    assert tracked[0].item.title == f"对《法院工作信息》第{tracked[0].newsletter.number}期的意见"
    told = db.session.scalar(select(func.count()).select_from(Message).where(Message.about_type == "newsletter"))
    assert told > 100

    client.post("/login", data={"username": "ylzy_liaison", "password": demo.DEMO_PASSWORD})
    page = client.get(f"/notices/newsletters/{tracked[0].newsletter_id}").get_data(as_text=True)
    assert tracked[0].item.number in page and tracked[0].text in page


def test_the_province_plan_is_one_court_tree_of_100_courts_and_more():
    from portal.demo_province import plan

    full = plan(1.0)
    assert full.courts >= 100 and full.basic_courts == 24
    assert (full.deputies, full.receptions, full.hearings, full.items, full.duty_reports) == \
        (10_000, 50_000, 20_000, 100_000, 30_000)
    assert full.hearings * full.invitations == 200_000
    small = plan(0.01)
    assert (small.deputies, small.receptions, small.hearings, small.items, small.duty_reports) == \
        (100, 500, 200, 1000, 300)


def test_the_province_data_set_at_one_percent(runner, app, client):
    from portal.demo_province import plan
    from portal.hearings.models import Hearing, HearingInvitation
    from portal.items.models import Item, ItemEvent, ItemState
    from portal.items.services import next_number
    from portal.reception.models import Reception
    from portal.register.services import search_condition

    result = runner.invoke(args=["seed-demo", "--province", "--scale", "0.01"])
    assert result.exit_code == 0, result.output
    shape = plan(0.01)

    def count(model, *where):
        return db.session.scalar(select(func.count()).select_from(model).where(*where))

    assert count(Court, Court.parent_id.is_(None)) == 1  # one tree under the intermediate court
    assert count(Court) == shape.courts and count(Court, Court.level == CourtLevel.BASIC) == shape.basic_courts
    assert count(Deputy) == 100 and count(Reception) == 500 and count(Hearing) == 200
    assert count(HearingInvitation) == 2000
    items = count(Item)  # the bulk 1000, and a few from the other areas' ordinary demo (activities, surveys…)
    assert 1000 <= items <= 1050
    from portal.duty.models import DutyReport

    assert count(DutyReport) == 300
    assert "交办督办件 1000" in result.output and "旁听邀请 2000" in result.output
    # every item has its history, from registration; closed ones end closed
    assert db.session.scalar(select(func.count(func.distinct(ItemEvent.item_id)))) == items
    closed = db.session.scalar(select(Item).where(Item.state == ItemState.CLOSED).order_by(Item.id).limit(1))
    events = db.session.scalars(select(ItemEvent).where(ItemEvent.item_id == closed.id).order_by(ItemEvent.id)).all()
    assert events[0].action == "register" and events[-1].to_state == ItemState.CLOSED.value
    assert [e.at for e in events] == sorted(e.at for e in events) and closed.answered_on and closed.reply
    # the counters go on where the seeded numbers end
    assert next_number(closed.court_id, closed.received_on.year) not in set(db.session.scalars(select(Item.number)))
    db.session.rollback()

    deputy = db.session.scalar(select(Deputy).order_by(Deputy.id).limit(1))
    assert deputy.name_pinyin and deputy.name_initials
    for query in (deputy.name_pinyin, deputy.name_initials, deputy.work_unit[-4:], deputy.mobile[-5:]):
        found = db.session.scalars(select(Deputy.id).where(search_condition(query))).all()
        assert deputy.id in found, query

    assert client.post("/login", data={"username": "ylzy_liaison", "password": demo.DEMO_PASSWORD}).status_code == 302
    page = client.get("/register/", query_string={"q": deputy.work_unit[-4:], "status": ""})
    assert page.status_code == 200 and deputy.name in page.get_data(as_text=True)
    top = db.session.scalar(select(Court).where(Court.parent_id.is_(None)))
    item = db.session.scalar(select(Item).where(Item.court_id == top.id).order_by(Item.id.desc()).limit(1))
    page = client.get(f"/items/{item.id}")
    assert page.status_code == 200 and item.number in page.get_data(as_text=True)
    hearing = db.session.scalar(select(Hearing).where(Hearing.court_id == top.id).order_by(Hearing.id).limit(1))
    invitee = db.session.scalar(select(Deputy).join(HearingInvitation, HearingInvitation.deputy_id == Deputy.id)
                                .where(HearingInvitation.hearing_id == hearing.id).order_by(Deputy.id).limit(1))
    page = client.get(f"/hearings/{hearing.id}")
    assert page.status_code == 200 and hearing.case_number in page.get_data(as_text=True)
    assert invitee.name in page.get_data(as_text=True)
