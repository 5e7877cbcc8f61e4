"""Queries and writes for tracked items. Other areas create items with ``create_item``.

The workflow lives in one table, :data:`TRANSITIONS`, and one function, :func:`advance`: every step checks who
may take it and from which state, records an :class:`ItemEvent`, and raises :class:`WorkflowError` with a
Chinese message otherwise. "Nothing closes without a reply" is enforced there, not in the pages.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from flask_login import current_user
from sqlalchemy import and_, case, exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from portal import audit, clock, params
from portal.access import visible_court_ids
from portal.auth.models import Court, Department, Role, User
from portal.documents.gbt9704 import format_date
from portal.extensions import db
from portal.items.models import (
    Item,
    ItemContact,
    ItemCounter,
    ItemEvent,
    ItemKind,
    ItemOrigin,
    ItemRating,
    ItemState,
    Rating,
    item_deputy,
)
from portal.models import utcnow
from portal.pagination import Page, paginate
from portal.register.models import Deputy, DeputyKind

TEXT_LIMIT = 5000
# States in which an item is still owed a reply, and so is supervised against its deadline.
SUPERVISED = (ItemState.REGISTERED, ItemState.INSTRUCTED, ItemState.ASSIGNED, ItemState.IN_PROGRESS,
              ItemState.REPLY_DRAFTED, ItemState.REPLY_HEARD)
HANDLING = (ItemState.ASSIGNED, ItemState.IN_PROGRESS, ItemState.REPLY_DRAFTED, ItemState.REPLY_HEARD)
CONTACT_CHANNELS = ("来访", "来电", "来信", "当面", "短信", "电子邮件", "其他")
DEFAULT_DEADLINE_DAYS = {"suggestion": 90, "proposal": 90, "letter": 7, "concerned_case": 30, "referral": 30}


def _user_id() -> int | None:
    return current_user.id if current_user and current_user.is_authenticated else None


def _config(key: str, default):
    return current_app.config.get(key, default)


def deadline_days(kind: ItemKind) -> int:
    """The default days to the reply deadline for a kind (ITEM_DEADLINE_DAYS), counted from ITEM_DEADLINE_FROM."""
    days = {**DEFAULT_DEADLINE_DAYS, **_config("ITEM_DEADLINE_DAYS", {})}
    return int(days.get(kind.value, 30))


def deadline_counts_from_receipt() -> bool:
    """ITEM_DEADLINE_FROM: "received" (the default: 收件之日) or "assigned" (交办之日)."""
    return _config("ITEM_DEADLINE_FROM", "received") != "assigned"


def default_deadline(kind: ItemKind, start: date | None = None) -> date:
    return (start or clock.today()) + timedelta(days=deadline_days(kind))


def assignment_deadline(item: Item, assigned_on: date) -> date:
    """The default deadline of an assignment on ``assigned_on``: from the receipt or the assignment (as set)."""
    return default_deadline(item.kind, item.received_on if deadline_counts_from_receipt() else assigned_on)


def proposal_due(kind: ItemKind, received_on: date) -> date | None:
    """A letter's proposed handling (拟办) is due ITEM_LETTER_PROPOSAL_DAYS after receipt; other kinds have none."""
    if kind != ItemKind.LETTER:
        return None
    return received_on + timedelta(days=int(_config("ITEM_LETTER_PROPOSAL_DAYS", 5)))


# --- registration -------------------------------------------------------------------------------------------

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
                deputies=list(deputies), created_by_id=_user_id(), proposal_due=proposal_due(kind, received_on),
                leader_id=leader_id)
    db.session.add(item)
    db.session.flush()
    record_event(item, "register", note=f"来源：{origin.label}", to_state=ItemState.REGISTERED,
                 at=clock.act_moment(received_on))
    return item


def record_event(item: Item, action: str, *, note: str = "", from_state: ItemState | None = None,
                 to_state: ItemState | None = None, user_id: int | None = None, at: datetime | None = None,
                 system: bool = False) -> ItemEvent:
    """Add a step to the item's history, by ``user_id`` (default: the logged-in user; nobody when ``system``),
    at ``at`` (default: now)."""
    event = ItemEvent(item_id=item.id, action=action, note=note, user_id=None if system else user_id or _user_id(),
                      from_state=from_state.value if from_state else "", to_state=to_state.value if to_state else "",
                      at=at or utcnow())
    db.session.add(event)
    db.session.flush()
    return event


# origin -> function(origin_id) giving the URL of the record an item came from (see ``register_origin_url``).
ORIGIN_URLS: dict = {}


def register_origin_url(origin: ItemOrigin, url_of) -> None:
    """Let the item page link back to its origin: ``url_of(origin_id)`` returns a URL or None."""
    ORIGIN_URLS[origin] = url_of


def items_from(origin: ItemOrigin, origin_ids: list[int]) -> dict[int, list[Item]]:
    """The items that came from each of these records (a reception, a hearing opinion…), in one query."""
    found: dict[int, list[Item]] = {origin_id: [] for origin_id in origin_ids}
    if origin_ids:
        query = select(Item).where(Item.origin == origin, Item.origin_id.in_(origin_ids)).order_by(Item.id)
        for item in db.session.scalars(query):
            found[item.origin_id].append(item)
    return found


@dataclass
class ItemInput:
    values: dict = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def deputy_kinds(deputy: Deputy) -> list[ItemKind]:
    """What a deputy may submit in the portal: suggestions as a congress deputy, proposals as a CPPCC member
    (someone who is both may submit both), and letters."""
    kinds = {m.kind for m in deputy.active_mandates or deputy.mandates}
    own = [ItemKind.SUGGESTION] if DeputyKind.NPC in kinds or not kinds else []
    return own + ([ItemKind.PROPOSAL] if DeputyKind.CPPCC in kinds else []) + [ItemKind.LETTER]


def validate_item(raw: dict, *, kinds: list[ItemKind] | None = None, staff: bool = True) -> ItemInput:
    """Check the registration fields; errors keyed by field, in Chinese."""
    result = ItemInput()
    values, errors = result.values, result.errors
    limits = {"title": 200, "content": TEXT_LIMIT, "case_number": 60, "source_body": 100}
    for key, limit in limits.items():
        value = params.clean_text(str(raw.get(key) or ""), multiline=key == "content").strip()
        if len(value) > limit:
            errors[key] = f"不能超过 {limit} 个字。"
        values[key] = value
    if not values["title"] and "title" not in errors:
        errors["title"] = "请填写标题。"
    if not values["content"] and "content" not in errors:
        errors["content"] = "请填写内容。"
    allowed = kinds or list(ItemKind)
    kind = ItemKind.from_label(str(raw.get("kind") or ""))
    if kind is None or kind not in allowed:
        errors["kind"] = f"请选择类别（{'、'.join(k.label for k in allowed)}）。"
    values["kind"] = kind
    check_case_number(values, errors, required=kind == ItemKind.CONCERNED_CASE)
    if staff:
        origin = ItemOrigin.from_label(str(raw.get("origin") or ""))
        if origin is None:
            errors["origin"] = "请选择来件方式。"
        values["origin"] = origin
        received = raw.get("received_on")
        if not received:
            errors["received_on"] = "请填写收件日期（如 2025-03-01）。"
        elif received > clock.today():
            errors["received_on"] = "收件日期不能晚于今天。"
        values["received_on"] = received
        if kind == ItemKind.REFERRAL and not values["source_body"] and "source_body" not in errors:
            errors["source_body"] = "交办件请填写交办机关（如 市人大常委会办公室）。"
        ids = params.parse_ids(str(i) for i in raw.get("deputy_ids") or [])
        deputies = list(db.session.scalars(select(Deputy).where(Deputy.id.in_(ids)))) if ids else []
        values["deputies"] = deputies
        if kind in (ItemKind.SUGGESTION, ItemKind.PROPOSAL) and not deputies:
            errors["deputy_ids"] = f"{kind.label}请选择提出的代表委员。"
    return result


def parse_case_number(text: str):
    """The hearings area's 案号 check (imported here: the hearings area imports this module)."""
    from portal.hearings.casenumber import parse_case_number as parse

    return parse(text)


def check_case_number(values: dict, errors: dict, *, required: bool) -> None:
    """相关案号 as hearings check it (portal.hearings.casenumber): normalised in ``values``, or an error."""
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
        raise WorkflowError("已办结的事项不能修改登记信息。")
    for key in ("kind", "origin", "received_on", "title", "content", "case_number", "source_body"):
        setattr(item, key, values[key])
    if item.deadline is None:
        item.proposal_due = proposal_due(item.kind, item.received_on)
    before = {d.id for d in item.deputies}
    item.deputies = values["deputies"]
    changed = "、".join(d.name for d in item.deputies) if before != {d.id for d in item.deputies} else ""
    record_event(item, "edit", note=f"代表委员：{changed}" if changed else "")
    escalate_item(item)  # a new receipt date can bring a letter's proposed-handling date into the past


def add_contact(item: Item, *, contacted_at: datetime, person: str, channel: str, content: str,
                deputy_id: int | None = None) -> ItemContact:
    """过问留痕: log a contact about a pending case on the item."""
    contact = ItemContact(item_id=item.id, contacted_at=contacted_at, person=person, channel=channel, content=content,
                          deputy_id=deputy_id, recorded_by_id=_user_id())
    db.session.add(contact)
    db.session.flush()
    record_event(item, "contact", note=f"{person}（{channel}）：{content}"[:500])
    return contact


def validate_contact(raw: dict, item: Item) -> ItemInput:
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


# --- the workflow -------------------------------------------------------------------------------------------

class WorkflowError(Exception):
    """A step that cannot be taken; ``errors`` names the fields to fix (the message says why)."""

    status = 422

    def __init__(self, message: str, errors: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class NotAllowed(WorkflowError):
    status = 403


@dataclass(frozen=True)
class Transition:
    label: str  # the button, and the step's name in messages
    sources: tuple[ItemState, ...]
    target: ItemState | None  # None: the state stays
    roles: tuple[Role, ...]  # handlers only for items of their department; deputies only for their own items
    kinds: tuple[ItemKind, ...] = ()  # only these kinds (empty: every kind)
    needs_deputy: bool = False  # only items a deputy raised
    signer: str = ""  # "head": only the 承办部门's head (庭长); "leader": only the item's 责任领导 (分管副院长)


S = ItemState
TRANSITIONS: dict[str, Transition] = {
    "instruct": Transition("批示", (S.REGISTERED,), S.INSTRUCTED, (Role.LEADER, Role.ADMIN)),
    "assign": Transition("交办", (S.INSTRUCTED, S.ASSIGNED, S.IN_PROGRESS), S.ASSIGNED,
                         (Role.LIAISON, Role.LEADER, Role.ADMIN)),
    "progress": Transition("记录进展", (S.ASSIGNED, S.IN_PROGRESS), S.IN_PROGRESS,
                           (Role.HANDLER, Role.LIAISON, Role.ADMIN)),
    "opinions": Transition("填写三级意见", HANDLING, None, (Role.HANDLER, Role.LIAISON, Role.LEADER, Role.ADMIN),
                           kinds=(ItemKind.CONCERNED_CASE,)),
    "sign_division": Transition("庭长签署", HANDLING, None, (Role.HANDLER, Role.LEADER, Role.LIAISON, Role.ADMIN),
                                kinds=(ItemKind.CONCERNED_CASE,), signer="head"),
    "sign_vp": Transition("分管副院长签署", HANDLING, None, (Role.LEADER,), kinds=(ItemKind.CONCERNED_CASE,),
                          signer="leader"),
    "draft": Transition("起草答复", HANDLING, S.REPLY_DRAFTED, (Role.HANDLER, Role.LIAISON, Role.ADMIN)),
    "hear": Transition("听取代表意见", (S.REPLY_DRAFTED,), S.REPLY_HEARD,
                       (Role.LIAISON, Role.HANDLER, Role.ADMIN, Role.DEPUTY), needs_deputy=True),
    "answer": Transition("正式答复", (S.REPLY_DRAFTED, S.REPLY_HEARD), S.ANSWERED,
                         (Role.LIAISON, Role.LEADER, Role.ADMIN)),
    # Every deputy of the item rates (co-proposers too); the item is 已评价 once all have (see _rate).
    "rate": Transition("评价", (S.ANSWERED,), None, (Role.DEPUTY, Role.LIAISON, Role.ADMIN), needs_deputy=True),
    "close": Transition("办结", (S.ANSWERED, S.RATED), S.CLOSED, (Role.LIAISON, Role.ADMIN)),
    "supervise": Transition("督办", HANDLING, None, (Role.LIAISON, Role.LEADER, Role.ADMIN)),
}
del S

# Words for the history; "escalate" and "reopen" are taken by the system, not by a person.
ACTION_LABELS = {**{key: t.label for key, t in TRANSITIONS.items()}, "register": "登记", "edit": "修改登记信息",
                 "contact": "过问留痕", "escalate": "超期升级督办", "reopen": "重新办理", "attach": "上传附件"}
# What a deputy sees of an item's history.
DEPUTY_VISIBLE_ACTIONS = {"register", "assign", "hear", "answer", "rate", "reopen", "close"}


def is_handler_of(user, item: Item) -> bool:
    return user.role == Role.HANDLER and (
        item.handler_id == user.id or (item.department_id is not None and item.department_id == user.department_id))


def is_deputy_of(user, item: Item) -> bool:
    return user.role == Role.DEPUTY and user.deputy_id is not None and any(
        d.id == user.deputy_id for d in item.deputies)


def may(user, item: Item, action: str) -> bool:
    """Whether ``user`` may take step ``action`` on ``item`` in its current state."""
    return _problem(user, item, action) is None


def _problem(user, item: Item, action: str) -> WorkflowError | None:
    transition = TRANSITIONS.get(action)
    if transition is None:
        return WorkflowError("没有这项操作。")
    if transition.kinds and item.kind not in transition.kinds:
        return WorkflowError(f"只有{'、'.join(k.label for k in transition.kinds)}需要{transition.label}。")
    if transition.needs_deputy and not item.deputies:
        return WorkflowError(f"本事项没有关联代表委员，无需{transition.label}。")
    if transition.signer:
        signer = _signer_problem(user, item, transition)
        if signer is not None:
            return signer
    elif user.role not in transition.roles or (user.role == Role.HANDLER and not is_handler_of(user, item)) or (
            user.role == Role.DEPUTY and not is_deputy_of(user, item)):
        who = "、".join(r.label for r in transition.roles)
        return NotAllowed(f"您无权对本事项进行“{transition.label}”操作（{who}可以）。")
    if item.state not in transition.sources:
        return WorkflowError(f"事项当前为“{item.state.label}”，不能{transition.label}。"
                             f"可{transition.label}的状态：{'、'.join(s.label for s in transition.sources)}。")
    if action == "rate" and user.role == Role.DEPUTY and user.deputy_id in rated_deputy_ids(item):
        return WorkflowError("您已评价本轮答复。")
    if action == "rate" and not unrated_deputies(item):
        return WorkflowError("代表委员均已评价本轮答复。")
    if action == "close":
        try:
            check_closable(item)
        except WorkflowError as error:
            return error
    return None


def division_head(item: Item) -> User | None:
    """The 庭长 of a concerned case: the head of the department it is assigned to."""
    return item.department.head if item.department is not None else None


def _signer_problem(user, item: Item, transition: Transition) -> WorkflowError | None:
    """The three levels are people: the department's head signs as 庭长, the 责任领导 as 分管副院长."""
    if transition.signer == "head":
        head = division_head(item)
        if head is None:
            return NotAllowed("承办部门尚未设置庭长（部门负责人），请系统管理员在“部门”中指定后由庭长签署。"
                              if item.department is not None else "交办承办部门后，由该部门庭长签署。")
        if head.id != user.id:
            return NotAllowed(f"只有承办部门的庭长{head.display_name}可以进行“庭长签署”。")
        return None
    if user.role != Role.LEADER or (item.leader_id is not None and item.leader_id != user.id):
        who = item.leader.display_name if item.leader else "院领导"
        return NotAllowed(f"只有本事项的责任领导（分管副院长）{who}可以进行“分管副院长签署”。")
    return None


def rated_deputy_ids(item: Item) -> set[int]:
    """The deputies who rated this round's reply."""
    return set(db.session.scalars(select(ItemRating.deputy_id).where(ItemRating.item_id == item.id,
                                                                     ItemRating.round == item.round)))


def unrated_deputies(item: Item) -> list[Deputy]:
    rated = rated_deputy_ids(item)
    return [d for d in item.deputies if d.id not in rated]


def round_ratings(item: Item) -> list[ItemRating]:
    return list(db.session.scalars(select(ItemRating).options(selectinload(ItemRating.deputy))
                                   .where(ItemRating.item_id == item.id).order_by(ItemRating.round, ItemRating.id)))


def available_actions(user, item: Item) -> list[str]:
    """The steps ``user`` may take now, in workflow order."""
    return [action for action in TRANSITIONS if may(user, item, action)]


def advance(item: Item, action: str, *, user=None, **data) -> ItemEvent:
    """Take workflow step ``action`` on ``item`` as ``user`` (default: the logged-in user).

    Checks role and state against :data:`TRANSITIONS`, then the step's own data; raises :class:`NotAllowed`
    (403) or :class:`WorkflowError` (422) with a Chinese message. Records the step as an ItemEvent.
    """
    user = user or current_user
    problem = _problem(user, item, action)
    if problem is not None:
        raise problem
    transition = TRANSITIONS[action]
    before = item.state
    target = transition.target
    at = _act_time(item, data, transition.label, deputy=user.role == Role.DEPUTY)
    note = _STEPS[action](item, user, data, at)
    if action == "assign" and target.rank < before.rank:
        target = before  # re-assigning an item being handled does not move it back
    if target is not None:
        item.state = target
    reopen = action == "rate" and _round_unsatisfied(item)
    event = record_event(item, action, note=note, from_state=before, to_state=item.state, user_id=user.id, at=at)
    if reopen:
        _reopen(item, user.id, at)
    if clock.local_date(at) == clock.today():
        escalate_item(item)  # an act entered after the fact is no moment to escalate; the scheduled check is
    return event


# Steps that order the workflow; an act may not be dated before the latest of them.
STEP_ACTIONS = ("register", "reopen", *TRANSITIONS)


def last_step(item: Item) -> ItemEvent | None:
    return db.session.scalars(select(ItemEvent).where(ItemEvent.item_id == item.id,
                                                      ItemEvent.action.in_(STEP_ACTIONS))
                              .order_by(ItemEvent.at.desc(), ItemEvent.id.desc()).limit(1)).first()


def _act_time(item: Item, data: dict, label: str, *, deputy: bool = False) -> datetime:
    """When the step happened: the date in ``on`` (default today; a deputy acting in the portal acts now).

    Offices record work after the fact, so the date is the act's, not the click's: never in the future, never
    before the receipt or the step before it.
    """
    raw = None if deputy else data.get("on")
    if isinstance(raw, datetime):
        raw = clock.local_date(raw)
    if isinstance(raw, str):
        try:
            raw = date.fromisoformat(raw.strip()) if raw.strip() else None
        except ValueError:
            message = f"{label}日期格式应为 2025-03-01。"
            raise WorkflowError(message, {"on": message}) from None
    day = raw or clock.today()
    if day > clock.today():
        message = f"{label}日期不能晚于今天。"
        raise WorkflowError(message, {"on": message})
    previous = last_step(item)
    floor = max(item.received_on, clock.local_date(previous.at)) if previous else item.received_on
    if day < floor:
        what = ACTION_LABELS.get(previous.action, "登记") if previous and floor != item.received_on else "收件"
        message = f"{label}日期不能早于{what}日期（{floor.isoformat()}）。"
        raise WorkflowError(message, {"on": message})
    return clock.act_moment(day, previous.at if previous else None)


def _text(data: dict, key: str, label: str, *, required: bool = True, limit: int = TEXT_LIMIT) -> str:
    value = params.clean_text(str(data.get(key) or ""), multiline=True).strip()
    if required and not value:
        raise WorkflowError(f"请填写{label}。", {key: f"请填写{label}。"})
    if len(value) > limit:
        raise WorkflowError(f"{label}不能超过 {limit} 个字。", {key: f"不能超过 {limit} 个字。"})
    return value


def _instruct(item: Item, user, data: dict, at: datetime) -> str:
    item.instruction = _text(data, "instruction", "批示内容")
    item.instructed_by_id = user.id
    item.instructed_at = at
    if item.leader_id is None:
        item.leader_id = user.id  # the leader who instructs answers for it, unless another is named at 交办
    return item.instruction


def ancestor_court_ids(court_id: int) -> list[int]:
    """The court and the courts above it (at most three levels)."""
    ids = []
    court = db.session.get(Court, court_id)
    while court is not None and len(ids) < 4:
        ids.append(court.id)
        court = court.parent
    return ids


def _assign(item: Item, user, data: dict, at: datetime) -> str:
    errors = {}
    department_id = params.parse_id(str(data.get("department_id") or ""))
    department = db.session.get(Department, department_id) if department_id else None
    if department is None or department.court_id != item.court_id or not department.active:
        errors["department_id"] = "请选择本院的承办部门。"
    handler = None
    if handler_id := params.parse_id(str(data.get("handler_id") or "")):
        handler = db.session.get(User, handler_id)
        if handler is None or handler.role != Role.HANDLER or not handler.active or (
                department is not None and handler.department_id != department.id):
            errors["handler_id"] = "承办人应为所选承办部门的承办人。"
    leader_id = item.leader_id
    if chosen_leader_id := params.parse_id(str(data.get("leader_id") or "")):
        leader = db.session.get(User, chosen_leader_id)
        if leader is None or leader.role != Role.LEADER or leader.court_id not in ancestor_court_ids(item.court_id):
            errors["leader_id"] = "责任领导应为本院或上级法院的院领导。"
        else:
            leader_id = leader.id
    deadline = data.get("deadline")
    if isinstance(deadline, str):
        typed, deadline = deadline.strip(), params.parse_date(deadline)
        if typed and deadline is None:
            errors["deadline"] = "办理期限的格式应为 2025-03-01。"
    if deadline is None:
        deadline = assignment_deadline(item, clock.local_date(at))
    elif deadline < item.received_on:
        errors["deadline"] = "办理期限不能早于收件日期。"
    if errors:
        raise WorkflowError("交办信息有误：" + "；".join(errors.values()), errors)
    item.department_id, item.handler_id, item.leader_id = department.id, handler.id if handler else None, leader_id
    item.deadline = deadline
    if item.round == 1 or item.assigned_at is None:
        item.assigned_at = at  # a second round keeps the first 交办时间; its start is the reopen step
    item.escalated_at = None  # a new deadline: supervised afresh
    who = f"，承办人：{handler.display_name}" if handler else ""
    return f"承办部门：{department.name}{who}，办理期限：{deadline.isoformat()}"


def _progress(item: Item, user, data: dict, at: datetime) -> str:
    return _text(data, "note", "办理进展")


def _opinions(item: Item, user, data: dict, at: datetime) -> str:
    values = {key: _text(data, key, label, required=False) for key, label in
              (("panel_opinion", "合议庭意见"), ("division_opinion", "庭长意见"),
               ("vice_president_opinion", "分管副院长意见"))}
    if not any(values.values()):
        raise WorkflowError("请至少填写一级意见。", {"panel_opinion": "请至少填写一级意见。"})
    notes = []
    for key, label in (("panel_opinion", "合议庭"), ("division_opinion", "庭长"), ("vice_president_opinion", "分管副院长")):
        if values[key] and values[key] != getattr(item, key):
            setattr(item, key, values[key])
            notes.append(f"{label}：{values[key]}")
            # A signature covers the text it was given to: a changed opinion needs signing again.
            if key == "division_opinion" and item.division_signed_at:
                item.division_signed_by_id = item.division_signed_at = None
            if key == "vice_president_opinion" and item.vice_president_signed_at:
                item.vice_president_signed_by_id = item.vice_president_signed_at = None
    return "；".join(notes)


def _sign_division(item: Item, user, data: dict, at: datetime) -> str:
    if not item.panel_opinion or not item.division_opinion:
        raise WorkflowError("请先填写合议庭意见和庭长意见，再由庭长签署。")
    item.division_signed_by_id, item.division_signed_at = user.id, at
    return f"庭长意见已签署：{user.display_name}"


def _sign_vp(item: Item, user, data: dict, at: datetime) -> str:
    if item.division_signed_at is None:
        raise WorkflowError("庭长签署后，分管副院长才能签署。")
    if not item.vice_president_opinion:
        raise WorkflowError("请先填写分管副院长意见。")
    item.vice_president_signed_by_id, item.vice_president_signed_at = user.id, at
    return f"分管副院长意见已签署：{user.display_name}"


def _draft(item: Item, user, data: dict, at: datetime) -> str:
    item.reply = _text(data, "reply", "答复内容")
    return "已起草答复" if item.state != ItemState.REPLY_HEARD else "已修改答复（需再次听取代表意见）"


def _hear(item: Item, user, data: dict, at: datetime) -> str:
    if user.role == Role.DEPUTY:
        note = _text(data, "note", "意见", required=False) or "无不同意见"
        note = f"{user.display_name}：{note}"
    else:
        note = _text(data, "note", "代表委员的意见")
    item.reply_heard_note = note
    item.reply_heard_at = at
    return note


def _answer(item: Item, user, data: dict, at: datetime) -> str:
    if not item.reply.strip():
        raise WorkflowError("答复内容为空，不能答复。请先起草答复。")
    if item.deputies and item.state != ItemState.REPLY_HEARD:
        raise WorkflowError("答复前须听取代表委员对答复稿的意见。")
    if item.is_concerned_case and not (item.division_signed_at and item.vice_president_signed_at):
        raise WorkflowError("关注案件的办理报告须经庭长和分管副院长签署后才能答复。")
    item.answered_at, item.answered_on = at, clock.local_date(at)
    note = _text(data, "note", "说明", required=False)
    # The history keeps each round's reply: a second round's draft replaces item.reply.
    return f"第{item.round}轮答复：{item.reply}" + (f"\n说明：{note}" if note else "")


def _rate(item: Item, user, data: dict, at: datetime) -> str:
    rating = data.get("rating")
    rating = rating if isinstance(rating, Rating) else Rating.from_label(str(rating or ""))
    if rating is None:
        message = f"请选择评价（{'、'.join(r.label for r in Rating)}）。"
        raise WorkflowError(message, {"rating": message})
    comment = _text(data, "comment", "不满意的原因", required=rating == Rating.UNSATISFIED)
    waiting = unrated_deputies(item)
    if user.role == Role.DEPUTY:
        deputy = next(d for d in waiting if d.id == user.deputy_id)
    else:
        chosen = str(data.get("deputy_id") or "")
        deputy = next((d for d in waiting if str(d.id) == chosen), None)
        if deputy is None and len(waiting) == 1 and not chosen:
            deputy = waiting[0]
        if deputy is None:
            message = f"请选择评价的代表委员（{'、'.join(d.name for d in waiting)}）。"
            raise WorkflowError(message, {"deputy_id": message})
    db.session.add(ItemRating(item_id=item.id, deputy_id=deputy.id, round=item.round, rating=rating, comment=comment,
                              rated_at=at, recorded_by_id=user.id))
    db.session.flush()
    _combine_ratings(item, at)
    who = "" if user.role == Role.DEPUTY else "（据代表委员书面评价录入）"
    return f"{deputy.name}：{rating.label}{who}" + (f"：{comment}" if comment else "")


RATING_ORDER = (Rating.UNSATISFIED, Rating.BASICALLY, Rating.SATISFIED)


def _round_unsatisfied(item: Item) -> bool:
    return db.session.scalar(select(func.count()).select_from(ItemRating).where(
        ItemRating.item_id == item.id, ItemRating.round == item.round, ItemRating.rating == Rating.UNSATISFIED)) > 0


def _combine_ratings(item: Item, at: datetime) -> None:
    """The round's rating once every deputy has rated: the least satisfied of theirs, so an item counts as
    satisfied (满意率) only when all its proposers are; one 不满意 reopens it at once, whoever gave it."""
    ratings = list(db.session.scalars(select(ItemRating).where(ItemRating.item_id == item.id,
                                                               ItemRating.round == item.round)))
    unsatisfied = [r for r in ratings if r.rating == Rating.UNSATISFIED]
    if not unsatisfied and {r.deputy_id for r in ratings} < {d.id for d in item.deputies}:
        return  # waiting for the co-proposers
    worst = unsatisfied[0] if unsatisfied else min(ratings, key=lambda r: RATING_ORDER.index(r.rating))
    item.rating, item.rated_at = worst.rating, at
    item.rating_comment = "；".join(f"{r.deputy.name}：{r.comment}" if len(ratings) > 1 else r.comment
                                   for r in ratings if r.comment)
    if worst.rating != Rating.UNSATISFIED:
        item.state = ItemState.RATED


def _close(item: Item, user, data: dict, at: datetime) -> str:
    check_closable(item)
    item.closed_at = at
    return _text(data, "note", "说明", required=False)


def check_closable(item: Item) -> None:
    """件件有回音: an item closes only with a final reply, and a deputy's item only once rated."""
    if not item.reply.strip() or item.answered_at is None:
        raise WorkflowError("没有正式答复的事项不能办结。")
    if item.deputies and (item.rating is None or item.state != ItemState.RATED):
        raise WorkflowError("代表委员尚未全部评价，不能办结。")
    if item.rating == Rating.UNSATISFIED:
        raise WorkflowError("代表委员不满意的事项须重新办理，不能办结。")


def _supervise(item: Item, user, data: dict, at: datetime) -> str:
    return _text(data, "note", "督办要求", required=False) or "请按期办结并报送办理结果。"


_STEPS = {"instruct": _instruct, "assign": _assign, "progress": _progress, "opinions": _opinions,
          "sign_division": _sign_division, "sign_vp": _sign_vp, "draft": _draft, "hear": _hear, "answer": _answer,
          "rate": _rate, "close": _close, "supervise": _supervise}


def _reopen(item: Item, user_id: int, at: datetime) -> None:
    """不满意: a second round of handling, with the same department and a fresh deadline from the rating's date.

    The first 交办时间 stays; the round's reply stays in the history (the answer step's note).
    """
    before = item.state
    item.round += 1
    item.state = ItemState.ASSIGNED
    item.deadline = default_deadline(item.kind, clock.local_date(at))
    item.answered_at = item.answered_on = item.reply_heard_at = item.escalated_at = None
    item.reply_heard_note = ""
    item.division_signed_by_id = item.division_signed_at = None
    item.vice_president_signed_by_id = item.vice_president_signed_at = None
    record_event(item, "reopen", note=f"第{item.round}轮办理，办理期限：{item.deadline.isoformat()}",
                 from_state=before, to_state=item.state, user_id=user_id, at=at)


# --- who sees what ------------------------------------------------------------------------------------------

def visible_condition(user):
    """The items ``user`` may open: a court's items for staff, a department's for handlers, their own for deputies."""
    if user.role == Role.DEPUTY:
        return Item.id.in_(select(item_deputy.c.item_id).where(item_deputy.c.deputy_id == (user.deputy_id or -1)))
    condition = Item.court_id.in_(visible_court_ids(user))
    if user.role == Role.HANDLER:
        mine = Item.handler_id == user.id
        if user.department_id:
            mine = or_(mine, Item.department_id == user.department_id)
        condition = and_(condition, mine)
    return condition


# --- deadlines and supervision ------------------------------------------------------------------------------

DEADLINE_STATES = {"overdue": "已超期", "soon": "即将到期", "on_time": "未到期", "none": "未定期限", "done": "已答复"}


def deadline_state_column(today: date | None = None):
    """The deadline state as a SQL expression: overdue, soon, on_time, none or done."""
    today = today or clock.today()
    soon = today + timedelta(days=int(_config("ITEM_DUE_SOON_DAYS", 3)))
    due = func.coalesce(Item.deadline, Item.proposal_due)
    return case((Item.state.not_in(SUPERVISED), "done"), (due.is_(None), "none"), (due < today, "overdue"),
                (due <= soon, "soon"), else_="on_time")


def deadline_state(item: Item, today: date | None = None) -> str:
    """The same as :func:`deadline_state_column`, for an item already loaded."""
    today = today or clock.today()
    if item.state not in SUPERVISED:
        return "done"
    if item.due_on is None:
        return "none"
    if item.due_on < today:
        return "overdue"
    if item.due_on <= today + timedelta(days=int(_config("ITEM_DUE_SOON_DAYS", 3))):
        return "soon"
    return "on_time"


def flagged_condition(today: date | None = None):
    return deadline_state_column(today).in_(("overdue", "soon"))


def escalate_overdue(court_ids: list[int] | None = None, item_ids: list[int] | None = None) -> int:
    """Record once per round that an overdue item went up to its responsible leaders (超期升级督办).

    Done by the system, not by a person: ``flask --app portal supervise`` (cron) checks every court, and a step
    taken on an item checks that item. Neither the history nor the audit trail names a user. Idempotent.
    """
    today = clock.today()
    query = select(Item).where(Item.escalated_at.is_(None), deadline_state_column(today) == "overdue")
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
    return len(overdue)


def escalate_item(item: Item) -> None:
    """The overdue check at the moment an item changes (the same as the scheduled one, for this item)."""
    if item.escalated_at is None and deadline_state(item) == "overdue":
        escalate_overdue(item_ids=[item.id])


def attention_condition(user, today: date | None = None):
    """Items flagged for ``user``'s attention: near or past the deadline and theirs to act on.

    A handler: their department's items. A leader: items they answer for, and any overdue item in their
    courts (escalated to them). Liaison and admin: every flagged item in their courts.
    """
    today = today or clock.today()
    state = deadline_state_column(today)
    flagged = state.in_(("overdue", "soon"))
    courts = Item.court_id.in_(visible_court_ids(user))
    if user.role == Role.LEADER:
        return and_(courts, or_(and_(Item.leader_id == user.id, flagged), state == "overdue"))
    if user.role == Role.HANDLER:
        return and_(visible_condition(user), flagged, Item.state.in_(HANDLING))
    return and_(courts, flagged)


def supervision_counts(user, court_ids: list[int] | None = None) -> dict[str, int]:
    """{"overdue": n, "soon": m} of the items flagged for ``user`` (in ``court_ids``, if given), in one query."""
    if user.role == Role.DEPUTY:
        return {"overdue": 0, "soon": 0}
    state = deadline_state_column()
    where = attention_condition(user) if court_ids is None else and_(attention_condition(user),
                                                                     Item.court_id.in_(court_ids))
    row = db.session.execute(select(func.count(case((state == "overdue", 1))), func.count(case((state == "soon", 1))))
                             .where(where)).one()
    return {"overdue": row[0], "soon": row[1]}


# --- the board ----------------------------------------------------------------------------------------------

@dataclass
class BoardFilters:
    state: str = ""
    kind: str = ""
    department: str = ""
    leader: str = ""
    deadline: str = ""
    deputy: str = ""
    q: str = ""

    @classmethod
    def from_args(cls, args) -> BoardFilters:
        values = {k: params.clean_query(args.get(k), 60) for k in ("state", "kind", "department", "leader", "deadline",
                                                                 "deputy", "q")}
        filters = cls(**values)
        if filters.state not in ItemState.__members__.values():
            filters.state = ""
        if filters.kind not in ItemKind.__members__.values():
            filters.kind = ""
        if filters.deadline not in DEADLINE_STATES:
            filters.deadline = ""
        for key in ("department", "leader"):
            if params.parse_id(getattr(filters, key)) is None:
                setattr(filters, key, "")
        return filters

    def as_args(self, **overrides) -> dict:
        values = {**self.__dict__, **overrides}
        return {k: v for k, v in values.items() if v}


def _filtered(user, filters: BoardFilters, court_ids: list[int], *, with_state: bool = True):
    from portal.register.services import search_condition

    conditions = [visible_condition(user), Item.court_id.in_(court_ids)]
    if with_state and filters.state:
        conditions.append(Item.state == ItemState(filters.state))
    if filters.kind:
        conditions.append(Item.kind == ItemKind(filters.kind))
    if filters.department:
        conditions.append(Item.department_id == int(filters.department))
    if filters.leader:
        conditions.append(Item.leader_id == int(filters.leader))
    if filters.deadline:
        conditions.append(deadline_state_column() == filters.deadline)
    if filters.deputy:
        deputy_condition = search_condition(filters.deputy)
        if deputy_condition is not None:
            conditions.append(exists().where(item_deputy.c.item_id == Item.id, item_deputy.c.deputy_id == Deputy.id,
                                             deputy_condition))
    if filters.q:
        pattern = "%" + filters.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(or_(Item.title.ilike(pattern, escape="\\"), Item.number.like(pattern, escape="\\"),
                              Item.case_number.ilike(pattern, escape="\\")))
    return and_(*conditions)


def _row_options():
    return (selectinload(Item.deputies), selectinload(Item.department), selectinload(Item.handler),
            selectinload(Item.leader), selectinload(Item.court))


def list_items(user, filters: BoardFilters, court_ids: list[int], *, cursor: str | None, per_page: int,
               total: int | None, number: int) -> Page:
    """The board: the items ``user`` sees in ``court_ids`` (the court scope) under ``filters``."""
    query = select(Item).options(*_row_options()).where(_filtered(user, filters, court_ids))
    return paginate(query, [Item.received_on, Item.id], cursor=cursor, per_page=per_page, descending=True,
                    total=total, number=number)


def state_counts(user, filters: BoardFilters, court_ids: list[int]) -> dict[str, int]:
    """Items per state under the board's filters (except the state itself), in one grouped query."""
    rows = db.session.execute(select(Item.state, func.count()).where(_filtered(user, filters, court_ids,
                                                                               with_state=False))
                              .group_by(Item.state))
    counts = {state.value: 0 for state in ItemState}
    for state, n in rows:
        counts[ItemState(state).value] = n
    return counts


def board_choices(courts: list[int]) -> dict:
    """Departments and leaders of the courts in scope, for the board's filter menus."""
    departments = db.session.scalars(select(Department).options(selectinload(Department.court))
                                     .where(Department.court_id.in_(courts), Department.active.is_(True))
                                     .order_by(Department.court_id, Department.id))
    leaders = db.session.scalars(select(User).where(User.court_id.in_(courts), User.role == Role.LEADER,
                                                    User.active.is_(True)).order_by(User.court_id, User.id))
    return {"departments": list(departments), "leaders": list(leaders), "multi_court": len(courts) > 1}


def queue(user, court_ids: list[int], *, cursor: str | None, per_page: int, total: int | None,
          number: int) -> tuple[list[Item], Page]:
    """A person's queue: the flagged items first (overdue, then due soon), then the rest of their work.

    Handler: their department's items being handled. Leader: items to instruct, and items they answer for.
    Liaison and admin: items waiting for the liaison office (to assign, hear, answer, close).
    """
    today = clock.today()
    state = deadline_state_column(today)
    if user.role == Role.HANDLER:
        work = and_(visible_condition(user), Item.state.in_(HANDLING))
    elif user.role == Role.LEADER:
        work = and_(visible_condition(user), or_(Item.state == ItemState.REGISTERED,
                                                 and_(Item.leader_id == user.id, Item.state != ItemState.CLOSED)))
    else:
        work = and_(visible_condition(user), Item.state.in_((ItemState.INSTRUCTED, ItemState.REPLY_DRAFTED,
                                                             ItemState.REPLY_HEARD, ItemState.ANSWERED,
                                                             ItemState.RATED)))
    in_scope = Item.court_id.in_(court_ids)
    work = and_(work, in_scope)
    attention = and_(attention_condition(user, today), in_scope)
    due = func.coalesce(Item.deadline, Item.proposal_due)
    flagged = list(db.session.scalars(
        select(Item).options(*_row_options()).where(attention)
        .order_by(case((state == "overdue", 0), else_=1), due, Item.id).limit(100)))
    rest = select(Item).options(*_row_options()).where(work, ~attention)
    page = paginate(rest, [Item.received_on, Item.id], cursor=cursor, per_page=per_page, descending=True,
                    total=total, number=number)
    return flagged, page


# --- the deputy's own items ---------------------------------------------------------------------------------

def deputy_items(deputy_id: int, *, cursor: str | None, per_page: int, total: int | None, number: int) -> Page:
    query = (select(Item).options(selectinload(Item.department))
             .where(Item.id.in_(select(item_deputy.c.item_id).where(item_deputy.c.deputy_id == deputy_id))))
    return paginate(query, [Item.received_on, Item.id], cursor=cursor, per_page=per_page, descending=True,
                    total=total, number=number)


def rated_by(deputy_id: int, items: list[Item]) -> set[int]:
    """The ids of these items whose current round ``deputy_id`` has rated (not to be asked again), in one query."""
    if not items:
        return set()
    rounds = {item.id: item.round for item in items}
    rows = db.session.execute(select(ItemRating.item_id, ItemRating.round).where(
        ItemRating.deputy_id == deputy_id, ItemRating.item_id.in_(list(rounds))))
    return {item_id for item_id, round_ in rows if rounds[item_id] == round_}


def history(item: Item, *, for_deputy: bool = False) -> list[ItemEvent]:
    query = select(ItemEvent).options(selectinload(ItemEvent.user)).where(ItemEvent.item_id == item.id)
    if for_deputy:
        query = query.where(ItemEvent.action.in_(DEPUTY_VISIBLE_ACTIONS))
    return list(db.session.scalars(query.order_by(ItemEvent.at, ItemEvent.id)))


def contacts(item: Item) -> list[ItemContact]:
    return list(db.session.scalars(select(ItemContact).options(selectinload(ItemContact.recorded_by))
                                   .where(ItemContact.item_id == item.id)
                                   .order_by(ItemContact.contacted_at, ItemContact.id)))


def assignment_choices(item: Item) -> dict:
    """Departments and handlers of the item's court, and the leaders who may answer for it."""
    departments = list(db.session.scalars(select(Department).where(Department.court_id == item.court_id,
                                                                   Department.active.is_(True))
                                          .order_by(Department.id)))
    handlers = list(db.session.scalars(select(User).options(selectinload(User.department))
                                       .where(User.court_id == item.court_id, User.role == Role.HANDLER,
                                              User.active.is_(True)).order_by(User.department_id, User.id)))
    leaders = list(db.session.scalars(select(User).options(selectinload(User.court))
                                      .where(User.court_id.in_(ancestor_court_ids(item.court_id)),
                                             User.role == Role.LEADER, User.active.is_(True))
                                      .order_by(User.court_id.desc(), User.id)))
    return {"departments": departments, "handlers": handlers, "leaders": leaders,
            "default_deadline": assignment_deadline(item, clock.today()),
            "deadline_from_receipt": deadline_counts_from_receipt()}


def deputy_options(q: str, selected_ids: list[int], limit: int = 15) -> tuple[list[Deputy], list[Deputy]]:
    """(selected deputies, register matches for ``q``) for the registration form's deputy picker."""
    from portal.register.services import search_condition

    selected = list(db.session.scalars(select(Deputy).where(Deputy.id.in_(selected_ids)).order_by(
        Deputy.name_pinyin))) if selected_ids else []
    matches: list[Deputy] = []
    condition = search_condition(q)
    if condition is not None:
        query = select(Deputy).where(condition)
        if selected_ids:
            query = query.where(Deputy.id.not_in(selected_ids))
        matches = list(db.session.scalars(query.order_by(Deputy.name_pinyin, Deputy.id).limit(limit)))
    return selected, matches


# --- figures ------------------------------------------------------------------------------------------------

@dataclass
class Figures:
    """Counts and rates of the items received in a period (rates in whole percent, None without a base)."""

    label: str
    received: int = 0
    closed: int = 0
    on_time: int = 0
    rated: int = 0
    satisfied: int = 0

    @staticmethod
    def percent(part: int, whole: int) -> int | None:
        return (part * 200 + whole) // (2 * whole) if whole else None  # rounded half up, in integers

    @property
    def closed_rate(self) -> int | None:
        return self.percent(self.closed, self.received)

    @property
    def on_time_rate(self) -> int | None:
        return self.percent(self.on_time, self.closed)

    @property
    def satisfied_rate(self) -> int | None:
        return self.percent(self.satisfied, self.rated)

    @property
    def open(self) -> int:
        return self.received - self.closed


@dataclass
class FigureReport:
    date_from: date
    date_to: date
    total: Figures
    by_kind: list[Figures]
    by_department: list[Figures]


def _figure_columns(date_to: date):
    end = clock.start_of_day(date_to + timedelta(days=1))
    closed = and_(Item.closed_at.is_not(None), Item.closed_at < end)
    on_time = and_(closed, or_(Item.deadline.is_(None), Item.answered_on <= Item.deadline))
    rated = and_(Item.rating.is_not(None), Item.rated_at < end)
    satisfied = and_(rated, Item.rating.in_((Rating.SATISFIED, Rating.BASICALLY)))
    return (func.count(Item.id), func.count(case((closed, 1))), func.count(case((on_time, 1))),
            func.count(case((rated, 1))), func.count(case((satisfied, 1))))


def figures(court_ids: list[int], date_from: date, date_to: date, *, user=None) -> FigureReport:
    """办结率、按期办结率、满意率 of the items received from ``date_from`` to ``date_to`` (inclusive).

    One aggregate query for the total, one grouped by kind, one grouped by department. An item counts as
    closed (办结) when it was closed by the end of the period, on time (按期) when its final answer came by its
    deadline, and satisfied when the deputy rated it 满意 or 基本满意 (满意率 = those over all rated items).
    With ``user``, only the items that user sees (a handler: their department's), as on their board.
    """
    period = _period_condition(court_ids, date_from, date_to, user)
    columns = _figure_columns(date_to)
    total = Figures("合计", *db.session.execute(select(*columns).where(period)).one())
    kinds = {kind: Figures(kind.label) for kind in ItemKind}
    for kind, *values in db.session.execute(select(Item.kind, *columns).where(period).group_by(Item.kind)):
        kinds[ItemKind(kind)] = Figures(ItemKind(kind).label, *values)
    rows = db.session.execute(
        select(Court.name, Department.name, *columns).select_from(Item)
        .outerjoin(Department, Item.department_id == Department.id).outerjoin(Court, Department.court_id == Court.id)
        .where(period).group_by(Department.id, Department.name, Court.id, Court.name)
        .order_by(Department.id.is_(None), Court.id, Department.id)).all()
    several = len({court for court, *_ in rows if court}) > 1  # departments of several courts share names

    def label(court: str | None, name: str | None) -> str:
        if not name:
            return "未交办"
        return f"{court.removesuffix('人民法院')} · {name}" if several else name

    by_department = [Figures(label(court, name), *values) for court, name, *values in rows]
    return FigureReport(date_from, date_to, total, [kinds[k] for k in ItemKind if kinds[k].received], by_department)


def _period_condition(court_ids: list[int], date_from: date, date_to: date, user=None):
    condition = and_(Item.court_id.in_(court_ids), Item.received_on >= date_from, Item.received_on <= date_to)
    return condition if user is None else and_(condition, visible_condition(user))


def period_items(court_ids: list[int], date_from: date, date_to: date, *, user=None) -> list[Item]:
    """Every item received in the period (that ``user`` sees, if given), for the item table."""
    return list(db.session.scalars(
        select(Item).options(*_row_options()).where(_period_condition(court_ids, date_from, date_to, user))
        .order_by(Item.received_on, Item.id)))


def year_counts(deputy_id: int, year: int | None) -> dict[ItemKind, int]:
    """How many items of each kind a deputy raised (in ``year``), in one grouped query."""
    query = select(Item.kind, func.count()).join(item_deputy, item_deputy.c.item_id == Item.id).where(
        item_deputy.c.deputy_id == deputy_id)
    if year:
        query = query.where(Item.received_on >= date(year, 1, 1), Item.received_on <= date(year, 12, 31))
    return {ItemKind(kind): n for kind, n in db.session.execute(query.group_by(Item.kind))}


# --- documents ----------------------------------------------------------------------------------------------

def addressee(item: Item) -> str:
    """"张三代表、李四委员：" for the deputies, or the referring body, for a letter's salutation."""
    if item.deputies:
        return "、".join(f"{d.name}{'委员' if d.kind == DeputyKind.CPPCC else '代表'}" for d in item.deputies) + "："
    return f"{item.source_body or '来件人'}："


def split_salutation(reply: str) -> tuple[str, str]:
    """(the salutation the handler typed as the reply's first line, e.g. "尊敬的张三代表：", the rest); ("", reply)
    when the reply does not start with one."""
    first, _, rest = (reply or "").strip().partition("\n")
    first = first.strip()
    if first.endswith(("：", ":")) and len(first) <= 40 and "。" not in first:
        return first.rstrip(":：") + "：", rest.strip()
    return "", reply


def document_number(item: Item, word: str, suffix: str = "") -> str:
    """The 文号 of an item's document: the court's code, the word, the year in 〔〕, the item's sequence:
    YLZY答复〔2025〕12号, YLZY督办〔2025〕12-2号."""
    year, sequence = number_parts(item)
    return f"{item.court.code.upper()}{word}〔{year}〕{sequence}{suffix}号"


def reply_letter(item: Item):
    from portal.documents.items import ReplyLetter

    answered = clock.local_date(item.answered_at) if item.answered_at else clock.today()
    salutation, reply = split_salutation(item.reply)
    return ReplyLetter(court_name=item.court.name, addressee=salutation or addressee(item), kind_label=item.kind.label,
                       title=item.title, number=item.number, received_on=item.received_on, reply=reply,
                       department=item.department.name if item.department else "",
                       handler=item.handler.display_name if item.handler else "", dated=answered,
                       final=item.answered_at is not None, doc_number=document_number(item, "答复"))


def supervision_problem(item: Item, events: list[ItemEvent]) -> str | None:
    """Why no supervision notice can be printed: none for an item not assigned, or answered before any 督办."""
    if item.department_id is None:
        return "事项尚未交办承办部门，无法生成督办通知。"
    if item.state not in SUPERVISED and not any(e.action == "supervise" for e in events):
        return "事项已答复，无需督办。"
    return None


def supervision_notice(item: Item, events: list[ItemEvent]):
    from portal.documents.items import SupervisionNotice

    notices = [e for e in events if e.action == "supervise"]
    # The notice of the latest recorded 督办, dated that day and stating the item's state then; before any is
    # recorded, the one that would be issued today.
    dated = clock.local_date(notices[-1].at) if notices else clock.today()
    if item.answered_on and item.answered_on <= dated:
        status = f"该件已于{format_date(item.answered_on)}答复"
    elif item.due_on is None:
        status = "尚未确定办理期限"
    elif item.due_on < dated:
        status = f"已超过办理期限 {(dated - item.due_on).days} 天，仍未答复"
    else:
        status = f"距办理期限还有 {(item.due_on - dated).days} 天，尚未答复"
    return SupervisionNotice(
        court_name=item.court.name, department=item.department.name if item.department else "", number=item.number,
        kind_label=item.kind.label, title=item.title, deputies="、".join(d.name for d in item.deputies),
        received_on=item.received_on,
        assigned_on=clock.local_date(item.assigned_at) if item.assigned_at else None,
        deadline=item.deadline, leader=item.leader.display_name if item.leader else "",
        handler=item.handler.display_name if item.handler else "", status_line=status,
        requirement=notices[-1].note if notices else "请按期办结并报送办理结果。",
        doc_number=document_number(item, "督办", f"-{max(len(notices), 1)}"), dated=dated)


def _signed(user: User | None, at: datetime | None) -> str:
    if user is None or at is None:
        return ""
    local = clock.local_date(at)
    return f"{user.display_name}　{local.year}年{local.month}月{local.day}日"


def sees_contacts(user) -> bool:
    """过问留痕 is for the liaison office and the leaders, not for the judges handling the case."""
    return user.role in (Role.ADMIN, Role.LIAISON, Role.LEADER)


def case_report(item: Item, item_contacts: list[ItemContact] | None):
    """The report's data; ``item_contacts`` None when the reader may not see 过问留痕 (the section says so)."""
    from portal.documents.items import CaseReport, ContactLine

    lines = None if item_contacts is None else [
        ContactLine(at=clock.to_local(c.contacted_at).strftime("%Y-%m-%d %H:%M"), person=c.person, channel=c.channel,
                    content=c.content) for c in item_contacts]
    signed = [at for at in (item.division_signed_at, item.vice_president_signed_at) if at]
    head = division_head(item)
    return CaseReport(
        court_name=item.court.name, number=item.number, case_number=item.case_number, title=item.title,
        deputies="、".join(d.name for d in item.deputies), received_on=item.received_on, content=item.content,
        department=item.department.name if item.department else "",
        handler=item.handler.display_name if item.handler else "", panel_opinion=item.panel_opinion,
        division_opinion=item.division_opinion, vice_president_opinion=item.vice_president_opinion,
        division_head=head.display_name if head else "", leader=item.leader.display_name if item.leader else "",
        division_signed=_signed(item.division_signed_by, item.division_signed_at),
        vice_president_signed=_signed(item.vice_president_signed_by, item.vice_president_signed_at),
        contacts=lines, dated=clock.local_date(max(signed)) if signed else clock.today())


def _figure_line(f: Figures):
    from portal.documents.items import FigureLine

    return FigureLine(f.label, f.received, f.closed, f.closed_rate, f.on_time_rate, f.satisfied_rate)


def item_table(court_name: str, date_from: date, date_to: date, items: list[Item], report: FigureReport):
    from portal.documents.items import ItemTable, TableRow

    rows = [TableRow(court=i.court.name, number=i.number, kind=i.kind.label,
                     source="、".join(d.name for d in i.deputies) or i.source_body or i.origin.label, title=i.title,
                     department=i.department.name if i.department else "",
                     deadline=i.deadline.isoformat() if i.deadline else "", state=i.state.label,
                     answered=i.answered_on.isoformat() if i.answered_on else "",
                     rating=i.rating.label if i.rating else "") for i in items]
    return ItemTable(court_name=court_name, date_from=date_from, date_to=date_to, rows=rows,
                     total=_figure_line(report.total), by_kind=[_figure_line(f) for f in report.by_kind],
                     by_department=[_figure_line(f) for f in report.by_department], dated=clock.today())
