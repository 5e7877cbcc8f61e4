"""Registering tracked items (登记), and the surface other areas call: ``create_item``, ``items_from``,
``check_case_number`` and ``due_soon_condition``.

Receptions, hearing forums and duty reviews turn what deputies raise into items here; the rest of the area is in
``workflow`` (the steps), ``supervision`` (deadlines), ``queries`` (who sees what, the lists and figures),
``contacts`` (过问留痕), ``history`` and ``documents`` (the Word documents).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from portal import clock, events
from portal.access import current_user_id
from portal.auth.models import Court
from portal.casenumber import parse_case_number
from portal.errors import ServiceError
from portal.extensions import db
from portal.items.history import record_event
from portal.items.models import Item, ItemCounter, ItemKind, ItemOrigin, ItemState
from portal.items.supervision import escalate_item, proposal_due
from portal.register.models import Deputy, DeputyKind


def next_number(court_id: int, year: int) -> str:
    """The next 登记编号 of a court for a year: YLZY-2025-0001, YLZY-2025-0002, … (the court's code in front).

    The sequence comes from the court's counter row for the year, incremented by one UPDATE … RETURNING in the
    registering transaction: the row stays locked (PostgreSQL) or the database write-locked (SQLite) until the
    transaction ends, so simultaneous registrations wait for each other and get consecutive numbers.
    """
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    db.session.execute(dialect.insert(ItemCounter).values(court_id=court_id, year=year, last=0)
                       .on_conflict_do_nothing())
    sequence = db.session.execute(
        update(ItemCounter).where(ItemCounter.court_id == court_id, ItemCounter.year == year)
        .values(last=ItemCounter.last + 1).returning(ItemCounter.last)).scalar_one()
    code = db.session.scalar(select(Court.code).where(Court.id == court_id))
    return f"{code.upper()}-{year}-{sequence:04d}"


def number_parts(item: Item) -> tuple[str, int]:
    """(year, sequence) of a 登记编号: ("2025", 12) for YLZY-2025-0012."""
    head, _, sequence = item.number.rpartition("-")
    return head[-4:], int(sequence) if sequence.isdigit() else 0


def create_item(*, court_id: int, kind: ItemKind, title: str, content: str = "", deputies=(),
                origin: ItemOrigin = ItemOrigin.OTHER, origin_id: int | None = None, received_on: date | None = None,
                source_body: str = "", case_number: str = "", leader_id: int | None = None) -> Item:
    """Register (登记) a new item; the first step of its history is recorded with it.

    Letters get their proposed-handling date (ITEM_LETTER_PROPOSAL_DAYS after receipt) at once.
    """
    received_on = received_on or clock.today()
    if case_number:
        parsed, _ = parse_case_number(case_number)
        case_number = parsed.value if parsed else case_number
    item = Item(court_id=court_id, number=next_number(court_id, received_on.year), kind=kind, title=title.strip(),
                content=content.strip(), origin=origin, origin_id=origin_id, received_on=received_on,
                source_body=source_body.strip(), case_number=case_number.strip(), state=ItemState.REGISTERED,
                deputies=list(deputies), created_by_id=current_user_id(), proposal_due=proposal_due(kind, received_on),
                leader_id=leader_id)
    db.session.add(item)
    db.session.flush()
    record_event(item, "register", note=f"来源：{origin.label}", to_state=ItemState.REGISTERED,
                 at=clock.act_moment(received_on))
    events.announce("item.registered", item, kind=kind, origin=origin)
    return item


def due_soon_condition(today: date):
    """SQL: the item is being handled by a named handler and falls due within ``ITEM_DUE_SOON_DAYS`` (for reminders)."""
    from portal.items.supervision import HANDLING, deadline_state_in

    return and_(Item.state.in_(HANDLING), Item.handler_id.is_not(None), Item.assigned_at.is_not(None),
                deadline_state_in(["soon"], today))


def items_from(origin: ItemOrigin, origin_ids: list[int]) -> dict[int, list[Item]]:
    """The items that came from each of these records (a reception, a hearing opinion…), in one query."""
    found: dict[int, list[Item]] = {origin_id: [] for origin_id in origin_ids}
    if origin_ids:
        query = select(Item).where(Item.origin == origin, Item.origin_id.in_(origin_ids)).order_by(Item.id)
        for item in db.session.scalars(query):
            found[item.origin_id].append(item)
    return found


def deputy_kinds(deputy: Deputy) -> list[ItemKind]:
    """What a deputy may submit in the portal: suggestions as a congress deputy, proposals as a CPPCC member
    (someone who is both may submit both), and letters."""
    kinds = {m.kind for m in deputy.active_mandates or deputy.mandates}
    own = [ItemKind.SUGGESTION] if DeputyKind.NPC in kinds or not kinds else []
    return own + ([ItemKind.PROPOSAL] if DeputyKind.CPPCC in kinds else []) + [ItemKind.LETTER]


def check_case_number(values: dict, errors: dict, *, required: bool) -> None:
    """相关案号 checked as everywhere (portal.casenumber): normalised in ``values``, or an error."""
    if "case_number" in errors:
        return
    if not values["case_number"]:
        if required:
            errors["case_number"] = "关注案件请填写案号。"
        return
    parsed, problem = parse_case_number(values["case_number"])
    if problem:
        errors["case_number"] = problem
    else:
        values["case_number"] = parsed.value


def update_item(item: Item, values: dict) -> None:
    """Change the registration data (登记信息); the audit trail keeps each field's old value."""
    if item.state == ItemState.CLOSED:
        raise ServiceError("已办结的事项不能修改登记信息。")
    for key in ("kind", "origin", "received_on", "title", "content", "case_number", "source_body"):
        setattr(item, key, values[key])
    if item.deadline is None:
        item.proposal_due = proposal_due(item.kind, item.received_on)
    before = {d.id for d in item.deputies}
    item.deputies = values["deputies"]
    changed = "、".join(d.name for d in item.deputies) if before != {d.id for d in item.deputies} else ""
    record_event(item, "edit", note=f"代表委员：{changed}" if changed else "")
    escalate_item(item)  # a new receipt date can bring a letter's proposed-handling date into the past
