"""Reading tracked items: who sees which (visibility), the board and its filters, each person's queue with its
flagged items, the deputy's own items, the deputy picker and the figures (办结率、按期办结率、满意率).

Nothing here writes. ``visible_item`` is the one lookup of an item for a user: NotFound outside the courts they
see, Forbidden inside them when the item is not theirs.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Row, and_, case, distinct, exists, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from portal import clock, params
from portal.access import visible_court_ids
from portal.auth.models import Court, Department, Role, User
from portal.documents import STREAM_ROWS
from portal.errors import Forbidden, NotFound
from portal.extensions import db
from portal.items.models import Item, ItemKind, ItemRating, ItemState, Rating, item_deputy
from portal.items.supervision import DEADLINE_STATES, HANDLING, deadline_state_in
from portal.models import like_pattern
from portal.pagination import Page, paginate
from portal.register.models import Deputy


def visible_condition(user, within: list[int] | None = None):
    """The items ``user`` may open: a court's items for staff, a department's for handlers, their own for deputies.

    ``within``: only those of these courts (a court scope), stated as one list of courts: a second ``IN`` of a
    province's hundred courts would be tested again on every item counted."""
    if user.role == Role.DEPUTY:
        condition = Item.id.in_(select(item_deputy.c.item_id).where(item_deputy.c.deputy_id == (user.deputy_id or -1)))
        return condition if within is None else and_(condition, Item.court_id.in_(within))
    condition = _in_courts(user, within)
    if user.role == Role.HANDLER:
        mine = Item.handler_id == user.id
        if user.department_id:
            mine = or_(mine, Item.department_id == user.department_id)
        condition = and_(condition, mine)
    return condition


def _in_courts(user, within: list[int] | None):
    """The item is in a court ``user`` sees (and, given ``within``, in one of those)."""
    visible = visible_court_ids(user)
    return Item.court_id.in_(visible if within is None else sorted(set(within).intersection(visible)))


def is_handler_of(user, item: Item) -> bool:
    return user.role == Role.HANDLER and (
        item.handler_id == user.id or (item.department_id is not None and item.department_id == user.department_id))


def is_deputy_of(user, item: Item) -> bool:
    return user.role == Role.DEPUTY and user.deputy_id is not None and any(
        d.id == user.deputy_id for d in item.deputies)


def visible_item(user, item_id: int) -> Item:
    """The item if ``user`` may open it: staff of its court (handlers: of its department), or its deputy."""
    item = db.session.get(Item, item_id)
    if item is None:
        raise NotFound()
    if user.role == Role.DEPUTY:
        if not is_deputy_of(user, item):
            raise Forbidden()
    elif item.court_id not in visible_court_ids(user):
        raise NotFound()
    elif user.role == Role.HANDLER and not is_handler_of(user, item):
        raise Forbidden()
    return item


def attention_condition(user, today: date | None = None, within: list[int] | None = None):
    """Items flagged for ``user``'s attention: near or past the deadline and theirs to act on.

    A handler: their department's items. A leader: items they answer for, and any overdue item in their
    courts (escalated to them). Liaison and admin: every flagged item in their courts.
    """
    today = today or clock.today()
    flagged = deadline_state_in(("overdue", "soon"), today)
    courts = _in_courts(user, within)
    if user.role == Role.LEADER:
        return and_(courts, or_(and_(Item.leader_id == user.id, flagged), deadline_state_in(["overdue"], today)))
    if user.role == Role.HANDLER:
        return and_(visible_condition(user, within), flagged, Item.state.in_(HANDLING))
    return and_(courts, flagged)


def supervision_counts(user, court_ids: list[int] | None = None) -> dict[str, int]:
    """{"overdue": n, "soon": m} of the items flagged for ``user`` (in ``court_ids``, if given), in one query over
    ix_item_supervised_due (the flagged items are a range of ``Item.supervised_due``, the overdue ones before today)."""
    if user.role == Role.DEPUTY:
        return {"overdue": 0, "soon": 0}
    today = clock.today()
    where = attention_condition(user, today, court_ids)
    row = db.session.execute(select(func.count(case((deadline_state_in(["overdue"], today), 1))),
                                    func.count(case((deadline_state_in(["soon"], today), 1)))).where(where)).one()
    return {"overdue": row[0], "soon": row[1]}


# --- the figures' definitions (one place: the dashboard, the figures page, the documents, the board's filters) --

KIND_GROUPS = {  # how the summaries group the items: each group with its own totals and rates
    "proposals": ("建议、提案", (ItemKind.SUGGESTION, ItemKind.PROPOSAL)),
    "cases": ("交办督办件、来信、关注案件", (ItemKind.REFERRAL, ItemKind.LETTER, ItemKind.CONCERNED_CASE)),
}
OUTCOMES = {  # what an item received in a period had come to by the "as of" day (see portal.figures.definitions)
    "closed": "已办结", "open": "在办", "on_time": "按期办结", "late": "逾期办结", "overdue": "超期未答复",
    "rated": "已评价", "satisfied": "满意或基本满意", "fully_satisfied": "满意", "basically": "基本满意",
    "unsatisfied": "不满意", "unrated": "未评价",
}


def outcome_conditions(as_of: date) -> dict:
    """{outcome: SQL condition} as of the end of the day ``as_of`` (court time): closed by then; on time when the
    answer came by the deadline in force (none set: on time); rated by then; overdue when not answered by then
    and past the deadline."""
    end = clock.start_of_day(as_of + timedelta(days=1))
    closed = and_(Item.closed_at.is_not(None), Item.closed_at < end)
    on_time = and_(closed, or_(Item.deadline.is_(None), Item.answered_on <= Item.deadline))
    rated = and_(Item.rating.is_not(None), Item.rated_at < end)
    answered = and_(Item.answered_on.is_not(None), Item.answered_on <= as_of)
    return {"closed": closed, "open": ~closed, "on_time": on_time, "late": and_(closed, ~on_time),
            "overdue": and_(~answered, Item.deadline.is_not(None), Item.deadline < as_of), "rated": rated,
            "satisfied": and_(rated, Item.rating.in_((Rating.SATISFIED, Rating.BASICALLY))),
            "fully_satisfied": and_(rated, Item.rating == Rating.SATISFIED),
            "basically": and_(rated, Item.rating == Rating.BASICALLY),
            "unsatisfied": and_(rated, Item.rating == Rating.UNSATISFIED), "unrated": ~rated}


@dataclass
class BoardFilters:
    state: str = ""
    kind: str = ""
    department: str = ""
    leader: str = ""
    deadline: str = ""
    deputy: str = ""
    q: str = ""
    # the figures' filters (a figure's link): received in a period, a kind group, the outcome as of a day
    group: str = ""
    received_from: str = ""
    received_to: str = ""
    outcome: str = ""
    as_of: str = ""

    @classmethod
    def from_args(cls, args) -> BoardFilters:
        values = {k: params.clean_query(args.get(k), 60) for k in ("state", "kind", "department", "leader", "deadline",
                                                                 "deputy", "q", "group", "received_from",
                                                                 "received_to", "outcome", "as_of")}
        filters = cls(**values)
        if filters.group not in KIND_GROUPS:
            filters.group = ""
        if filters.outcome not in OUTCOMES:
            filters.outcome = ""
        for key in ("received_from", "received_to", "as_of"):
            day = params.parse_date(getattr(filters, key))
            setattr(filters, key, day.isoformat() if day else "")
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

    @property
    def figure_summary(self) -> str:
        """The figure's filters in words, for the line above the board (empty without them)."""
        parts = []
        if self.received_from or self.received_to:
            parts.append(f"收件日期 {self.received_from or '…'} 至 {self.received_to or '…'}")
        if self.group:
            parts.append(KIND_GROUPS[self.group][0])
        if self.outcome:
            parts.append(f"截至 {self.as_of or clock.today().isoformat()} {OUTCOMES[self.outcome]}")
        return "，".join(parts)


def _filtered(user, filters: BoardFilters, court_ids: list[int], *, with_state: bool = True):
    from portal.register.services import search_condition

    conditions = [visible_condition(user, court_ids)]
    if with_state and filters.state:
        conditions.append(Item.state == ItemState(filters.state))
    if filters.kind:
        conditions.append(Item.kind == ItemKind(filters.kind))
    if filters.group:
        conditions.append(Item.kind.in_(KIND_GROUPS[filters.group][1]))
    if filters.received_from:
        conditions.append(Item.received_on >= date.fromisoformat(filters.received_from))
    if filters.received_to:
        conditions.append(Item.received_on <= date.fromisoformat(filters.received_to))
    if filters.outcome:
        as_of = date.fromisoformat(filters.as_of) if filters.as_of else clock.today()
        conditions.append(outcome_conditions(as_of)[filters.outcome])
    if filters.department:
        conditions.append(Item.department_id == int(filters.department))
    if filters.leader:
        conditions.append(Item.leader_id == int(filters.leader))
    if filters.deadline:
        conditions.append(deadline_state_in([filters.deadline]))
    if filters.deputy:
        deputy_condition = search_condition(filters.deputy)
        if deputy_condition is not None:
            conditions.append(exists().where(item_deputy.c.item_id == Item.id, item_deputy.c.deputy_id == Deputy.id,
                                             deputy_condition))
    if filters.q:
        pattern = like_pattern(filters.q)
        conditions.append(or_(Item.title.ilike(pattern, escape="\\"), Item.number.like(pattern, escape="\\"),
                              Item.case_number.ilike(pattern, escape="\\")))
    return and_(*conditions)


def _row_options():
    return (selectinload(Item.deputies), selectinload(Item.department), selectinload(Item.handler),
            selectinload(Item.leader), selectinload(Item.court))


def list_items(user, filters: BoardFilters, court_ids: list[int], counts: dict[str, int], *, cursor: str | None,
               per_page: int, total: int | None, number: int) -> Page:
    """The board: the items ``user`` sees in ``court_ids`` (the court scope) under ``filters``; ``counts`` are
    its ``state_counts``, which hold the list's total."""
    query = select(Item).options(*_row_options()).where(_filtered(user, filters, court_ids))
    counted = counts[filters.state] if filters.state else sum(counts.values())
    return paginate(query, [Item.received_on, Item.id], cursor=cursor, per_page=per_page, descending=True,
                    total=total, number=number, counted=counted)


def state_counts(user, filters: BoardFilters, court_ids: list[int]) -> dict[str, int]:
    """Items per state under the board's filters (except the state itself), in one grouped query."""
    # grouped by court too: SQLite then reads ix_item_court_state in its order instead of sorting every item
    rows = db.session.execute(select(Item.state, func.count()).where(_filtered(user, filters, court_ids,
                                                                               with_state=False))
                              .group_by(Item.court_id, Item.state))
    counts = {state.value: 0 for state in ItemState}
    for state, n in rows:
        counts[ItemState(state).value] += n
    return counts


def board_choices(courts: list[int]) -> dict:
    """Departments and leaders of the courts in scope, for the board's filter menus, as (id, text) pairs read
    as plain columns: a province's menus hold hundreds of departments."""
    multi_court = len(courts) > 1
    departments = db.session.execute(
        select(Department.id, Department.name, Court.name).join(Court, Court.id == Department.court_id)
        .where(Department.court_id.in_(courts), Department.active.is_(True))
        .order_by(Department.court_id, Department.id))
    leaders = db.session.execute(select(User.id, User.display_name).where(
        User.court_id.in_(courts), User.role == Role.LEADER, User.active.is_(True)).order_by(User.court_id, User.id))
    return {"departments": [(id_, f"{court} · {name}" if multi_court else name) for id_, name, court in departments],
            "leaders": [tuple(row) for row in leaders]}


def queue(user, court_ids: list[int], *, cursor: str | None, per_page: int, total: int | None,
          number: int) -> tuple[list[Item], Page]:
    """A person's queue: the flagged items first (overdue, then due soon), then the rest of their work.

    Handler: their department's items being handled. Leader: items to instruct, and items they answer for.
    Liaison and admin: items waiting for the liaison office (to assign, hear, answer, close).
    """
    today = clock.today()
    seen = visible_condition(user, court_ids)
    if user.role == Role.HANDLER:
        work = and_(seen, Item.state.in_(HANDLING))
    elif user.role == Role.LEADER:
        work = and_(seen, or_(Item.state == ItemState.REGISTERED,
                              and_(Item.leader_id == user.id, Item.state != ItemState.CLOSED)))
    else:
        work = and_(seen, Item.state.in_((ItemState.INSTRUCTED, ItemState.REPLY_DRAFTED, ItemState.REPLY_HEARD,
                                          ItemState.ANSWERED, ItemState.RATED)))
    attention = attention_condition(user, today, court_ids)
    flagged = list(db.session.scalars(  # the overdue first: their due date is before the others'
        select(Item).options(*_row_options()).where(attention).order_by(Item.supervised_due, Item.id).limit(100)))
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
    outcome = outcome_conditions(date_to)
    return (func.count(Item.id), *(func.count(case((outcome[key], 1))) for key in ("closed", "on_time", "rated",
                                                                                  "satisfied")))


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


def stream_period_rows(court_ids: list[int], date_from: date, date_to: date, *,
                       user=None) -> Iterator[tuple[Row, list[str]]]:
    """``period_items`` for the streamed Word table and the workbook: the columns they show (``court``,
    ``department``, ``leader`` and ``handler`` by name) and each item's deputies' names in the order of
    ``Item.deputies``, read in batches (``yield_per``) without ORM objects, so a batch is all that is held."""
    leader, handler = aliased(User), aliased(User)
    query = (select(Item.id, Item.number, Item.kind, Item.source_body, Item.origin, Item.title, Item.received_on,
                    Item.case_number, Item.deadline, Item.state, Item.answered_on, Item.closed_at, Item.rating,
                    Court.name.label("court"), Department.name.label("department"),
                    leader.display_name.label("leader"), handler.display_name.label("handler"))
             .join(Court, Court.id == Item.court_id).outerjoin(Department, Department.id == Item.department_id)
             .outerjoin(leader, leader.id == Item.leader_id).outerjoin(handler, handler.id == Item.handler_id)
             .where(_period_condition(court_ids, date_from, date_to, user)).order_by(Item.received_on, Item.id)
             .execution_options(yield_per=STREAM_ROWS))
    for batch in db.session.execute(query).partitions():
        names: dict[int, list[str]] = {r.id: [] for r in batch}
        for item_id, name in db.session.execute(
                select(item_deputy.c.item_id, Deputy.name).join(Deputy, Deputy.id == item_deputy.c.deputy_id)
                .where(item_deputy.c.item_id.in_(list(names)))
                .order_by(item_deputy.c.item_id, Deputy.name_pinyin, Deputy.id)):
            names[item_id].append(name)
        for r in batch:
            yield r, names[r.id]


def period_court_count(court_ids: list[int], date_from: date, date_to: date, *, user=None) -> int:
    """How many courts the period's items (that ``user`` sees) belong to."""
    return db.session.scalar(select(func.count(distinct(Item.court_id)))
                             .where(_period_condition(court_ids, date_from, date_to, user))) or 0


def year_counts(deputy_id: int, year: int | None) -> dict[ItemKind, int]:
    """How many items of each kind a deputy raised (in ``year``), in one grouped query."""
    query = select(Item.kind, func.count()).join(item_deputy, item_deputy.c.item_id == Item.id).where(
        item_deputy.c.deputy_id == deputy_id)
    if year:
        query = query.where(Item.received_on >= date(year, 1, 1), Item.received_on <= date(year, 12, 31))
    return {ItemKind(kind): n for kind, n in db.session.execute(query.group_by(Item.kind))}
