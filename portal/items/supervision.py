"""Deadlines and supervision (督办): the reply deadline of each kind, the deadline state of an item, and the overdue
escalation (超期升级督办).

The escalation writes, so it never runs while a page is read: ``flask --app portal supervise`` (cron or a systemd
timer) checks every court, and :func:`escalate_item` checks one item at the moment it changes (a step, an edit).
Who is shown which flagged items is a query: ``queries.attention_condition``.
"""
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import and_, case, false, or_, select

from portal import audit, clock, events
from portal.auth.models import User
from portal.extensions import db
from portal.items.history import record_event
from portal.items.models import SUPERVISED, Item, ItemKind, ItemState
from portal.models import utcnow

# SUPERVISED (models): the states in which an item is still owed a reply, and so is supervised against its deadline.
# States in which a department is handling it.
HANDLING = (ItemState.ASSIGNED, ItemState.IN_PROGRESS, ItemState.REPLY_DRAFTED, ItemState.REPLY_HEARD)


def deadline_days(kind: ItemKind) -> int:
    """The default days to the reply deadline for a kind (ITEM_DEADLINE_DAYS), counted from ITEM_DEADLINE_FROM."""
    from portal.items import SETTINGS  # a court's setting may name some kinds only: the others keep theirs

    days = {**SETTINGS["ITEM_DEADLINE_DAYS"], **current_app.config["ITEM_DEADLINE_DAYS"]}
    return int(days.get(kind.value, 30))


def deadline_counts_from_receipt() -> bool:
    """ITEM_DEADLINE_FROM: "received" (the default: 收件之日) or "assigned" (交办之日)."""
    return current_app.config["ITEM_DEADLINE_FROM"] != "assigned"


def default_deadline(kind: ItemKind, start: date | None = None) -> date:
    """The reply deadline of ``kind`` counted from ``start`` (default today)."""
    return (start or clock.today()) + timedelta(days=deadline_days(kind))


def assignment_deadline(item: Item, assigned_on: date) -> date:
    """The default deadline of an assignment on ``assigned_on``: from the receipt or the assignment (as set)."""
    return default_deadline(item.kind, item.received_on if deadline_counts_from_receipt() else assigned_on)


def proposal_due(kind: ItemKind, received_on: date) -> date | None:
    """A letter's proposed handling (拟办) is due ITEM_LETTER_PROPOSAL_DAYS after receipt; other kinds have none."""
    if kind != ItemKind.LETTER:
        return None
    return received_on + timedelta(days=int(current_app.config["ITEM_LETTER_PROPOSAL_DAYS"]))


DEADLINE_STATES = {"overdue": "已超期", "soon": "即将到期", "on_time": "未到期", "none": "未定期限", "done": "已答复"}


def _soon_after(today: date) -> date:
    return today + timedelta(days=int(current_app.config["ITEM_DUE_SOON_DAYS"]))


def deadline_state_column(today: date | None = None):
    """The deadline state as a SQL expression: overdue, soon, on_time, none or done (to show or sort by; to filter
    by it, :func:`deadline_state_in` says the same in terms an index serves)."""
    today = today or clock.today()
    due = Item.supervised_due  # NULL when not supervised (done) or without a date (none)
    return case((due.is_(None), case((Item.state.in_(SUPERVISED), "none"), else_="done")), (due < today, "overdue"),
                (due <= _soon_after(today), "soon"), else_="on_time")


def deadline_state_in(states, today: date | None = None):
    """SQL: the item's deadline state (:func:`deadline_state_column`) is one of ``states``, as ranges of
    ``Item.supervised_due`` (ix_item_supervised_due) rather than a CASE computed for every item."""
    today = today or clock.today()
    soon = _soon_after(today)
    due = Item.supervised_due
    dated = due.is_not(None)  # never NULL itself: the condition's negation (the queue's "the rest") stays exact
    ranges = {"overdue": and_(dated, due < today), "soon": and_(dated, due >= today, due <= soon),
              "on_time": and_(dated, due > soon), "none": and_(due.is_(None), Item.state.in_(SUPERVISED)),
              "done": Item.state.not_in(SUPERVISED)}
    wanted = set(states)
    if {"overdue", "soon"} <= wanted:  # flagged: one range
        wanted -= {"overdue", "soon"}
        conditions = [and_(dated, due <= soon)]
    else:
        conditions = []
    conditions += [ranges[state] for state in DEADLINE_STATES if state in wanted]
    return or_(*conditions) if conditions else false()


def deadline_state(item: Item, today: date | None = None) -> str:
    """The same as :func:`deadline_state_column`, for an item already loaded."""
    today = today or clock.today()
    if item.state not in SUPERVISED:
        return "done"
    if item.due_on is None:
        return "none"
    if item.due_on < today:
        return "overdue"
    if item.due_on <= _soon_after(today):
        return "soon"
    return "on_time"


def escalate_overdue(court_ids: list[int] | None = None, item_ids: list[int] | None = None) -> int:
    """Record once per round that an overdue item went up to its responsible leaders (超期升级督办).

    Done by the system, not by a person: ``flask --app portal supervise`` (cron) checks every court, and a step
    taken on an item checks that item. Neither the history nor the audit trail names a user. Idempotent.
    """
    today = clock.today()
    query = select(Item).where(Item.escalated_at.is_(None), deadline_state_in(["overdue"], today))
    if court_ids is not None:
        query = query.where(Item.court_id.in_(court_ids))
    if item_ids is not None:
        query = query.where(Item.id.in_(item_ids))
    overdue = list(db.session.scalars(query.order_by(Item.id)))
    with audit.as_system(db.session):
        now = utcnow()
        for item in overdue:
            item.escalated_at = now
            leader = db.session.get(User, item.leader_id) if item.leader_id else None
            to = f"，已报责任领导{leader.display_name}" if leader else ""
            record_event(item, "escalate", note=f"已超过期限 {item.due_on.isoformat()}{to}", system=True)
            events.announce("item.escalated", item, due_on=item.due_on, leader_id=item.leader_id)
    return len(overdue)


def escalate_item(item: Item) -> None:
    """The overdue check at the moment an item changes (the same as the scheduled one, for this item)."""
    if item.escalated_at is None and deadline_state(item) == "overdue":
        escalate_overdue(item_ids=[item.id])
