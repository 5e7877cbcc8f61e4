"""The recycle bin's pages: the list of deleted records of the courts in scope (/trash/), 恢复 for the liaison
staff, 彻底删除 for the system administrator."""
from flask import flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from portal import clock, params
from portal.access import EDITOR_ROLES, court_scope, require_duty, require_editor, require_role
from portal.auth.models import Duty, User
from portal.errors import ServiceError
from portal.extensions import db
from portal.htmx import render
from portal.trash import VIEWERS, bp, services


@bp.get("/")
@require_role(*VIEWERS)
def index():
    scope = court_scope(current_user)
    page = services.list_entries(scope.court_ids, **params.page_args())
    people = {u.id: u.display_name for u in db.session.scalars(
        select(User).where(User.id.in_({e.deleted_by_id for e in page.items if e.deleted_by_id})))}
    return render("trash/index.html", block="results", page=page, scope=scope, people=people,
                  kind_label=services.kind_label, local=clock.to_local,
                  can_restore=current_user.holds(*EDITOR_ROLES), can_purge=current_user.holds(Duty.SYSTEM))


@bp.post("/<int:entry_id>/restore")
@require_editor
def restore(entry_id: int):
    entry = services.get_entry_or_404(entry_id, current_user)
    label = entry.label
    try:
        link = services.restore(entry, current_user)
    except ServiceError as error:
        if error.status == 404:
            raise
        flash(error.message, "warning")
        return redirect(url_for("trash.index"), 303)
    flash(f"已恢复：{label}。", "success")
    if link is not None:
        endpoint, args = link
        return redirect(url_for(endpoint, **args), 303)
    return redirect(url_for("trash.index"), 303)


@bp.post("/<int:entry_id>/purge")
@require_duty(Duty.SYSTEM)
def purge(entry_id: int):
    entry = services.get_entry_or_404(entry_id, current_user)
    label = entry.label
    services.purge(entry, current_user)
    flash(f"已彻底删除：{label}。", "success")
    return redirect(url_for("trash.index", **({"cursor": request.args["cursor"]} if "cursor" in request.args
                                              else {})), 303)
