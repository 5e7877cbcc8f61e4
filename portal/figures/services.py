"""The dashboard's scope from a request, the quick period choices, and every area's figure group for it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portal import areas, clock, params, periods
from portal.access import CourtScope
from portal.figures.definitions import NOTES, Chart, Court, FigureGroup, Scope, fold_into_columns

FIRST_DAY = date(2000, 1, 1)  # an open start: the portal holds nothing older
MONTHS = [f"{m}月" for m in range(1, 13)]


@dataclass
class Dashboard:
    scope: Scope
    court_scope: CourtScope
    period: periods.Period
    groups: list[FigureGroup]
    trend: Chart | None
    notes: list[tuple[str, str]]
    quick: list[tuple[str, dict, bool]]  # (label, query arguments, chosen)
    as_of_typed: str = ""
    problem: str = ""


def dashboard(user, court_scope: CourtScope, period: periods.Period, as_of_typed: str = "", *,
              rows: int | None = None) -> Dashboard:
    """Every area's figures for the court scope and the period (``as_of``: the day the outcomes are counted to,
    default the period's end or today), in order, with the year's month-by-month trend gathered from them; a long
    breakdown cut to its first ``rows`` rows (the home page), the rest on the figures page."""
    start, end = period.or_bounds(FIRST_DAY, clock.today()) if not period.problem else (clock.today(),) * 2
    as_of = params.parse_date(as_of_typed)
    problem = period.problem
    if as_of_typed and as_of is None:
        problem = problem or periods.FORMAT_PROBLEM
    elif as_of is not None and as_of < start:
        problem = problem or "统计日不能早于统计期间的开始日期。"
        as_of = None
    scope = scope_of(user, court_scope, start, end, as_of, rows=rows)
    groups = [] if problem else figure_groups(scope)
    typed = (period.typed_from, period.typed_to)
    quick = [(label, {"from": a.isoformat(), "to": b.isoformat()}, typed == (a.isoformat(), b.isoformat()))
             for label, a, b in periods.quick_choices()]
    return Dashboard(scope, court_scope, period, groups, trend_chart(scope, groups) if groups else None, NOTES,
                     quick, as_of_typed if as_of else "", problem)


def scope_of(user, court_scope: CourtScope, start: date, end: date, as_of: date | None = None, *,
             rows: int | None = None) -> Scope:
    """The figures' scope of a court scope and a period: the dashboard's, and the documents' that quote its figures
    (``user`` None: a document of the whole scope, as the command line writes it). Its columns are the chosen court
    (its own records), then each court directly below it counting the courts below that too: an intermediate
    court's basic courts each with their tribunals."""
    in_scope = {c.id: c for c in court_scope.courts if c.id in court_scope.court_ids}
    chosen = court_scope.court.id
    columns = [in_scope[chosen]] + [c for c in in_scope.values() if c.parent_id == chosen]
    column_ids = {c.id for c in columns}
    column_of = {}
    for court in in_scope.values():
        above = court
        while above.id not in column_ids and above.parent_id in in_scope:
            above = in_scope[above.parent_id]
        column_of[court.id] = above.id
    return Scope.of(court_scope.court_ids, [Court(c.id, c.name) for c in columns], start, end, as_of,
                    link_args=court_scope.as_args(), user=user, rows=rows, column_of=column_of,
                    court_names={c.id: c.name for c in in_scope.values()})


def figure_groups(scope: Scope) -> list[FigureGroup]:
    """Every area's figure group for ``scope``, in order, counted into its columns."""
    return fold_into_columns(areas.collect("figures", scope), scope)


def trend_chart(scope: Scope, groups: list[FigureGroup]) -> Chart:
    """The year's month-by-month trend: every group's monthly series on one chart."""
    series = [(label, values) for group in groups for label, values in group.trend.items()]
    return Chart("trend", f"{scope.year}年逐月情况", "trend", MONTHS, series)
