"""What the hearings area tells people through notices, and what it takes note of when a message went out.

- An invitation sent (``invitation.sent``): the deputy is invited, with the page where they answer.
- A hearing moved, adjourned or cancelled: every invitee still expected hears of it (those who declined do not).
- The day before a hearing: a reminder to each invitee still expected (``queue_reminders``, called by the notices
  worker through ``contributions.scheduled_notices``; idempotent: an invitation gets one reminder).
- A change notice delivered by SMS or email (notices' ``message.sent``) empties the board's list of deputies to
  ring. A deputy without a mobile number or email, or whose messages failed, stays on the list for a phone call and
  the staff's "已通知" button.

The listeners run inside the transaction of the change (``in_transaction=True``): the messages they queue commit
with the change or not at all. The texts are short enough for one or two SMS parts.
"""
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal import clock, events
from portal.extensions import db
from portal.hearings.models import EXPECTING, Hearing, HearingInvitation, HearingStatus
from portal.notices import services as notices
from portal.register.models import Deputy

REMINDER = "庭审提醒"
CHANGES = {"hearing.moved": ("庭审变更", "庭审时间或地点有变，现{line}"),
           "hearing.adjourned": ("庭审延期", "原定庭审已延期（{line}），新的时间另行通知"),
           "hearing.cancelled": ("庭审取消", "原定庭审已取消（{line}）")}


def hearing_line(hearing: Hearing) -> str:
    """“某某法院定于3月1日（星期三）9:30在第三法庭开庭审理（2025）云01民初12号买卖合同纠纷一案”"""
    starts = clock.to_local(hearing.starts_at)
    weekday = "一二三四五六日"[starts.weekday()]
    return (f"{hearing.court.name}定于{starts.month}月{starts.day}日（星期{weekday}）{starts:%H:%M}在"
            f"{hearing.court_room}开庭审理{hearing.case_number}{hearing.cause}一案")


def remind(invitation: HearingInvitation) -> None:
    """Queue the day-before reminder of one invitation."""
    hearing = invitation.hearing
    notices.tell_deputy(invitation.deputy, REMINDER,
                        f"{notices.salutation(invitation.deputy)}：{hearing_line(hearing)}，"
                        "诚邀您届时旁听。如有变化请告知法院联络部门。",
                        court_id=hearing.court_id, about=invitation,
                        link=notices.link_to("hearings.mine_detail", invitation_id=invitation.id))


@events.on("invitation.sent", in_transaction=True)
def invitation_sent(event: events.Event) -> None:
    invitation = db.session.get(HearingInvitation, event.subject_id)
    hearing = invitation.hearing
    notices.tell_deputy(invitation.deputy, "庭审旁听邀请",
                        f"{notices.salutation(invitation.deputy)}：{hearing_line(hearing)}，诚邀您旁听。"
                        "请登录平台答复是否出席。",
                        court_id=hearing.court_id, about=invitation,
                        link=notices.link_to("hearings.mine_detail", invitation_id=invitation.id))


@events.on("hearing.moved", in_transaction=True)
@events.on("hearing.adjourned", in_transaction=True)
@events.on("hearing.cancelled", in_transaction=True)
def hearing_changed(event: events.Event) -> None:
    """Every invitee still expected hears of the change (those who declined do not): one batch of messages."""
    hearing = db.session.get(Hearing, event.subject_id)
    subject, text = CHANGES[event.name]
    line = text.format(line=hearing_line(hearing))
    expected = db.session.scalars(select(Deputy).join(HearingInvitation, HearingInvitation.deputy_id == Deputy.id)
                                  .where(HearingInvitation.hearing_id == hearing.id,
                                         HearingInvitation.status.in_(EXPECTING))).all()
    notices.tell_deputies(expected, subject,
                          lambda deputy: f"{notices.salutation(deputy)}：{line}。给您带来不便，敬请谅解。",
                          court_id=hearing.court_id, about=hearing, link=notices.link_to("hearings.mine"))


@events.on("message.sent", in_transaction=True)
def change_notice_sent(event: events.Event) -> None:
    """Clear the invitation's "to ring" flag, telling when the message went out.

    Only a message about the hearing as it now is: one queued before the hearing's last change (a move that
    came after it, say) told the deputy something out of date, and the newer message is still to go.
    """
    data = event.data
    if data.get("about_type") != Hearing.__tablename__ or not data.get("deputy_id"):
        return
    invitation = db.session.scalar(select(HearingInvitation).where(
        HearingInvitation.hearing_id == data["about_id"], HearingInvitation.deputy_id == data["deputy_id"]))
    if invitation is None or not invitation.needs_notice:
        return
    if datetime.fromisoformat(data["queued_at"]) < invitation.hearing.updated_at:
        return
    invitation.needs_notice = False
    invitation.notified_at = datetime.fromisoformat(data["sent_at"])
    db.session.flush()


def queue_reminders(now: datetime) -> int:
    """Queue tomorrow's reminders (court days) that are not queued yet; the number queued."""
    tomorrow = clock.local_date(now) + timedelta(days=1)
    start = clock.from_local(datetime.combine(tomorrow, time()))
    invitations = db.session.scalars(
        select(HearingInvitation).join(HearingInvitation.hearing)
        .where(Hearing.starts_at >= start, Hearing.starts_at < start + timedelta(days=1),
               Hearing.status.in_([HearingStatus.SCHEDULED, HearingStatus.MOVED]),
               HearingInvitation.status.in_(EXPECTING), ~notices.told(HearingInvitation, REMINDER))
        .options(joinedload(HearingInvitation.hearing).joinedload(Hearing.court),
                 joinedload(HearingInvitation.deputy))).unique().all()
    for invitation in invitations:
        remind(invitation)
    db.session.commit()
    return len(invitations)
