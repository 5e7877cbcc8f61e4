"""Notices: the outbox, the worker against a real local SMTP server and a local SMS gateway, retries, quiet hours,
the rate limit, the inbox and a deputy's channels."""
import io
import threading
from datetime import datetime, timedelta

import pytest
import time_machine
from flask import current_app
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from portal import clock
from portal.auth.models import Role
from portal.extensions import db
from portal.notices import delivery, services
from portal.notices.models import Channel, Message, MessageState
from portal.register.models import DeputyKind, DeputyStatus

from .conftest import log_in
from .notice_servers import configure, gateway, smtp_server  # noqa: F401 - fixtures used by name


@pytest.fixture
def configured(app, smtp_server, gateway):
    configure(app, smtp_server, gateway)
    return app


def _deputy(make_deputy, **kw):
    kw.setdefault("email", "")
    return make_deputy(**kw)


def test_sms_parts_count_as_gateways_do():
    assert services.sms_parts("法" * 70) == 1
    assert services.sms_parts("法" * 71) == 2 and services.sms_parts("法" * 134) == 2
    assert services.sms_parts("法" * 135) == 3
    assert services.sms_parts("a" * 160) == 1 and services.sms_parts("a" * 161) == 2


def test_a_deputy_is_told_on_the_channels_they_chose(app, court, make_deputy, make_user):
    deputy = _deputy(make_deputy, email="dep@example.cn")
    make_user(Role.DEPUTY, deputy=deputy)
    services.save_preference(deputy.id, sms=True, email=True, greetings=False)
    messages = services.tell_deputy(deputy, "庭审邀请", "请于3月1日旁听庭审。", court_id=court.id)
    assert sorted(m.channel for m in messages) == sorted([Channel.SMS, Channel.EMAIL, Channel.PORTAL])
    assert services.tell_deputy(deputy, "春节问候", "新春快乐", court_id=court.id, greeting=True) == []
    db.session.commit()


def test_the_worker_delivers_email_and_sms_and_records_the_answers(configured, court, make_deputy, smtp_server,
                                                                    gateway, runner):
    _, mailbox = smtp_server
    _, received = gateway
    deputy = _deputy(make_deputy, email="dep@example.cn", mobile="13900000001")
    services.save_preference(deputy.id, sms=True, email=True, greetings=True)
    services.tell_deputy(deputy, "庭审邀请", "请于3月1日旁听庭审。", court_id=court.id, link="/hearings/my")
    db.session.commit()

    result = runner.invoke(args=["notify", "send-due"])
    assert result.exit_code == 0 and "2 条" in result.output
    assert len(mailbox.messages) == 1 and mailbox.messages[0].rcpt_tos == ["dep@example.cn"]
    assert "请于3月1日旁听庭审。" in mailbox.messages[0].content.decode("utf-8", "replace") or mailbox.messages[0]
    assert received.received == [{"account": "court", "mobile": "13900000001", "content": "请于3月1日旁听庭审。"}]
    states = {m.channel: (m.state, m.answer) for m in db.session.scalars(select(Message))}
    assert states[Channel.SMS] == (MessageState.SENT, "0 accepted")
    assert states[Channel.EMAIL][0] == MessageState.SENT


def test_a_refused_sms_is_retried_with_backoff_then_dead_and_staff_can_resend(configured, court, make_deputy,
                                                                             gateway, client, make_user):
    _, handler = gateway
    handler.refuse = {"13900000002"}
    deputy = _deputy(make_deputy, mobile="13900000002")
    services.tell_deputy(deputy, "", "提醒", court_id=court.id)
    db.session.commit()
    message = db.session.scalars(select(Message).where(Message.channel == Channel.SMS)).one()
    start = clock.now()
    with time_machine.travel(start, tick=False) as traveller:
        for attempt, delay in enumerate(configured.config["NOTIFY_BACKOFF_MINUTES"], start=1):
            delivery.send_due()
            db.session.refresh(message)
            assert (message.state, message.tries) == (MessageState.FAILED, attempt)
            assert message.next_try_at == clock.now() + timedelta(minutes=delay)
            assert "9 rejected" in message.answer
            assert delivery.send_due() == 0  # not due again before the delay
            traveller.shift(timedelta(minutes=delay))
        delivery.send_due()
    db.session.refresh(message)
    assert (message.state, message.tries) == (MessageState.DEAD, 5)
    assert len(handler.received) == 5

    log_in(client, make_user(Role.LIAISON).username)
    page = client.get("/notices/?state=dead").get_data(as_text=True)
    assert "13900000002" in page and "重新发送" in page
    assert client.post(f"/notices/{message.id}/resend").status_code == 302
    db.session.refresh(message)
    assert (message.state, message.tries) == (MessageState.QUEUED, 0)
    handler.refuse = set()
    delivery.send_due()
    db.session.refresh(message)
    assert message.state == MessageState.SENT


def test_no_sms_in_quiet_hours_but_email_goes(configured, court, make_deputy, gateway, smtp_server):
    configured.config["SMS_QUIET_HOURS"] = "21:00-08:00"
    deputy = _deputy(make_deputy, email="night@example.cn")
    services.save_preference(deputy.id, sms=True, email=True, greetings=True)
    services.tell_deputy(deputy, "通知", "明早开庭", court_id=court.id)
    db.session.commit()
    night = clock.from_local(datetime.combine(clock.today(), datetime.min.time()).replace(hour=23))
    if night <= clock.now():  # after 23:00 already: tomorrow's (the message must be queued before it)
        night += timedelta(days=1)
    with time_machine.travel(night, tick=False):
        assert delivery.send_due() == 1
    assert gateway[1].received == [] and len(smtp_server[1].messages) == 1
    with time_machine.travel(night + timedelta(hours=9), tick=False):  # 08:00 the next morning
        assert delivery.send_due() == 1
    assert len(gateway[1].received) == 1


def test_the_rate_limit_holds_the_rest_for_the_next_minute(configured, court, make_deputy, gateway):
    configured.config["NOTIFY_RATE_PER_MINUTE"] = {"sms": 2, "email": 100}
    for n in range(5):
        services.tell_deputy(_deputy(make_deputy, mobile=f"1370000000{n}"), "", "通知", court_id=court.id)
    db.session.commit()
    now = clock.now()
    with time_machine.travel(now, tick=False) as traveller:
        assert delivery.send_due() == 2
        traveller.shift(timedelta(seconds=61))
        assert delivery.send_due() == 2
    assert len(gateway[1].received) == 4


def test_a_change_that_rolls_back_sends_nothing(configured, court, make_deputy, gateway):
    deputy = _deputy(make_deputy)
    db.session.commit()
    services.tell_deputy(deputy, "", "不应发出", court_id=court.id)
    db.session.rollback()
    assert delivery.send_due() == 0 and gateway[1].received == []


def test_two_workers_never_claim_the_same_message(configured, court, make_deputy):
    for n in range(40):
        services.tell_deputy(_deputy(make_deputy, mobile=f"1360000{n:04d}"), "", "通知", court_id=court.id)
    db.session.commit()
    claims, barrier = [], threading.Barrier(2)

    def worker():
        with configured.app_context():
            barrier.wait()
            mine = []
            while ids := delivery.claim():
                mine += ids
            claims.append(mine)
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    everything = claims[0] + claims[1]
    assert len(everything) == len(set(everything)) == 40


def test_the_inbox_badge_and_opening_a_message(app, court, client, make_user, make_deputy):
    deputy = _deputy(make_deputy)
    user = make_user(Role.DEPUTY, deputy=deputy)
    other = make_user(Role.LIAISON)
    services.tell_deputy(deputy, "答复已办结", "请评价办理结果", court_id=court.id, link="/items/mine")
    services.tell_user(other, "交办", "新件", link="/items/")
    db.session.commit()
    log_in(client, user.username)
    page = client.get("/notices/inbox").get_data(as_text=True)
    assert "答复已办结" in page and "未读" in page and "新件" not in page
    assert 'id="notice-badge"' in page and "badge text-bg-danger\">1<" in page
    mine = db.session.scalars(select(Message).where(Message.user_id == user.id)).one()
    theirs = db.session.scalars(select(Message).where(Message.user_id == other.id)).one()
    assert client.post(f"/notices/inbox/{theirs.id}/open").status_code == 404
    response = client.post(f"/notices/inbox/{mine.id}/open")
    assert response.status_code == 303 and response.headers["Location"].endswith("/items/mine")
    assert "badge text-bg-danger" not in client.get("/notices/inbox").get_data(as_text=True)


def test_a_deputy_chooses_channels_and_a_missing_email_is_explained(app, client, make_user, make_deputy):
    deputy = _deputy(make_deputy)
    log_in(client, make_user(Role.DEPUTY, deputy=deputy).username)
    response = client.post("/notices/preferences", data={"email": "y", "greetings": "y"})
    assert response.status_code == 422
    assert "名册中没有您的电子邮箱" in response.get_data(as_text=True)
    assert client.post("/notices/preferences", data={"sms": "y"}).status_code == 303
    chosen = services.preference(deputy.id)
    assert (chosen.sms, chosen.email, chosen.greetings) == (True, False, False)


def test_the_outbox_pager_counts_what_the_filters_show(app, client, make_user, make_deputy, court):
    deputy = make_deputy(email="zs@example.com")
    for channel, state in ((Channel.SMS, MessageState.SENT), (Channel.SMS, MessageState.SENT),
                           (Channel.EMAIL, MessageState.SENT), (Channel.SMS, MessageState.DEAD)):
        db.session.add(Message(court_id=court.id, channel=channel, deputy_id=deputy.id, address="x", body="问候",
                               state=state, sent_at=clock.now() if state == MessageState.SENT else None))
    db.session.add(Message(court_id=court.id, channel=Channel.PORTAL, user_id=make_user(Role.LIAISON).id, body="站内"))
    db.session.commit()
    log_in(client, make_user(Role.LIAISON).username)
    for query, total in (("", 4), ("?state=sent", 3), ("?state=dead", 1), ("?state=queued", 0),
                         ("?channel=email", 1), ("?state=sent&channel=sms", 2)):
        assert f"共 <strong>{total}</strong> 条" in client.get(f"/notices/{query}").get_data(as_text=True), query


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.HANDLER, Role.LEADER])
def test_only_the_liaison_office_sees_the_outbox(app, client, make_user, role, make_deputy):
    kw = {"deputy": make_deputy()} if role == Role.DEPUTY else {}
    log_in(client, make_user(role, **kw).username)
    assert client.get("/notices/").status_code == 403


def test_a_batch_is_previewed_without_writing_then_queued(app, client, make_user, make_deputy, court):
    from portal.notices.models import Batch, NoticePreference
    from portal.register.models import DeputyKind, DeputyLevel

    zhang = make_deputy(name="张三")
    make_deputy(name="李四", kind=DeputyKind.CPPCC, level=DeputyLevel.CITY, group_name="经济界")
    wang = make_deputy(name="王五")
    db.session.add(NoticePreference(deputy_id=wang.id, sms=True, email=False, greetings=False))
    db.session.commit()
    log_in(client, make_user(Role.LIAISON).username)
    form = {"subject": "春节问候", "body": "{称呼}：新春快乐！" + "祝" * 80, "greeting": "y", "kind": "npc"}

    page = client.post("/notices/batches/new", data={**form, "action": "preview"}).get_data(as_text=True)
    assert "收件人：<strong>2</strong> 人" in page
    assert "短信 <strong>2</strong> 条" in page  # 86 characters with Chinese: two parts
    assert "张代表：新春快乐！" in page or "王代表：新春快乐！" in page
    assert db.session.scalar(select(func.count()).select_from(Message)) == 0

    assert client.post("/notices/batches/new", data={**form, "action": "send"}).status_code == 303
    batch = db.session.scalars(select(Batch)).one()
    sms = db.session.scalars(select(Message).where(Message.channel == Channel.SMS)).all()
    assert batch.recipients == 1 and [m.deputy_id for m in sms] == [zhang.id]  # 王五 declined greetings
    assert sms[0].body.startswith("张代表：新春快乐！") and sms[0].about_type == "batch"
    listing = client.get("/notices/batches").get_data(as_text=True)
    assert "春节问候" in listing


def test_a_batch_without_text_comes_back_with_what_was_typed(app, client, make_user):
    log_in(client, make_user(Role.LIAISON).username)
    response = client.post("/notices/batches/new", data={"subject": "会议通知", "body": "", "action": "preview"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "请填写消息内容。" in page and 'value="会议通知"' in page


def test_deputies_cannot_send_batches(app, client, make_user, make_deputy):
    log_in(client, make_user(Role.DEPUTY, deputy=make_deputy()).username)
    assert client.get("/notices/batches/new").status_code == 403
    assert client.post("/notices/batches/new", data={"subject": "x", "body": "y", "action": "send"}).status_code == 403


def test_the_day_before_a_hearing_each_expected_deputy_is_reminded_once(app, court, make_deputy, runner):
    from portal.hearings.models import CaseType, Hearing, HearingInvitation, InvitationStatus

    tomorrow = clock.today() + timedelta(days=1)
    starts = clock.from_local(datetime.combine(tomorrow, datetime.min.time()).replace(hour=9, minute=30))
    hearing = Hearing(court_id=court.id, case_number="（2026）测01民初1号", cause="买卖合同纠纷",
                      case_type=CaseType.CIVIL, presiding_judge="审判长", court_room="第三法庭", starts_at=starts,
                      ends_at=starts + timedelta(hours=2))
    coming, declined = _deputy(make_deputy, name="张三"), _deputy(make_deputy, name="李四")
    hearing.invitations = [HearingInvitation(deputy_id=coming.id, status=InvitationStatus.ACCEPTED),
                           HearingInvitation(deputy_id=declined.id, status=InvitationStatus.DECLINED)]
    db.session.add(hearing)
    db.session.commit()
    assert runner.invoke(args=["notify", "send-due"]).exit_code == 0
    assert runner.invoke(args=["notify", "send-due"]).exit_code == 0
    reminders = db.session.scalars(select(Message).where(Message.subject == "庭审提醒")).all()
    assert [m.deputy_id for m in reminders] == [coming.id]
    assert "张代表：" in reminders[0].body and "9:30" in reminders[0].body or "09:30" in reminders[0].body
    assert "第三法庭" in reminders[0].body and reminders[0].state == MessageState.SENT


def test_an_htmx_answer_brings_the_badge_up_to_date(app, client, make_user, court):
    user = make_user(Role.LIAISON)
    log_in(client, user.username)
    services.tell_user(user, "交办", "新件待办")
    db.session.commit()
    partial = client.get("/notices/inbox", headers={"HX-Request": "true", "HX-Target": "results"})
    body = partial.get_data(as_text=True)
    assert "<html" not in body and 'id="notice-badge" href="/notices/inbox" hx-swap-oob="true"' in body
    assert 'badge text-bg-danger">1<' in body


# --- what the portal sends by itself, from other areas' events -------------------------------------------------

from .test_items import new_item, office, walk  # noqa: E402,F401 - the items tests' court and steps


def _messages(**where):
    query = select(Message)
    for key, value in where.items():
        query = query.where(getattr(Message, key) == value)
    return db.session.scalars(query.order_by(Message.id)).all()


def test_an_item_tells_its_handler_then_its_deputies(app, office):
    office["head"].phone = "13800000009"
    db.session.commit()
    item = walk(new_item(office, title="关于设立巡回审判点的建议"), office, "instruct", "assign")
    # assigned to the civil division, with no handler named: its head (庭长) is told, in the portal and by SMS
    told = _messages(user_id=office["head"].id)
    assert [m.channel for m in told] == [Channel.PORTAL, Channel.SMS] and told[1].address == "13800000009"
    assert "已交办民事审判第一庭办理" in told[0].body and item.number in told[0].body
    assert told[0].link == f"/items/{item.id}"

    walk(item, office, "draft", "hear", "answer")
    answered = _messages(deputy_id=office["deputy"].id, subject="办理结果答复")
    assert {m.channel for m in answered} == {Channel.SMS, Channel.PORTAL}  # 张三 has an account
    assert answered[0].body.startswith("张代表：您提出的") and "请登录平台查看答复并评价" in answered[0].body


def test_an_overdue_item_tells_its_handler_and_its_leader_once(app, office, runner):
    item = walk(new_item(office), office, "instruct", "assign:handler_id=%d" % office["handler"].id)
    item.deadline = clock.today() - timedelta(days=1)
    db.session.commit()
    assert runner.invoke(args=["supervise"]).exit_code == 0
    assert runner.invoke(args=["supervise"]).exit_code == 0  # idempotent: told once
    overdue = _messages(subject="督办件超期", channel=Channel.PORTAL)
    assert sorted(m.user_id for m in overdue) == sorted([office["handler"].id, office["leader"].id])
    assert "已超过办理期限" in overdue[0].body


def test_invitations_and_changes_reach_the_deputies_still_expected(app, court, make_deputy):
    from portal.hearings import services as hearings
    from portal.hearings.models import HearingStatus, InvitationStatus

    from .test_agenda import _hearing

    hearing = _hearing(court, clock.today() + timedelta(days=10), hour=14)
    coming, declining = make_deputy(name="王五"), make_deputy(name="赵六")
    hearings.invite(hearing, [coming.id, declining.id])
    db.session.commit()
    sent = _messages(subject="庭审旁听邀请")
    assert sorted(m.deputy_id for m in sent) == sorted([coming.id, declining.id])
    assert "诚邀您旁听" in sent[0].body and "第三法庭" in sent[0].body
    declined = next(i for i in hearing.invitations if i.deputy_id == declining.id)
    declined.status = InvitationStatus.DECLINED
    db.session.commit()
    hearings.change_status(hearing, HearingStatus.CANCELLED, note="当事人撤诉")
    db.session.commit()
    cancelled = _messages(subject="庭审取消")
    assert [m.deputy_id for m in cancelled] == [coming.id] and "原定庭审已取消" in cancelled[0].body


def test_a_change_that_fails_tells_nobody(app, office):
    from portal.errors import ServiceError
    from portal.items.workflow import advance

    item = new_item(office)
    with pytest.raises(ServiceError):
        advance(item, "answer", user=office["liaison"])  # not the step it is at
    db.session.rollback()
    assert _messages(subject="办理结果答复") == []


def test_a_handler_is_reminded_once_when_an_item_falls_due(app, office, runner):
    item = walk(new_item(office), office, "instruct", "assign:handler_id=%d" % office["handler"].id)
    item.deadline = clock.today() + timedelta(days=2)
    db.session.commit()
    for _ in range(2):
        assert runner.invoke(args=["notify", "send-due"]).exit_code == 0
    reminded = _messages(subject="督办件即将到期", channel=Channel.PORTAL)
    assert [m.user_id for m in reminded] == [office["handler"].id]
    assert f"将于 {item.deadline.isoformat()} 到期" in reminded[0].body


# --- 《法院工作信息》 ----------------------------------------------------------------------------------------------

def _issue(court, title="第一季度审判执行工作情况", published_on=None, notify=False, filename="工作信息.pdf"):
    from portal.notices import newsletters

    draft = newsletters.NewsletterDraft(title=title, published_on=published_on or clock.today(), summary="摘要",
                                        notify=notify)
    upload = FileStorage(io.BytesIO(b"%PDF-1.4 x"), filename=filename)
    with current_app.test_request_context():  # no one logged in: saving the file names no uploader
        newsletter = newsletters.create_newsletter(draft, [upload], court.id)
    db.session.commit()
    return newsletter


def _issue_form(**kw):
    data = {"title": "第二季度审判执行工作情况", "published_on": clock.today().isoformat(), "summary": "上半年收案情况",
            "file": (io.BytesIO(b"%PDF-1.4 x"), "第2期.pdf")}
    data.update(kw)
    return data


def test_issues_are_numbered_per_court_and_year(app, court, make_court):
    other = make_court()
    last_year = clock.today().replace(year=clock.today().year - 1, month=6, day=1)
    assert [_issue(court).number, _issue(court).number] == [1, 2]
    assert _issue(other).number == 1 and _issue(court, published_on=last_year).number == 1
    third = _issue(court)
    assert (third.number, third.year, third.issue_label) == (3, clock.today().year, f"{clock.today().year}年第3期")


def test_an_issue_saved_at_the_same_time_takes_the_next_number(app, court, monkeypatch):
    """Two saves read the same last number: the unique constraint refuses the second, which retries."""
    from portal.notices import newsletters

    _issue(court)
    real, calls = newsletters._next_number, []

    def stale(court_id, year):  # the first read happened before the other save committed
        calls.append(year)
        return 1 if len(calls) == 1 else real(court_id, year)

    monkeypatch.setattr(newsletters, "_next_number", stale)
    assert _issue(court).number == 2 and len(calls) == 2


def test_an_issue_dated_in_the_future_comes_back_with_what_was_typed(app, client, make_user):
    log_in(client, make_user(Role.LIAISON).username)
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    response = client.post("/notices/newsletters/new", data=_issue_form(published_on=tomorrow),
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "印发日期不能晚于今天" in page
    assert 'value="第二季度审判执行工作情况"' in page and "上半年收案情况" in page
    from portal.notices.models import Newsletter
    assert db.session.scalar(select(func.count()).select_from(Newsletter)) == 0


def test_the_notify_box_queues_one_sms_per_active_deputy(app, client, make_user, make_deputy):
    from portal.notices.models import Newsletter

    active = [_deputy(make_deputy) for _ in range(3)]
    _deputy(make_deputy, status=DeputyStatus.RETIRED, left_on=clock.today())
    log_in(client, make_user(Role.LIAISON).username)
    response = client.post("/notices/newsletters/new", data=_issue_form(notify="y"),
                           content_type="multipart/form-data")
    assert response.status_code == 303
    newsletter = db.session.scalars(select(Newsletter)).one()
    sms = _messages(channel=Channel.SMS, about_type="newsletter")
    assert sorted(m.deputy_id for m in sms) == sorted(d.id for d in active)
    assert all(f"第{newsletter.number}期" in m.body for m in sms)
    client.post("/notices/newsletters/new", data=_issue_form(title="不通知的一期"), content_type="multipart/form-data")
    assert len(_messages(channel=Channel.SMS, about_type="newsletter")) == 3


def test_a_deputy_comments_and_staff_turn_it_into_an_item(app, client, court, make_user, make_deputy):
    from portal.items.models import ItemKind, ItemOrigin
    from portal.notices.models import NewsletterComment

    newsletter = _issue(court)
    deputy = _deputy(make_deputy, kind=DeputyKind.CPPCC)
    user = make_user(Role.DEPUTY, deputy=deputy)
    log_in(client, user.username)
    page = client.get(f"/notices/newsletters/{newsletter.id}/read").get_data(as_text=True)
    assert newsletter.title in page and "工作信息.pdf" in page
    assert client.post(f"/notices/newsletters/{newsletter.id}/read", data={"text": "  "}).status_code == 422
    assert client.post(f"/notices/newsletters/{newsletter.id}/read",
                       data={"text": "建议增加执行案件的数据"}).status_code == 303
    comment = db.session.scalars(select(NewsletterComment)).one()
    assert comment.deputy_id == deputy.id and "法院联络部门研究中" in client.get(
        f"/notices/newsletters/{newsletter.id}/read").get_data(as_text=True)

    client.post("/logout")
    log_in(client, make_user(Role.LIAISON).username)
    assert "建议增加执行案件的数据" in client.get(f"/notices/newsletters/{newsletter.id}").get_data(as_text=True)
    url = f"/notices/newsletters/{newsletter.id}/comments/{comment.id}/item"
    assert client.post(url).status_code == 303
    db.session.expire_all()
    item = comment.item
    assert item.deputies == [deputy] and item.origin == ItemOrigin.PORTAL and item.kind == ItemKind.PROPOSAL
    assert item.title == f"对《法院工作信息》第{newsletter.number}期的意见" and item.content == "建议增加执行案件的数据"
    assert client.post(url).status_code == 409

    client.post("/logout")
    log_in(client, user.username)
    page = client.get(f"/notices/newsletters/{newsletter.id}/read").get_data(as_text=True)
    assert item.number in page and item.state.label in page


@pytest.mark.parametrize("role", [Role.LIAISON, Role.LEADER, Role.HANDLER, Role.DEPUTY])
def test_who_reads_issues(app, client, court, make_court, make_user, make_deputy, role):
    mine, theirs = _issue(court), _issue(make_court(code="far"), title="外院的一期")
    kw = {"deputy": make_deputy()} if role == Role.DEPUTY else {}
    log_in(client, make_user(role, **kw).username)
    staff = role != Role.DEPUTY
    listed = client.get("/notices/newsletters")
    assert listed.status_code == (200 if staff else 403)
    if staff:
        assert mine.title in listed.get_data(as_text=True) and "本年共 1 期" in listed.get_data(as_text=True)
        assert client.get(f"/notices/newsletters/{theirs.id}").status_code == 404
    assert client.get(f"/notices/newsletters/{mine.id}").status_code == (200 if staff else 403)
    assert client.get(f"/notices/newsletters/{theirs.id}/read").status_code == (403 if staff else 200)
    assert client.get("/notices/newsletters/new").status_code == (200 if role == Role.LIAISON
                                                                  else 403)
    from portal.attachments import files_of
    from portal.notices.newsletters import OWNER_TYPE

    file = files_of(OWNER_TYPE, [mine.id])[mine.id][0]
    download = client.get(f"/notices/newsletters/{mine.id}/files/{file.id}/工作信息.pdf")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")


def test_the_workspace_lists_the_latest_issues(app, court, make_deputy):
    from portal.notices.contributions import deputy_panel

    newsletter = _issue(court)
    panel = deputy_panel(_deputy(make_deputy), clock.today().year)
    assert panel.title == "法院工作信息" and panel.rows == [newsletter]
