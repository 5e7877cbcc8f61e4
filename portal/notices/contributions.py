"""What notices show elsewhere: the unread-messages badge in the header, a message sent to a deputy as a
contact for pairing (结对联络), and the latest issues of 《法院工作信息》 on the deputy's workspace."""
from datetime import date

from sqlalchemy import func, select

from portal import clock
from portal.areas import Contact, Panel
from portal.extensions import db
from portal.notices.models import Channel, Message, MessageState


def _sent(*columns):
    """SQL: ``columns`` of every SMS or email sent to a deputy (a contact on the day it went out)."""
    return select(*columns).where(Message.state == MessageState.SENT, Message.channel.in_([Channel.SMS, Channel.EMAIL]))


def last_contacts(deputy_ids: list[int]) -> dict:
    rows = db.session.execute(_sent(Message.deputy_id, func.max(Message.sent_at))
                              .where(Message.deputy_id.in_(deputy_ids)).group_by(Message.deputy_id))
    return {deputy_id: Contact(clock.local_date(sent), "短信或邮件") for deputy_id, sent in rows}


def contacted_since(day: date):
    """SQL: the deputies sent an SMS or email on ``day`` or later (pairing coverage)."""
    return _sent(Message.deputy_id).where(Message.sent_at >= clock.start_of_day(day))


def header_panel(user) -> Panel:
    """消息 with the number of the user's unread in-portal messages."""
    from portal.notices.services import unread_count

    return Panel(title="消息", template="notices/_badge.html", order=10, extra={"unread": unread_count(user.id)})


def deputy_panel(deputy, year: int | None) -> Panel:
    """The latest issues of 《法院工作信息》 (every deputy receives every issue), each to read and comment on."""
    from portal.notices.newsletters import latest_for_deputy

    return Panel(title="法院工作信息", template="notices/_deputy_panel.html", order=45, rows=latest_for_deputy())


def figures(scope):
    """SMS and emails sent in the period (by the day they went out) and the issues of 《法院工作信息》 published in it,
    per court and in total: one grouped query each. The outbox, filtered by channel, state and day sent (the
    days a message went out, ``sent_from``/``sent_to``) lists exactly those messages; the newsletter list the issues
    published in the period."""
    from portal.access import EDITOR_ROLES
    from portal.figures.definitions import FigureGroup, count_if, figure, tally
    from portal.notices.models import Newsletter

    sent = tally(db.session.execute(
        select(Message.court_id, count_if(Message.channel == Channel.SMS), count_if(Message.channel == Channel.EMAIL))
        .where(Message.court_id.in_(scope.court_ids), Message.state == MessageState.SENT,
               Message.channel.in_((Channel.SMS, Channel.EMAIL)),  # the index's ranges: court, state, channel, day
               Message.sent_at >= scope.start_moment, Message.sent_at < scope.end_moment)
        .group_by(Message.court_id)), ["sms", "email"])
    issues = tally(db.session.execute(
        select(Newsletter.court_id, func.count())
        .where(Newsletter.court_id.in_(scope.court_ids), Newsletter.published_on >= scope.start,
               Newsletter.published_on <= scope.end).group_by(Newsletter.court_id)), ["issues"])
    days_sent = {"sent_from": scope.start.isoformat(), "sent_to": scope.end.isoformat()}
    return FigureGroup("notices", "消息与《法院工作信息》", order=60, figures=[
        figure("sms", "发送短信", sent["sms"], scope.links("notices.index", EDITOR_ROLES, channel="sms",
                                                                state="sent", **days_sent)),
        figure("email", "发送电子邮件", sent["email"], scope.links("notices.index", EDITOR_ROLES, channel="email",
                                                                      state="sent", **days_sent)),
        figure("newsletters", "《法院工作信息》期数", issues["issues"], scope.links(
            "notices.newsletter_list", published_from=scope.start.isoformat(), published_to=scope.end.isoformat())),
    ])
