"""Queries and writes for the reception log. Services flush; the request commits."""
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Select, and_, exists, false, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from portal import clock, params, periods
from portal.access import current_user_id
from portal.attachments import files_of
from portal.auth.models import Court, Role, User
from portal.documents import STREAM_ROWS
from portal.errors import NotFound, ServiceError
from portal.extensions import db
from portal.items.models import Item, ItemKind, ItemOrigin, ItemState
from portal.items.services import create_item, items_from
from portal.models import like_pattern
from portal.pagination import Page, paginate
from portal.reception.models import Channel, Reception, ReceptionDeputy, ReceptionHost
from portal.register.models import Deputy, DeputyKind, Mandate
from portal.register.services import search_condition
from portal.trash import services as trash

OWNER_TYPE = "reception"  # attachments of a reception
DEFAULT_PLACE = "人大代表政协委员联络之家"
# A follow-up counts as answered once its item has reached 已答复 (or a later step: 已评价, 已办结).
DONE_STATES = tuple(s for s in ItemState if s.rank >= ItemState.ANSWERED.rank)
FOLLOWUP_STATES = {"none": "未提出跟踪事项", "open": "有未答复事项", "answered": "全部已答复"}
# Kinds a follow-up raised at a reception may take (交办件 come from other bodies, not from a visit).
FOLLOWUP_KINDS = (ItemKind.SUGGESTION, ItemKind.PROPOSAL, ItemKind.LETTER, ItemKind.CONCERNED_CASE)


# --- times ----------------------------------------------------------------------------------------------------

def local_input(value: datetime | None) -> str:
    """A stored instant as the value of a ``datetime-local`` input, in Beijing time."""
    return clock.to_local(value).strftime("%Y-%m-%dT%H:%M") if value else ""


def parse_local(text: str) -> datetime | None:
    """``2025-03-01T14:05`` (or with a space) typed in Beijing time, as an aware UTC instant; None if invalid."""
    value = params.parse_datetime(text)
    return clock.from_local(value) if value else None


# --- the follow-up state of a reception -----------------------------------------------------------------------

@dataclass
class FollowUp:
    """The tracked items raised at one reception and whether all of them have been answered."""

    items: list[Item] = field(default_factory=list)

    @property
    def open_items(self) -> list[Item]:
        return [i for i in self.items if i.state not in DONE_STATES]

    @property
    def state(self) -> str:
        if not self.items:
            return "none"
        return "open" if self.open_items else "answered"

    @property
    def label(self) -> str:
        if self.state == "open":
            return f"{len(self.open_items)} 件未答复"
        return FOLLOWUP_STATES[self.state]


def followups_of(reception_ids: list[int]) -> dict[int, FollowUp]:
    """The follow-up state of each reception, in one query."""
    return {rid: FollowUp(items) for rid, items in items_from(ItemOrigin.RECEPTION, reception_ids).items()}


def _items_exist(*conditions):
    return exists().where(Item.origin == ItemOrigin.RECEPTION, Item.origin_id == Reception.id, *conditions)


# --- the log list -----------------------------------------------------------------------------------------------

@dataclass
class ReceptionFilters:
    period: periods.Period = field(default_factory=lambda: periods.parse("", ""))  # from_args: the session's
    channel: str = ""
    deputy: str = ""  # a deputy's id
    host: str = ""  # a receiving user's id
    followup: str = ""
    q: str = ""
    kind: str = ""  # npc: visits of a People's Congress deputy; cppcc: of a CPPCC member (see npc_deputy)
    others: str = ""  # "1": visits with people not on the register

    @classmethod
    def from_args(cls, args) -> "ReceptionFilters":
        """The filters of a request; the period is the session's (see ``portal.periods``): at first the year."""
        def arg(name: str, limit: int = 60) -> str:
            return params.clean_query(args.get(name), limit)

        filters = cls(period=periods.from_request(args), channel=arg("channel"), deputy=arg("deputy"),
                      host=arg("host"), followup=arg("followup"), q=arg("q"), kind=arg("kind"),
                      others="1" if args.get("others") == "1" else "")
        if filters.kind not in DeputyKind.__members__.values():
            filters.kind = ""
        if filters.channel not in Channel.__members__.values():
            filters.channel = ""
        if filters.followup not in FOLLOWUP_STATES:
            filters.followup = ""
        for key in ("deputy", "host"):
            if params.parse_id(getattr(filters, key)) is None:
                setattr(filters, key, "")
        return filters

    def as_args(self, **overrides) -> dict:
        """Query arguments that give these filters back; the period is always there, even when empty."""
        values = {**self.period.as_args(), "channel": self.channel, "deputy": self.deputy, "host": self.host,
                  "followup": self.followup, "q": self.q, "kind": self.kind,
                  "others": self.others, **overrides}
        return {k: v for k, v in values.items() if v or k in ("from", "to")}


def _conditions(filters: ReceptionFilters, court_ids: list[int]) -> list:
    conditions = [Reception.court_id.in_(court_ids)]
    period = filters.period
    if period.problem:
        conditions.append(false())  # the list shows the period's problem instead of rows
    if period.start:
        conditions.append(Reception.received_at >= clock.start_of_day(period.start))
    if period.end:
        conditions.append(Reception.received_at < clock.start_of_day(period.end + timedelta(days=1)))
    if filters.channel:
        conditions.append(Reception.channel == Channel(filters.channel))
    if filters.deputy:
        conditions.append(exists().where(ReceptionDeputy.reception_id == Reception.id,
                                         ReceptionDeputy.deputy_id == int(filters.deputy)))
    if filters.host:
        conditions.append(exists().where(ReceptionHost.reception_id == Reception.id,
                                         ReceptionHost.user_id == int(filters.host)))
    if filters.kind:
        is_npc = npc_deputy(ReceptionDeputy.deputy_id)
        conditions.append(exists().where(ReceptionDeputy.reception_id == Reception.id,
                                         is_npc if filters.kind == DeputyKind.NPC.value else ~is_npc))
    if filters.others:
        conditions.append(Reception.other_count > 0)
    if filters.followup == "none":
        conditions.append(~_items_exist())
    elif filters.followup == "open":
        conditions.append(_items_exist(Item.state.not_in(DONE_STATES)))
    elif filters.followup == "answered":
        conditions.append(and_(_items_exist(), ~_items_exist(Item.state.not_in(DONE_STATES))))
    if filters.q:
        conditions.append(_search(filters.q))
    return conditions


def npc_deputy(deputy_id):
    """Whether the person is a People's Congress deputy (has an NPC mandate); the others are CPPCC members. The
    figures count 代表人次 and 委员人次 by it."""
    return exists().where(Mandate.deputy_id == deputy_id, Mandate.kind == DeputyKind.NPC)


def _search(q: str):
    """Receptions whose visiting deputy matches ``q`` (name, pinyin, initials…) or whose text contains it."""
    by_deputy = search_condition(q)
    pattern = like_pattern(q)
    by_text = or_(Reception.subject.ilike(pattern, escape="\\"), Reception.requests.ilike(pattern, escape="\\"),
                  Reception.other_visitors.ilike(pattern, escape="\\"))
    deputy_match = exists().where(ReceptionDeputy.reception_id == Reception.id,
                                  ReceptionDeputy.deputy_id == Deputy.id, by_deputy)
    return or_(deputy_match, by_text)


def filtered_query(filters: ReceptionFilters, court_ids: list[int]) -> Select:
    return select(Reception).where(*_conditions(filters, court_ids))


def _list_options():
    return selectinload(Reception.deputies), selectinload(Reception.hosts), selectinload(Reception.court)


@dataclass
class PeriodCounts:
    visits: int
    persons: int  # 人次
    open_followups: int  # tracked items raised at these visits not yet answered


def period_counts(filters: ReceptionFilters, court_ids: list[int]) -> PeriodCounts:
    """Visits, 人次 and open follow-ups of the filtered receptions, in one SQL statement. The visitors and the
    follow-ups are joined to the receptions rather than looked up in a list of their ids: a province's year is
    tens of thousands of receptions."""
    conditions = _conditions(filters, court_ids)
    # aliases: the filters' own subqueries of visitors and items correlate to the reception alone
    visitor, raised = aliased(ReceptionDeputy), aliased(Item)
    deputy_rows = (select(func.count()).select_from(visitor)
                   .join(Reception, Reception.id == visitor.reception_id).where(*conditions)
                   .correlate(None).scalar_subquery())
    open_items = (select(func.count()).select_from(raised).join(Reception, Reception.id == raised.origin_id)
                  .where(raised.origin == ItemOrigin.RECEPTION, raised.state.not_in(DONE_STATES), *conditions)
                  .correlate(None).scalar_subquery())
    visits, others, deputies, still_open = db.session.execute(
        select(func.count(Reception.id), func.coalesce(func.sum(Reception.other_count), 0), deputy_rows, open_items)
        .where(*conditions)).one()
    return PeriodCounts(visits=visits, persons=int(others) + deputies, open_followups=still_open)


def list_receptions(filters: ReceptionFilters, court_ids: list[int], counts: PeriodCounts, *, cursor: str | None,
                    per_page: int, total: int | None, number: int) -> tuple[Page, dict[int, FollowUp]]:
    """One page of the log, newest first, and the follow-up state of each reception on it; ``counts`` are the
    same filter's ``period_counts`` (its visits are the list's total)."""
    query = filtered_query(filters, court_ids).options(*_list_options())
    page = paginate(query, [Reception.received_at, Reception.id], cursor=cursor, per_page=per_page,
                    descending=True, total=total, number=number, counted=counts.visits)
    return page, followups_of([r.id for r in page.items])


def filter_choices(court_ids: list[int]) -> dict:
    """The receiving leaders as (id, name) pairs, with their court when the scope has several, and the other
    filter menus."""
    leaders = db.session.execute(select(User.id, User.display_name, Court.name).join(Court, Court.id == User.court_id)
                                 .where(User.court_id.in_(court_ids), User.role == Role.LEADER)
                                 .order_by(User.court_id, User.id))
    several = len(court_ids) > 1
    return {"leaders": [(id_, f"{name}（{court}）" if several else name) for id_, name, court in leaders],
            "channels": Channel.choices(), "followups": list(FOLLOWUP_STATES.items())}


def all_filtered(filters: ReceptionFilters, court_ids: list[int]) -> list[Reception]:
    """Every reception matching ``filters``, oldest first, for the period register."""
    return list(db.session.scalars(_register_query(filters, court_ids)))


def stream_filtered(filters: ReceptionFilters, court_ids: list[int]) -> Iterator[Reception]:
    """``all_filtered`` read in batches (``yield_per``), for a streamed export: one batch is held at a time."""
    return iter(db.session.scalars(_register_query(filters, court_ids).execution_options(yield_per=STREAM_ROWS)))


def _register_query(filters: ReceptionFilters, court_ids: list[int]):
    """The receptions of a register with the names of their court and liaison officer; who visited and who
    received them come from ``names_of``."""
    query = filtered_query(filters, court_ids).options(selectinload(Reception.court).load_only(Court.name),
                                                       selectinload(Reception.liaison_officer).load_only(User.display_name))
    return query.order_by(Reception.received_at, Reception.id)


@dataclass
class VisitNames:
    """Who a register line names: the visiting deputies (name and mobile, by pinyin as on the page) and the hosts."""
    deputies: list[tuple[str, str]] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)


def names_of(reception_ids: list[int]) -> dict[int, VisitNames]:
    """The visiting deputies and the hosts of each reception, in two queries of plain columns: loading them as
    objects (``Reception.deputies``, ``Reception.hosts``) took two thirds of a year's export."""
    names = {rid: VisitNames() for rid in reception_ids}
    deputies = (select(ReceptionDeputy.reception_id, Deputy.name, Deputy.mobile)
                .join(Deputy, Deputy.id == ReceptionDeputy.deputy_id)
                .where(ReceptionDeputy.reception_id.in_(reception_ids))
                .order_by(ReceptionDeputy.reception_id, Deputy.name_pinyin, Deputy.id))
    for reception_id, name, mobile in db.session.execute(deputies):
        names[reception_id].deputies.append((name, mobile))
    hosts = (select(ReceptionHost.reception_id, User.display_name).join(User, User.id == ReceptionHost.user_id)
             .where(ReceptionHost.reception_id.in_(reception_ids)).order_by(ReceptionHost.reception_id, User.id))
    for reception_id, name in db.session.execute(hosts):
        names[reception_id].hosts.append(name)
    return names


# --- one reception -----------------------------------------------------------------------------------------------

def load_reception(reception_id: int, court_ids: list[int]) -> Reception:
    """A reception of one of ``court_ids`` (the courts the user sees); NotFound for any other."""
    query = select(Reception).where(Reception.id == reception_id, Reception.court_id.in_(court_ids)).options(
        *_list_options(), selectinload(Reception.liaison_officer), selectinload(Reception.host_links))
    reception = db.session.scalar(query)
    if reception is None:
        raise NotFound()
    return reception


def detail_context(reception: Reception) -> dict:
    return {"followup": followups_of([reception.id])[reception.id],
            "files": files_of(OWNER_TYPE, [reception.id])[reception.id]}


def receptions_of_deputy(deputy_id: int, court_ids: list[int] | None, *, limit: int = 10,
                         year: int | None = None) -> tuple[list, int]:
    """The latest visits of a deputy (within ``court_ids``, or anywhere when None; in ``year`` if given) and how
    many there are, in one query."""
    query = (select(Reception, func.count().over())
             .join(ReceptionDeputy, ReceptionDeputy.reception_id == Reception.id)
             .where(ReceptionDeputy.deputy_id == deputy_id))
    if court_ids is not None:
        query = query.where(Reception.court_id.in_(court_ids))
    if year:
        query = query.where(Reception.received_at >= clock.start_of_day(date(year, 1, 1)),
                            Reception.received_at < clock.start_of_day(date(year + 1, 1, 1)))
    rows = db.session.execute(query.order_by(Reception.received_at.desc(), Reception.id.desc()).limit(limit)).all()
    return [r for r, _ in rows], (rows[0][1] if rows else 0)


def deputy_page(deputy_id: int, *, cursor: str | None, per_page: int, total: int | None,
                number: int) -> tuple[Page, dict[int, FollowUp]]:
    """A deputy's own visits (any court), newest first, with their follow-ups."""
    query = (select(Reception).where(exists().where(ReceptionDeputy.reception_id == Reception.id,
                                                    ReceptionDeputy.deputy_id == deputy_id))
             .options(*_list_options(), selectinload(Reception.liaison_officer)))
    page = paginate(query, [Reception.received_at, Reception.id], cursor=cursor, per_page=per_page,
                    descending=True, total=total, number=number)
    return page, followups_of([r.id for r in page.items])


def deputy_year_counts(deputy_id: int, year: int | None) -> tuple[int, int]:
    """How many visits a deputy made (in ``year``, Beijing time) and how many follow-ups they raised."""
    conditions = [ReceptionDeputy.deputy_id == deputy_id]
    if year:
        conditions += [Reception.received_at >= clock.start_of_day(date(year, 1, 1)),
                       Reception.received_at < clock.start_of_day(date(year + 1, 1, 1))]
    chosen = (select(Reception.id).join(ReceptionDeputy, ReceptionDeputy.reception_id == Reception.id)
              .where(*conditions).correlate(None))
    items = (select(func.count()).select_from(Item)
             .where(Item.origin == ItemOrigin.RECEPTION, Item.origin_id.in_(chosen)).scalar_subquery())
    visits, raised = db.session.execute(
        select(func.count(Reception.id), items).join(ReceptionDeputy, ReceptionDeputy.reception_id == Reception.id)
        .where(*conditions)).one()
    return visits, raised


# --- choices ------------------------------------------------------------------------------------------------------

def host_choices(court_ids: list[int]) -> list[User]:
    """Who may be recorded as receiving: the active leaders and liaison staff of these courts, leaders first."""
    query = (select(User).where(User.court_id.in_(court_ids), User.active.is_(True),
                                User.role.in_([Role.LEADER, Role.LIAISON]))
             .options(selectinload(User.court)))
    users = list(db.session.scalars(query))
    return sorted(users, key=lambda u: (u.court_id, u.role != Role.LEADER, u.id))


# --- writes --------------------------------------------------------------------------------------------------------

FIELDS = ("court_id", "received_at", "channel", "place", "other_visitors", "other_count", "liaison_officer_id",
          "subject", "content", "requests", "handling")


def _set_people(reception: Reception, deputies: list[Deputy], hosts: list[User]) -> None:
    """Make the reception's visiting deputies and hosts these; links removed or added are audited rows."""
    wanted = {d.id for d in deputies}
    for link in [link for link in reception.deputy_links if link.deputy_id not in wanted]:
        reception.deputy_links.remove(link)
        db.session.delete(link)  # explicitly, so the audit trail sees it (orphans are found only during the flush)
    present = {link.deputy_id for link in reception.deputy_links}
    reception.deputy_links.extend(ReceptionDeputy(deputy=d) for d in deputies if d.id not in present)
    wanted = {u.id for u in hosts}
    for link in [link for link in reception.host_links if link.user_id not in wanted]:
        reception.host_links.remove(link)
        db.session.delete(link)
    present = {link.user_id for link in reception.host_links}
    reception.host_links.extend(ReceptionHost(user=u) for u in hosts if u.id not in present)


def create_reception(values: dict) -> Reception:
    reception = Reception(**{k: values[k] for k in FIELDS}, created_by_id=current_user_id())
    db.session.add(reception)
    _set_people(reception, values["deputies"], values["hosts"])
    db.session.flush()
    if values.get("followup"):
        add_followup(reception, *values["followup"], content=values["requests"])
    db.session.expire(reception, ["deputies", "hosts"])
    return reception


def update_reception(reception: Reception, values: dict) -> Reception:
    for key in FIELDS:
        setattr(reception, key, values[key])
    _set_people(reception, values["deputies"], values["hosts"])
    db.session.flush()
    if values.get("followup"):
        add_followup(reception, *values["followup"], content=values["requests"])
    db.session.expire(reception, ["deputies", "hosts"])
    return reception


def add_followup(reception: Reception, kind: ItemKind, title: str, case_number: str = "", *,
                 content: str = "") -> Item:
    """Register a request raised at the reception as a tracked item, linked to the visiting deputies."""
    return create_item(court_id=reception.court_id, kind=kind, title=title, content=content, case_number=case_number,
                       deputies=[link.deputy for link in reception.deputy_links], origin=ItemOrigin.RECEPTION,
                       origin_id=reception.id, received_on=clock.local_date(reception.received_at))


def delete_reception(reception: Reception) -> None:
    """Put a reception, with its visitors, hosts and attachments, in the recycle bin; one that raised tracked items
    stays (ServiceError)."""
    if items_from(ItemOrigin.RECEPTION, [reception.id])[reception.id]:
        raise ServiceError("该次接待已登记跟踪事项，不能删除；如有误请修改接待记录。")
    trash.discard(reception, kind="reception", label=trash_label(reception), court_id=reception.court_id,
                  children=files_of(OWNER_TYPE, [reception.id])[reception.id])


def trash_label(reception: Reception) -> str:
    """What the bin calls a reception: 2026-03-01 来访接待：张三、李四."""
    who = "、".join(link.deputy.name for link in reception.deputy_links) or reception.other_visitors
    return f"{clock.local_date(reception.received_at).isoformat()} 来访接待：{who or reception.subject}"


def _reception_page(reception_id: int) -> tuple[str, dict]:
    return "reception.detail", {"reception_id": reception_id}


trash.register("reception", "来访接待", link=lambda values: _reception_page(values["id"]))
trash.owner_page(OWNER_TYPE, _reception_page)
