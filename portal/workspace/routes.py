"""The workspace's pages: the deputy's home (/workspace/) with every area's panel, their performance archive
(履职档案) and its Word copy, and any deputy's archive for staff (/workspace/archive/<id>)."""
from flask import abort, request
from flask_login import current_user

from portal import clock
from portal.access import require_role, require_staff
from portal.areas import deputy_panels
from portal.auth.models import Role
from portal.documents import DOCX, send_download
from portal.extensions import db
from portal.htmx import render
from portal.register.models import Deputy
from portal.workspace import bp, services
from portal.workspace.documents import build_archive_docx

deputies = require_role(Role.DEPUTY)


@bp.get("/")
@deputies
def index():
    """The deputy's home: the registration card, a year, and every area's panel for that year."""
    deputy = current_user.deputy
    year = services.parse_year(request.args.get("year"), allow_all=True)
    panels = deputy_panels(deputy, year) if deputy else []
    return render("workspace/index.html", block="panels", deputy=deputy, year=year, years=services.year_choices(),
                  panels=panels)


def _my_deputy() -> Deputy:
    if current_user.deputy is None:
        abort(403)
    return current_user.deputy


def _archive_page(deputy: Deputy, *, own: bool):
    year = services.parse_year(request.args.get("year"), allow_all=False)
    return render("workspace/archive.html", block="archive", data=services.archive(deputy, year), own=own,
                  years=services.year_choices(), today=clock.today())


def _archive_docx(deputy: Deputy):
    year = services.parse_year(request.args.get("year"), allow_all=False)
    document = services.archive_document(services.archive(deputy, year))
    return send_download(build_archive_docx(document), f"{document.title}.docx", DOCX)


@bp.get("/archive")
@deputies
def archive():
    """My performance archive (履职档案) for a year; printable."""
    return _archive_page(_my_deputy(), own=True)


@bp.get("/archive.docx")
@deputies
def archive_docx():
    return _archive_docx(_my_deputy())


@bp.get("/archive/<int:deputy_id>")
@require_staff
def deputy_archive(deputy_id: int):
    """Any deputy's archive, for staff (the register is shared by the whole deployment)."""
    return _archive_page(db.get_or_404(Deputy, deputy_id), own=False)


@bp.get("/archive/<int:deputy_id>.docx")
@require_staff
def deputy_archive_docx(deputy_id: int):
    return _archive_docx(db.get_or_404(Deputy, deputy_id))
