"""Pages: every leader's coverage for the liaison office (/pairing/), and one leader's paired people
(/pairing/mine for the leader, /pairing/leader/<id> for the liaison office, who pair and end pairings there)."""
from flask import current_app, flash, redirect, url_for
from flask_login import current_user

from portal import clock
from portal.access import EDITOR_ROLES, court_scope, require_editor, require_role
from portal.auth.models import Role, User
from portal.errors import ServiceError
from portal.htmx import render
from portal.pairing import bp, services
from portal.pairing.forms import EndForm, PairForm
from portal.register.services import deputies_by_ids


@bp.get("/")
@require_editor
def index():
    scope = court_scope(current_user)
    return render("pairing/index.html", block="results", scope=scope, rows=services.coverage(scope.court_ids),
                  unpaired=services.unpaired(), days=current_app.config["PAIRING_CONTACT_DAYS"])


@bp.get("/mine")
@require_role(Role.LEADER)
def mine():
    return _leader_page(current_user)


@bp.get("/leader/<int:user_id>")
@require_editor
def leader(user_id: int):
    return _leader_page(services.leader_for(current_user, user_id))


@bp.post("/leader/<int:user_id>")
@require_editor
def pair(user_id: int):
    leader = services.leader_for(current_user, user_id)
    form = PairForm()
    chosen = deputies_by_ids(form.deputy_ids.data or [])
    if form.validate():
        try:
            pairings = services.pair(leader, chosen, form.since.data)
        except ServiceError as error:
            form.set_errors(error.errors or {"deputy_ids": error.message})
        else:
            flash(f"已将{'、'.join(p.deputy.name for p in pairings)}与{leader.display_name}结对。", "success")
            return redirect(url_for("pairing.leader", user_id=leader.id), 303)
    return _leader_page(leader, form=form, chosen=chosen, status=422)


@bp.post("/<int:pairing_id>/end")
@require_editor
def end(pairing_id: int):
    pairing = services.pairing_for(current_user, pairing_id)
    form = EndForm()
    problem = None
    if form.validate():
        try:
            services.end(pairing, form.ended_on.data)
        except ServiceError as error:
            problem = error.message
        else:
            flash(f"已结束{pairing.leader.display_name}与{pairing.deputy.name}的结对。", "success")
            return redirect(url_for("pairing.leader", user_id=pairing.leader_id), 303)
    else:
        problem = next(iter(form.errors.values()))[0]
    return _leader_page(pairing.leader, end_problem=(pairing.id, problem), status=422)


def _leader_page(user: User, *, form: PairForm | None = None, chosen=(), end_problem=None, status: int = 200):
    editable = current_user.role in EDITOR_ROLES
    if form is None:
        form = PairForm(formdata=None, data={"since": clock.today()})
    response = render("pairing/leader.html", block="content", leader=user, people=services.paired_people(user.id),
                      past=services.past_pairings(user.id), days=current_app.config["PAIRING_CONTACT_DAYS"],
                      own=user.id == current_user.id, editable=editable, form=form, chosen=chosen,
                      end_problem=end_problem or (None, None), today=clock.today())
    response.status_code = status
    return response
