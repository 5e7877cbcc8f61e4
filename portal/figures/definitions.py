"""The figures of the liaison work (统计口径), defined once for the dashboard and every document written from it.

A ``Scope`` says which courts, which period and which "as of" day; each area answers ``figures(scope)`` in its
``contributions.py`` with one ``FigureGroup`` computed in one grouped SQL query (``GROUP BY court_id``), so that the
per-court values and the total come from the same rows. A ``Figure`` is a count per court with its total and the
address of the list that shows exactly those records; a ``Rate`` is one count over another.

The definitions every figure follows are ``NOTES`` below: the dashboard shows them, and the monthly briefing, the
quarterly report and the annual summary quote them.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import url_for
from sqlalchemy import case, func

from portal import clock
from portal.addresses import Addresses

# What the figures mean, shown on the page under the figures and quoted by the documents.
NOTES = [
    ("受理", "统计期间内收到（收件日期在期间内）的件数。"),
    ("办结", "上述受理的件中，截至统计日已办结的件数。统计日默认为期间末日，期间未结束时为今天；"
             "因此某年的数字在次年再查仍然不变，统计日之后才办结的件不计入。"),
    ("在办", "受理件数减去办结件数。"),
    ("办结率", "办结 ÷ 受理。"),
    ("按期办结率", "按期办结 ÷ 办结；按期办结指答复日期不晚于该件现行有效的办理期限（延期后以新期限为准），未设期限的视为按期。"),
    ("满意率", "（满意 + 基本满意）÷ 截至统计日已评价的件数；一件有多名代表委员的，以最不满意的评价为准，不满意的不计入。"),
    ("超期", "受理的件中，截至统计日尚未答复且已过办理期限的件数。"),
    ("人次", "每人每次计一人次：同一位代表两次来访计两人次，一次来访三位代表计三人次；旁听人次为实到人数。"),
    ("分组", "建议、提案为代表建议和委员提案；交办督办件、来信、关注案件为其余各类，两组各自合计、各自计算比率。"),
]


def percent(numerator: int, denominator: int) -> str:
    """A rate as the summaries print it, a whole percent (20/21 → 95%); "—" without a denominator."""
    if not denominator:
        return "—"
    return f"{(numerator * 200 + denominator) // (2 * denominator)}%"  # rounded half up, in integers


@dataclass(frozen=True)
class Court:
    id: int
    name: str


@dataclass(frozen=True)
class Scope:
    """Which records the figures count: the courts (``court_ids``), the columns they are shown in (``columns``,
    when the scope spans several courts: the chosen court, then each court below it with the courts below that,
    ``column_of`` saying which column each court counts in), the period ``start``..``end`` and the day the outcomes
    are counted to (``as_of``). ``link_args`` are the court picker's arguments of the whole scope; ``user``
    (optional) narrows what a handler sees, as on their lists; ``court_names`` name every court in scope."""

    court_ids: list[int]
    columns: list[Court]
    start: date
    end: date
    as_of: date
    link_args: dict = field(default_factory=dict)
    user: object = None
    rows: int | None = None  # a long breakdown shows its first ``rows`` rows (the home page); None: all of them
    column_of: Mapping[int, int] = field(default_factory=dict)  # court id -> its column's court id
    court_names: Mapping[int, str] = field(default_factory=dict)
    rolled: frozenset[int] = frozenset()  # the columns that count courts below theirs
    addresses: Addresses = field(default_factory=Addresses, compare=False, repr=False)  # the links' addresses

    @classmethod
    def of(cls, court_ids: list[int], courts: list[Court], start: date, end: date, as_of: date | None = None,
           *, link_args: dict | None = None, user=None, rows: int | None = None,
           column_of: Mapping[int, int] | None = None, court_names: Mapping[int, str] | None = None) -> Scope:
        """The scope of a period: ``as_of`` defaults to its end, or today for a period not yet over."""
        today = clock.today()
        as_of = as_of or (end if end < today else max(start, today))
        columns = courts if len(court_ids) > 1 else []
        column_of = dict(column_of or {}) if columns else {}
        return cls(list(court_ids), columns, start, end, as_of, link_args or {}, user, rows, column_of,
                   dict(court_names or {}), frozenset(c for court, c in column_of.items() if c != court))

    def with_lower(self, court_id: int) -> bool:
        """The column of ``court_id`` counts courts below it too."""
        return court_id in self.rolled

    def full_url(self, anchor: str = "") -> str:
        """The figures page (every row of every breakdown) of this scope, for a breakdown cut at ``rows``."""
        return url_for("figures.index", **{"from": self.start.isoformat(), "to": self.end.isoformat(),
                                           "as_of": self.as_of.isoformat()}, **self.court_args(None)) + anchor

    @property
    def year(self) -> int:
        """The year of the month-by-month trend: the year the period ends in."""
        return self.end.year

    @property
    def as_of_end(self):
        """The first moment after the "as of" day, for comparing timestamps: closed before it counts as closed."""
        return clock.start_of_day(self.as_of + timedelta(days=1))

    @property
    def start_moment(self):
        """The period's first moment, for timestamps (court time)."""
        return clock.start_of_day(self.start)

    @property
    def end_moment(self):
        """The first moment after the period, for timestamps: before it is in the period."""
        return clock.start_of_day(self.end + timedelta(days=1))

    def court_args(self, court_id: int | str | None) -> dict[str, str]:
        """The court picker's arguments of one court alone, or (None) of the whole scope."""
        if court_id is None:
            return dict(self.link_args)
        return {"court": str(court_id), "scope": "lower" if self.with_lower(court_id) else "own"}

    def links(self, endpoint: str, only_for: tuple = (), **args) -> tuple[str | None, Mapping[int, str]]:
        """(the list's address for the whole scope, {court id: the same list for that court alone}); none when the
        list is ``only_for`` some roles and the scope's user has none of them (a document has no user: all)."""
        if only_for and self.user is not None and self.user.role not in only_for:
            return None, {}
        return self.addresses(endpoint, **{**args, **self.court_args(None)}), CourtLinks(self, endpoint, args)


class CourtLinks(Mapping):
    """{court id: a list's address for that court alone}, each made when a page shows it: a province's breakdown
    by department holds thousands of figures times a hundred courts, and the page shows one column of them."""

    def __init__(self, scope: Scope, endpoint: str, args: dict) -> None:
        self.scope, self.endpoint, self.args = scope, endpoint, args
        self.ids = [c.id for c in scope.columns]
        self._ids = set(self.ids)

    def __getitem__(self, court_id: int) -> str:
        if court_id not in self._ids:
            raise KeyError(court_id)
        return self.scope.addresses(self.endpoint, **{**self.args, **self.scope.court_args(court_id)})

    def __iter__(self):
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class Figure:
    """A count per court, its total, and the list that shows exactly the records counted."""

    key: str
    label: str
    values: dict[int, int] = field(default_factory=dict)  # court id -> count (missing: 0)
    total: int = 0
    url: str | None = None
    court_urls: Mapping[int, str] = field(default_factory=dict)
    per_court: bool = True  # False: a figure of the whole deployment (the shared register), shown in total only
    is_rate = False

    def value(self, court_id: int) -> int:
        return self.values.get(court_id, 0)

    def shown(self, court_id: int | None = None) -> str:
        if court_id is not None and not self.per_court:
            return ""
        return str(self.total if court_id is None else self.value(court_id))

    def link(self, court_id: int | None = None) -> str | None:
        if court_id is not None and not self.per_court:
            return None
        return self.url if court_id is None else self.court_urls.get(court_id)


@dataclass
class Rate:
    """``numerator`` over ``denominator`` (two figures), per court and in total; links to the denominator's
    records, the ones the rate is about."""

    key: str
    label: str
    numerator: Figure
    denominator: Figure
    is_rate = True

    def shown(self, court_id: int | None = None) -> str:
        if court_id is None:
            return percent(self.numerator.total, self.denominator.total)
        return percent(self.numerator.value(court_id), self.denominator.value(court_id))

    def link(self, court_id: int | None = None) -> str | None:
        return self.denominator.link(court_id)

    @property
    def total(self) -> str:
        return self.shown()


@dataclass
class Table:
    """A breakdown (by kind, by department…): rows of (label, [figure or rate per column]) under ``headers``."""

    title: str
    headers: list[str]
    rows: list[tuple[str, list]] = field(default_factory=list)
    more: int = 0  # rows left out (a long list is the area's own page: ``more_url``)
    more_url: str | None = None
    keys: list = field(default_factory=list)  # per row, what it is of (a department's id…), for documents to match


@dataclass
class Chart:
    """What a chart draws: ``categories`` along the axis and one or more ``series`` (label, values) stacked or
    side by side; ``kind`` is "bars", "stacked" or "trend". The table beside it shows the same numbers."""

    key: str
    title: str
    kind: str
    categories: list[str]
    series: list[tuple[str, list[int]]]
    urls: list[str | None] = field(default_factory=list)  # per category, when a bar opens a list


@dataclass
class FigureGroup:
    """One area's figures for a scope: the main figures (one line each, per court and total), breakdowns, charts
    and the figures of a month-by-month trend of the year (``trend``: label -> 12 counts)."""

    key: str
    title: str
    figures: list = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    trend: dict[str, list[int]] = field(default_factory=dict)
    note: str = ""
    order: int = 50

    def get(self, key: str):
        """The figure (or rate) ``key`` of the group, for a document that quotes one."""
        return next(f for f in self.figures if f.key == key)


def fold_into_columns(groups: list[FigureGroup], scope: Scope) -> list[FigureGroup]:
    """Each figure's per-court counts summed into the scope's columns (a tribunal's into its basic court's), so that
    a province's hundred courts read as the courts below the chosen one; the totals do not change."""
    if not scope.column_of:
        return groups
    folded: set[int] = set()

    def fold(value) -> None:
        if isinstance(value, Rate):
            fold(value.numerator)
            fold(value.denominator)
        elif isinstance(value, Figure) and id(value) not in folded:
            folded.add(id(value))
            values: dict[int, int] = {}
            for court_id, n in value.values.items():
                column = scope.column_of.get(court_id, court_id)
                values[column] = values.get(column, 0) + n
            value.values = values

    for group in groups:
        for value in group.figures:
            fold(value)
        for table in group.tables:
            for _label, cells in table.rows:
                for value in cells:
                    fold(value)
    return groups


def tally(rows, keys: list[str]) -> dict[str, tuple[dict[int, int], int]]:
    """{key: ({court id: count}, total)} of grouped rows (court_id, count for each key…): the sums of a GROUP BY
    court_id query."""
    values: dict[str, dict[int, int]] = {key: {} for key in keys}
    for court_id, *counts in rows:
        for key, n in zip(keys, counts, strict=True):
            values[key][court_id] = values[key].get(court_id, 0) + int(n or 0)
    return {key: (per_court, sum(per_court.values())) for key, per_court in values.items()}


def figure(key: str, label: str, counted: tuple[dict[int, int], int], links=(None, {})) -> Figure:
    per_court, total = counted
    return Figure(key, label, per_court, total, links[0], links[1])


def count_if(condition):
    """A count of the rows where ``condition`` holds, as one column of an aggregate query."""
    return func.count(case((condition, 1)))


def month_columns(column, year: int, *, timestamp: bool, value=None):
    """Twelve counts (or sums of ``value``), one per month of ``year`` in the court's time zone, as columns of one
    aggregate query (no dialect-specific date functions: each month is a range of ``column``)."""
    columns = []
    for month in range(1, 13):
        first = date(year, month, 1)
        after = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        low, high = (clock.start_of_day(first), clock.start_of_day(after)) if timestamp else (first, after)
        within = (column >= low) & (column < high)
        columns.append(count_if(within) if value is None else func.sum(case((within, value), else_=0)))
    return columns


def month_of(column, year: int, *, timestamp: bool):
    """The month (1–12) of ``year`` that ``column`` falls in, court time, as one CASE to group a trend's query by:
    one short search of the month boundaries per row, where ``month_columns`` tests twelve ranges."""
    bounds = []
    for month in range(2, 14):
        first = date(year + 1, 1, 1) if month == 13 else date(year, month, 1)
        bounds.append(clock.start_of_day(first) if timestamp else first)
    return case(*((column < bound, month) for month, bound in enumerate(bounds, start=1)))


def by_month(rows) -> list[int]:
    """Twelve counts of a trend's rows (month, count) grouped by ``month_of`` (a month without rows: 0)."""
    counts = [0] * 12
    for month, n in rows:
        if month is not None:
            counts[int(month) - 1] += int(n or 0)
    return counts


def in_year(column, year: int, *, timestamp: bool):
    """``column`` falls in ``year`` (court time): the bound of a trend's query."""
    first, after = date(year, 1, 1), date(year + 1, 1, 1)
    if timestamp:
        first, after = clock.start_of_day(first), clock.start_of_day(after)
    return (column >= first) & (column < after)
