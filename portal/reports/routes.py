"""The briefing (``/reports/briefing?month=YYYY-MM``) and the quarterly report (``/reports/quarterly?year=Y&quarter=Q``),
each a page for the court scope chosen (its ``report`` block swapped by the pickers) and its Word copy (``.docx``).

A bad month or quarter: the page says so (422), the download answers 400 with the same message.
"""
from flask import request
from flask_login import current_user

from portal import params
from portal.access import court_scope, require_staff
from portal.documents import send_download
from portal.errors import ServiceError
from portal.htmx import render
from portal.reports import bp, services
from portal.reports.documents import build_briefing_docx, build_quarterly_docx


def _typed(key: str, length: int) -> str:
    return params.clean_query(request.args.get(key), length)


def _month():
    return services.parse_month(_typed("month", 10))


def _quarter():
    return services.parse_quarter(_typed("year", 4), _typed("quarter", 1))


@bp.get("/briefing")
@require_staff
def briefing():
    month, problem = _month()
    scope = court_scope(current_user)
    data = services.briefing(current_user, scope, month) if month else None
    response = render("reports/briefing.html", block="report", data=data, court_scope=scope, problem=problem,
                      typed=month.key if month else _typed("month", 10), latest=services.last_month().shift(1).key)
    return response, 422 if problem else 200


@bp.get("/briefing.docx")
@require_staff
def briefing_docx():
    month, problem = _month()
    if problem:
        raise ServiceError(problem, status=400)
    data = services.briefing(current_user, court_scope(current_user), month)
    return send_download(build_briefing_docx(data), f"{data.title}.docx")


@bp.get("/quarterly")
@require_staff
def quarterly():
    quarter, problem = _quarter()
    scope = court_scope(current_user)
    data = services.quarterly(current_user, scope, quarter) if quarter else None
    typed = {"year": str(quarter.year), "quarter": str(quarter.number)} if quarter else {
        "year": _typed("year", 4), "quarter": _typed("quarter", 1)}
    response = render("reports/quarterly.html", block="report", data=data, court_scope=scope, problem=problem,
                      typed=typed, quarters=services.CN_QUARTERS)
    return response, 422 if problem else 200


@bp.get("/quarterly.docx")
@require_staff
def quarterly_docx():
    quarter, problem = _quarter()
    if problem:
        raise ServiceError(problem, status=400)
    data = services.quarterly(current_user, court_scope(current_user), quarter)
    return send_download(build_quarterly_docx(data), f"{data.title}.docx")
