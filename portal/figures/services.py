"""The dashboard's scope from a request, the quick period choices, and every area's figure group for it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from portal import areas, clock, params, periods
from portal.access import CourtScope
from portal.figures.definitions import NOTES, Chart, Court, FigureGroup, Scope

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


def quick_periods(today: date | None = None) -> list[tuple[str, date, date]]:
    """本月, 上月, 本季度, 上季度, 本年, 上年: (label, first day, last day)."""
    today = today or clock.today()

    def month(year: int, number: int) -> tuple[date, date]:
        first = date(year, number, 1)
        after = date(year + 1, 1, 1) if number == 12 else date(year, number + 1, 1)
        return first, after - timedelta(days=1)

    def quarter(year: int, number: int) -> tuple[date, date]:
        return month(year, number * 3 - 2)[0], month(year, number * 3)[1]

    this_quarter = (today.month - 1) // 3 + 1
    last_month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    last_quarter = (today.year, this_quarter - 1) if this_quarter > 1 else (today.year - 1, 4)
    return [("本月", *month(today.year, today.month)), ("上月", *month(*last_month)),
            ("本季度", *quarter(today.year, this_quarter)), ("上季度", *quarter(*last_quarter)),
            ("本年", date(today.year, 1, 1), date(today.year, 12, 31)),
            ("上年", date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))]


def dashboard(user, court_scope: CourtScope, period: periods.Period, as_of_typed: str = "") -> Dashboard:
    """Every area's figures for the court scope and the period (``as_of``: the day the outcomes are counted to,
    default the period's end or today), in order, with the year's month-by-month trend gathered from them."""
    start, end = period.or_bounds(FIRST_DAY, clock.today()) if not period.problem else (clock.today(),) * 2
    as_of = params.parse_date(as_of_typed)
    problem = period.problem
    if as_of_typed and as_of is None:
        problem = problem or periods.FORMAT_PROBLEM
    elif as_of is not None and as_of < start:
        problem = problem or "统计日不能早于统计期间的开始日期。"
        as_of = None
    columns = [Court(c.id, c.name) for c in sorted(court_scope.courts, key=lambda c: c.id != court_scope.court.id)
               if c.id in court_scope.court_ids]  # the chosen court first, then those below it
    scope = Scope.of(court_scope.court_ids, columns, start, end, as_of, link_args=court_scope.as_args(), user=user)
    groups = [] if problem else areas.collect("figures", scope)
    typed = (period.typed_from, period.typed_to)
    quick = [(label, {"from": a.isoformat(), "to": b.isoformat()}, typed == (a.isoformat(), b.isoformat()))
             for label, a, b in quick_periods()]
    return Dashboard(scope, court_scope, period, groups, trend_chart(scope, groups) if groups else None, NOTES,
                     quick, as_of_typed if as_of else "", problem)


def trend_chart(scope: Scope, groups: list[FigureGroup]) -> Chart:
    """The year's month-by-month trend: every group's monthly series on one chart."""
    series = [(label, values) for group in groups for label, values in group.trend.items()]
    return Chart("trend", f"{scope.year}年逐月情况", "trend", MONTHS, series)
