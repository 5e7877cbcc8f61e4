"""Queries and writes for tracked items. Other areas create items with ``create_item``."""
from datetime import date

from flask_login import current_user
from sqlalchemy import func, select

from portal.extensions import db
from portal.items.models import Item, ItemEvent, ItemKind, ItemOrigin, ItemState


def next_number(court_id: int, year: int) -> str:
    """The next 登记编号 of a court for a year: 2025-0001, 2025-0002, …"""
    prefix = f"{year}-"
    last = db.session.scalar(select(func.max(Item.number)).where(Item.court_id == court_id,
                                                                  Item.number.startswith(prefix)))
    sequence = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


def create_item(*, court_id: int, kind: ItemKind, title: str, content: str = "", deputies=(),
                origin: ItemOrigin = ItemOrigin.OTHER, origin_id: int | None = None, received_on: date | None = None,
                source_body: str = "", case_number: str = "") -> Item:
    """Register (登记) a new item; the first step of its history is recorded with it."""
    received_on = received_on or date.today()
    item = Item(court_id=court_id, number=next_number(court_id, received_on.year), kind=kind, title=title.strip(),
                content=content.strip(), origin=origin, origin_id=origin_id, received_on=received_on,
                source_body=source_body.strip(), case_number=case_number.strip(), state=ItemState.REGISTERED,
                deputies=list(deputies), created_by_id=_user_id())
    db.session.add(item)
    db.session.flush()
    record_event(item, "register", note=f"来源：{origin.label}", to_state=ItemState.REGISTERED)
    return item


def record_event(item: Item, action: str, *, note: str = "", from_state: ItemState | None = None,
                 to_state: ItemState | None = None) -> ItemEvent:
    event = ItemEvent(item_id=item.id, action=action, note=note, user_id=_user_id(),
                      from_state=from_state.value if from_state else "", to_state=to_state.value if to_state else "")
    db.session.add(event)
    db.session.flush()
    return event


def items_from(origin: ItemOrigin, origin_ids: list[int]) -> dict[int, list[Item]]:
    """The items that came from each of these records (a reception, a hearing opinion…), in one query."""
    found: dict[int, list[Item]] = {origin_id: [] for origin_id in origin_ids}
    if origin_ids:
        query = select(Item).where(Item.origin == origin, Item.origin_id.in_(origin_ids)).order_by(Item.id)
        for item in db.session.scalars(query):
            found[item.origin_id].append(item)
    return found


def _user_id() -> int | None:
    return current_user.id if current_user and current_user.is_authenticated else None
