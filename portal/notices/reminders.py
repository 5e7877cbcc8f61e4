"""Reminders the portal queues by itself on a schedule: the day before a hearing, to each deputy still expected;
an item due within ``ITEM_DUE_SOON_DAYS``, to its handler.

Run by every pass of the worker (``notify run`` / ``notify send-due``), never by a page. Idempotent: an
invitation gets one reminder, whenever and however often the pass runs.
"""
from datetime import datetime, time, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload

from portal import clock
from portal.extensions import db
from portal.hearings.models import EXPECTING, Hearing, HearingInvitation, HearingStatus
from portal.items.models import Item
from portal.items.services import due_soon_condition
from portal.notices import services
from portal.notices.models import Message

REMINDER = "庭审提醒"
DUE_SOON = "督办件即将到期"


def hearing_line(hearing: Hearing) -> str:
    """“某某法院定于3月1日（星期三）9:30在第三法庭开庭审理（2025）云01民初12号买卖合同纠纷一案”"""
    starts = clock.to_local(hearing.starts_at)
    weekday = "一二三四五六日"[starts.weekday()]
    return (f"{hearing.court.name}定于{starts.month}月{starts.day}日（星期{weekday}）{starts:%H:%M}在"
            f"{hearing.court_room}开庭审理{hearing.case_number}{hearing.cause}一案")


def queue_hearing_reminders(now: datetime | None = None) -> int:
    """Queue tomorrow's reminders (court days) that are not queued yet; the number queued."""
    now = now or clock.now()
    tomorrow = clock.local_date(now) + timedelta(days=1)
    start = clock.from_local(datetime.combine(tomorrow, time()))
    reminded = exists().where(Message.about_type == HearingInvitation.__tablename__,
                              Message.about_id == HearingInvitation.id, Message.subject == REMINDER)
    invitations = db.session.scalars(
        select(HearingInvitation).join(HearingInvitation.hearing)
        .where(Hearing.starts_at >= start, Hearing.starts_at < start + timedelta(days=1),
               Hearing.status.in_([HearingStatus.SCHEDULED, HearingStatus.MOVED]),
               HearingInvitation.status.in_(EXPECTING), ~reminded)
        .options(joinedload(HearingInvitation.hearing).joinedload(Hearing.court),
                 joinedload(HearingInvitation.deputy))).unique().all()
    for invitation in invitations:
        hearing = invitation.hearing
        services.tell_deputy(invitation.deputy, REMINDER,
                             f"{services.salutation(invitation.deputy)}：{hearing_line(hearing)}，"
                             "诚邀您届时旁听。如有变化请告知法院联络部门。",
                             court_id=hearing.court_id, link=services.link_to("hearings.mine"), about=invitation)
    db.session.commit()
    return len(invitations)


def queue_due_soon_reminders(now: datetime | None = None) -> int:
    """Tell each handler of an item due soon, once per assignment (a new round is assigned again)."""
    now = now or clock.now()
    told = exists().where(Message.about_type == Item.__tablename__, Message.about_id == Item.id,
                          Message.subject == DUE_SOON, Message.created_at >= Item.assigned_at)
    items = db.session.scalars(select(Item).where(due_soon_condition(clock.local_date(now)), ~told)
                               .options(joinedload(Item.handler))).all()
    for item in items:
        services.tell_user(item.handler, DUE_SOON,
                           f"{item.number}《{item.title[:30]}》将于 {item.due_on.isoformat()} 到期，请抓紧办理。",
                           link=services.link_to("items.detail", item_id=item.id), about=item, sms=True)
    db.session.commit()
    return len(items)
