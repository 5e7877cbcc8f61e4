"""Pages: every leader's coverage for the liaison office (/pairing/), and one leader's paired people
(/pairing/mine for the leader, /pairing/leader/<id> for the liaison office)."""
from flask import current_app
from flask_login import current_user

from portal.access import court_scope, require_editor, require_role, visible_court_ids
from portal.auth.models import Role, User
from portal.errors import NotFound
from portal.extensions import db
from portal.htmx import render
from portal.pairing import bp, services


@bp.get("/")
@require_editor
def index():
    scope = court_scope(current_user)
    return render("pairing/index.html", block="results", scope=scope, rows=services.coverage(scope.court_ids),
                  unpaired=services.unpaired_count(), days=current_app.config["PAIRING_CONTACT_DAYS"])


@bp.get("/mine")
@require_role(Role.LEADER)
def mine():
    return _leader_page(current_user)


@bp.get("/leader/<int:user_id>")
@require_editor
def leader(user_id: int):
    user = db.session.get(User, user_id)
    if user is None or user.role != Role.LEADER or user.court_id not in visible_court_ids(current_user):
        raise NotFound()
    return _leader_page(user)


def _leader_page(user: User):
    return render("pairing/leader.html", block="content", leader=user, people=services.paired_people(user.id),
                  days=current_app.config["PAIRING_CONTACT_DAYS"], own=user.id == current_user.id)
