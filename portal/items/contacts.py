"""过问留痕: who asked about a pending case, when and how, logged on the item; and who may read that log.

The log is for the liaison office and the leaders, never for the judges handling the case (:func:`sees_contacts`).
"""
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import clock, params
from portal.access import current_user_id
from portal.auth.models import Role
from portal.extensions import db
from portal.items.history import record_event
from portal.items.models import TEXT_LIMIT, Item, ItemContact
from portal.items.services import ItemInput
from portal.models import utcnow

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


def validate_contact(raw: dict, item: Item) -> ItemInput:
    """Check a contact's fields; errors keyed by field, in Chinese."""
    result = ItemInput()
    values, errors = result.values, result.errors
    for key, limit, label in (("person", 60, "过问人"), ("content", TEXT_LIMIT, "过问内容")):
        value = params.clean_text(str(raw.get(key) or ""), multiline=key == "content").strip()
        if not value:
            errors[key] = f"请填写{label}。"
        elif len(value) > limit:
            errors[key] = f"不能超过 {limit} 个字。"
        values[key] = value
    channel = str(raw.get("channel") or "")
    if channel not in CONTACT_CHANNELS:
        errors["channel"] = f"请选择方式（{'、'.join(CONTACT_CHANNELS)}）。"
    values["channel"] = channel
    at = raw.get("contacted_at")
    if at is None:
        errors["contacted_at"] = "请填写过问时间（如 2025-03-01 14:05）。"
    else:
        at = at.replace(tzinfo=clock.zone()) if at.tzinfo is None else at
        if at > utcnow() + timedelta(minutes=5):
            errors["contacted_at"] = "过问时间不能晚于现在。"
    values["contacted_at"] = at
    deputy_id = raw.get("deputy_id")
    deputy_id = params.parse_id(str(deputy_id or ""))
    if deputy_id and deputy_id not in {d.id for d in item.deputies}:
        errors["deputy_id"] = "请选择本事项关联的代表委员。"
    values["deputy_id"] = deputy_id
    return result


def contacts(item: Item) -> list[ItemContact]:
    """The item's contacts in the order they happened."""
    return list(db.session.scalars(select(ItemContact).options(selectinload(ItemContact.recorded_by))
                                   .where(ItemContact.item_id == item.id)
                                   .order_by(ItemContact.contacted_at, ItemContact.id)))


def sees_contacts(user) -> bool:
    """过问留痕 is for the liaison office and the leaders, not for the judges handling the case."""
    return user.role in (Role.ADMIN, Role.LIAISON, Role.LEADER)
