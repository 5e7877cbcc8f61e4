"""What notices show elsewhere: a message sent to a deputy counts as a contact for pairing (结对联络)."""
from sqlalchemy import func, select

from portal import clock
from portal.areas import Contact
from portal.extensions import db
from portal.notices.models import Channel, Message, MessageState


def last_contacts(deputy_ids: list[int]) -> dict:
    rows = db.session.execute(select(Message.deputy_id, func.max(Message.sent_at)).where(
        Message.deputy_id.in_(deputy_ids), Message.state == MessageState.SENT,
        Message.channel.in_([Channel.SMS, Channel.EMAIL])).group_by(Message.deputy_id))
    return {deputy_id: Contact(clock.local_date(sent), "短信或邮件") for deputy_id, sent in rows}
