"""The period (统计期间) of every list, figure and export: one parser for each ``from``/``to`` pair.

A period typed on any page (``from``/``to`` in the query, either may be empty for an open end) is kept in the
Flask session and applies to every page with a period until it is changed, so that a year chosen on the
reception log is the year of the hearing list, the item figures and their exports too. Without one, the
current year (in the court's time zone) applies. A bad or reversed range is answered one way everywhere: the
period carries a Chinese ``problem``; a list shows it with the filters as typed (422), an export answers 400
with it, the command line exits with it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import abort, make_response, render_template, request, session

from portal import clock, params

SESSION_KEY = "period"
MAX_DAYS = 3660  # ten years: longer periods are typing mistakes (20255 for 2025) and slow every figure
FORMAT_PROBLEM = "日期应写作 2025-03-01。"
REVERSED_PROBLEM = "开始日期不能晚于结束日期，请改正后再查询。"
LENGTH_PROBLEM = "统计期间不能超过十年。"


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end`` inclusive; None is an open end. ``typed`` keeps the text as entered."""

    start: date | None
    end: date | None
    typed_from: str = ""
    typed_to: str = ""
    problem: str = ""

    @property
    def label(self) -> str:
        """The period as documents and summary lines say it: 2025年1月1日至2025年12月31日."""
        from portal.documents.gbt9704 import format_date

        if self.problem:
            return "期间有误"
        if self.start and self.end:
            return f"{format_date(self.start)}至{format_date(self.end)}"
        if self.start:
            return f"{format_date(self.start)}以来"
        if self.end:
            return f"截至{format_date(self.end)}"
        return "全部时间"

    def as_args(self) -> dict[str, str]:
        """Query arguments that give this period back (both keys, even when empty: empty is "open")."""
        return {"from": self.typed_from, "to": self.typed_to}

    def or_bounds(self, first: date, last: date) -> tuple[date, date]:
        """(start, end) with open ends replaced by ``first`` and ``last``, for figures that need both."""
        return self.start or first, self.end or last

    def check(self) -> None:
        """For exports: a bad period answers 400 with its message."""
        if self.problem:
            abort(make_response(render_template("error.html", code=400, message=self.problem), 400))


def parse(typed_from: str, typed_to: str) -> Period:
    """The period of two typed dates (YYYY-MM-DD, empty for an open end); ``problem`` says what is wrong."""
    typed_from, typed_to = (typed_from or "").strip()[:10], (typed_to or "").strip()[:10]
    start, end = params.parse_date(typed_from), params.parse_date(typed_to)
    if (typed_from and start is None) or (typed_to and end is None):
        return Period(None, None, typed_from, typed_to, FORMAT_PROBLEM)
    problem = ""
    if start and end and start > end:
        problem = REVERSED_PROBLEM
    elif start and end and end - start > timedelta(days=MAX_DAYS):
        problem = LENGTH_PROBLEM
    if problem:
        return Period(None, None, typed_from, typed_to, problem)
    return Period(start, end, typed_from, typed_to)


def year(number: int | None = None) -> Period:
    """A calendar year (default: the current one in the court's time zone)."""
    number = number or clock.today().year
    return parse(f"{number:04d}-01-01", f"{number:04d}-12-31")


def from_request(args=None) -> Period:
    """The period a request asks for, else the one remembered in the session, else the current year.

    A good period given in the request is remembered for the following pages; a bad one is not.
    """
    args = request.args if args is None else args
    if "from" in args or "to" in args:
        period = parse(args.get("from", ""), args.get("to", ""))
        if not period.problem:
            session[SESSION_KEY] = [period.typed_from, period.typed_to]
        return period
    stored = session.get(SESSION_KEY)
    if isinstance(stored, list) and len(stored) == 2:
        period = parse(str(stored[0]), str(stored[1]))
        if not period.problem:
            return period
    return year()


def quick_choices(today: date | None = None) -> list[tuple[str, date, date]]:
    """The quick choices of a period picker — 本月, 上月, 本季度, 上季度, 本年, 上年 — as (label, first day, last day)."""
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
