"""What one area shows on other areas' pages, collected through ``AREAS``: no area imports another to show it.

An area contributes by defining any of these functions in ``portal/<area>/contributions.py``:

- ``deputy_panel(deputy, year) -> Panel | None``: a panel of the deputy's workspace (代表委员工作台); the
  performance archive (履职档案) adds up every panel's ``archive`` counts for the year;
- ``register_panel(deputy) -> Panel | None``: a section of the register's page of one person, for staff;
- ``home_panel(user) -> Panel | None``: a section of the staff home page;
- ``header_panel(user) -> Panel | None``: something in the header beside the user's name, on every page;
- ``archive_section(deputy, year) -> ArchiveSection | None``: a table of the performance archive (履职档案), on the
  page and in its Word copy, after the counts every panel contributes;
- ``item_origin_url(item) -> str | None``: the page of the record a tracked item came from, when the item's
  origin is this area's;
- ``agenda_entries(user, first, last, court_ids) -> list[Entry]``: what the area puts on the work calendar
  (工作日历) between two days, with ``AGENDA_KINDS`` (key -> label) declared beside it;
- ``last_contacts(deputy_ids) -> dict[int, Contact]``: each deputy's latest contact with the court this area
  records (a visit, a hearing attended, an activity, a message), in one aggregate query: for pairing (结对联络);
- ``contacted_since(day) -> Select``: the ids of the deputies in such contact on ``day`` or later, as a SELECT
  that pairing's coverage counts in one query with every other area's;
- ``figures(scope) -> FigureGroup | None``: the area's figures for a ``portal.figures.definitions.Scope`` (courts,
  per-court columns, period, "as of" day), computed in one query grouped by ``court_id`` (so the per-court values
  and the total come from the same rows), each ``Figure`` with the address of the list that shows exactly its
  records: for the dashboard, and for the briefing, the quarterly report and the annual summary, which quote the
  same figures under the same definitions (``definitions.NOTES``); the dashboard folds the per-court values into
  its columns (``definitions.fold_into_columns``);
- ``summary_fields() -> list[tuple]``: fields of the annual summary read from a cell of the area's figure tables,
  as (field, what it counts, group key, table, row label, column), beside the summary's own (``summary.drafting``).

- ``outstanding_items(scope) -> list[Outstanding]``: the records behind the figures 在办 and 超期 of a ``Scope`` (the
  tracked items received in its period and not closed by its "as of" day), with their department, handler and
  deadline, in one query: the lists of the monthly briefing and the quarterly report, beside those figures.

- ``scheduled_notices(now) -> int``: queue the messages the area sends by itself on a schedule (a survey's
  deadline reminder, a hearing's day-before reminder, an item falling due; written in the area's ``messages.py``
  and kept to one per record with ``portal.notices.services.told``), idempotently: every pass of the notices worker calls it; the number queued.

``collect`` calls one of them in every area that has it and keeps what is not None, by ``order``.
"""
import importlib
import importlib.util
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from types import ModuleType


@dataclass
class Panel:
    title: str  # e.g. "我的邀请"
    template: str  # rendered with ``panel`` in its context, e.g. "hearings/_deputy_panel.html"
    order: int = 50  # smaller first
    rows: list = field(default_factory=list)  # what the template lists (keep it short: the latest few)
    link: str | None = None  # "查看全部" page of the area, if any
    archive: list[tuple[str, int]] = field(default_factory=list)  # (label, count) for the year's archive
    extra: dict = field(default_factory=dict)  # anything else the area's template needs


@dataclass(frozen=True)
class Contact:
    on: date  # the court's day it happened
    kind: str  # what it was, e.g. "来访接待", "旁听庭审", "联络活动", "短信或邮件"


@dataclass
class ArchiveSection:
    """A table of the performance archive: e.g. 向选民述职情况 with one row per report."""

    title: str
    headers: list[str]
    rows: list[tuple]
    empty: str  # what the archive says when there are no rows, e.g. "本年度尚无述职报告。"
    widths_mm: list[float] = field(default_factory=list)  # of the Word table (official width 156 mm in all)
    aligns: list[str] = field(default_factory=list)
    order: int = 50


@dataclass(frozen=True)
class Entry:
    """One thing on the work calendar: a hearing, a session, an activity, a deadline."""

    uid: str  # stable across downloads, e.g. "hearing-12"
    kind: str  # a key of the area's AGENDA_KINDS
    kind_label: str
    day: date  # the court's day
    title: str
    url: str = ""
    place: str = ""
    starts: datetime | None = None  # None: an all-day entry (a deadline)
    ends: datetime | None = None
    court_id: int | None = None


@dataclass(frozen=True)
class Outstanding:
    """A tracked item still open on a day: a line of the briefing's list of what is overdue or open."""

    number: str
    title: str
    kind_label: str
    court_id: int
    received_on: date
    deadline: date | None
    department_id: int | None  # the row of the figures' 按承办部门 table it is counted in (its ``keys``)
    department: str
    handler: str
    overdue: bool
    url: str = ""


@cache
def _contributions() -> list[ModuleType]:
    from portal import AREAS

    return [importlib.import_module(f"portal.{area}.contributions") for area in AREAS
            if importlib.util.find_spec(f"portal.{area}.contributions")]


def collect(hook: str, *args) -> list:
    """``hook(*args)`` of every area that defines it, without the Nones; sorted by ``order`` where they have one."""
    results = [result for module in _contributions() if hasattr(module, hook)
               if (result := getattr(module, hook)(*args)) is not None]
    return sorted(results, key=lambda r: r.order) if all(hasattr(r, "order") for r in results) else results


def contributing(name: str) -> list[ModuleType]:
    """The areas' contribution modules that define ``name``."""
    return [module for module in _contributions() if hasattr(module, name)]


def first(hook: str, *args):
    """The first area's answer to ``hook(*args)`` that is not None (an item's origin has one owner)."""
    return next(iter(collect(hook, *args)), None)


def deputy_panels(deputy, year: int | None) -> list[Panel]:
    """Every area's panel for ``deputy`` (for ``year``, or all years when None), in order."""
    return collect("deputy_panel", deputy, year)
