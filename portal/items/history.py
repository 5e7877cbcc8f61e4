"""An item's history (办理过程): every step, edit, contact and escalation as an ``ItemEvent``, and who may read which.

The other modules of the area write here through :func:`record_event`; the item page reads :func:`history`.
"""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.access import current_user_id
from portal.extensions import db
from portal.items.models import Item, ItemEvent, ItemState
from portal.models import utcnow


def record_event(item: Item, action: str, *, note: str = "", from_state: ItemState | None = None,
                 to_state: ItemState | None = None, user_id: int | None = None, at: datetime | None = None,
                 system: bool = False) -> ItemEvent:
    """Add a step to the item's history, by ``user_id`` (default: the logged-in user; nobody when ``system``),
    at ``at`` (default: now)."""
    event = ItemEvent(item_id=item.id, action=action, note=note, user_id=None if system else user_id or current_user_id(),
                      from_state=from_state.value if from_state else "", to_state=to_state.value if to_state else "",
                      at=at or utcnow())
    db.session.add(event)
    db.session.flush()
    return event


# What a deputy sees of an item's history.
DEPUTY_VISIBLE_ACTIONS = {"register", "assign", "hear", "answer", "rate", "reopen", "close"}


def history(item: Item, *, for_deputy: bool = False) -> list[ItemEvent]:
    """The steps in the order they happened; a deputy sees the ones that concern them (not internal work)."""
    query = select(ItemEvent).options(selectinload(ItemEvent.user)).where(ItemEvent.item_id == item.id)
    if for_deputy:
        query = query.where(ItemEvent.action.in_(DEPUTY_VISIBLE_ACTIONS))
    return list(db.session.scalars(query.order_by(ItemEvent.at, ItemEvent.id)))
