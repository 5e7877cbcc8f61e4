"""过问留痕: who asked about a pending case, when and how, logged on the item; and who may read that log.

The log is for the liaison office and the leaders, never for the judges handling the case (:func:`sees_contacts`).
"""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.access import current_user_id
from portal.auth.models import Role
from portal.extensions import db
from portal.items.history import record_event
from portal.items.models import Item, ItemContact

CONTACT_CHANNELS = ("来访", "来电", "来信", "当面", "短信", "电子邮件", "其他")


def add_contact(item: Item, *, contacted_at: datetime, person: str, channel: str, content: str,
                deputy_id: int | None = None) -> ItemContact:
    """过问留痕: log a contact about a pending case on the item."""
    contact = ItemContact(item_id=item.id, contacted_at=contacted_at, person=person, channel=channel, content=content,
                          deputy_id=deputy_id, recorded_by_id=current_user_id())
    db.session.add(contact)
    db.session.flush()
    record_event(item, "contact", note=f"{person}（{channel}）：{content}"[:500])
    return contact


def contacts(item: Item) -> list[ItemContact]:
    """The item's contacts in the order they happened."""
    return list(db.session.scalars(select(ItemContact).options(selectinload(ItemContact.recorded_by))
                                   .where(ItemContact.item_id == item.id)
                                   .order_by(ItemContact.contacted_at, ItemContact.id)))


def sees_contacts(user) -> bool:
    """过问留痕 is for the liaison office and the leaders, not for the judges handling the case."""
    return user.role in (Role.LIAISON, Role.LEADER)
