"""The home page (/: every area's home panel for staff; a deputy's home is their workspace), the favicon and the
health check (/healthz)."""
from flask import (
    current_app,
    jsonify,
    redirect,
    request,
    send_from_directory,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import text

from portal import periods
from portal.access import court_scope
from portal.areas import collect
from portal.auth.models import Role
from portal.extensions import csrf, db
from portal.figures import services as figures
from portal.htmx import is_partial, render
from portal.main import bp

HOME_ROWS = 20  # a breakdown's rows on the home page (the 330 departments of a province: on the figures page)
FIGURE_ARGS = ("from", "to", "as_of", "court", "scope")  # the dashboard's pickers


@bp.get("/")
@login_required
def index():
    """The staff home: what the user must do next (every area's home panel, 待办), then the dashboard's figures for
    the period and court scope chosen (the figures block alone when the dashboard's pickers ask by htmx).

    The figures of a whole year of a province take a good part of a second: the plain home page comes without
    them and asks for them as soon as it is shown, so the 待办 panels are there at once. A home page asked with a
    period or a court chosen (a bookmark, the pickers without script) has its figures at once, and a period that
    cannot be read answers 422 there."""
    if current_user.role == Role.DEPUTY:
        return redirect(url_for("workspace.index"))  # the deputy's home is their workspace
    if current_user.role == Role.NONE:
        return redirect(url_for("admin.index"))  # an administrator without a business role sees no liaison work
    board = None
    if is_partial("figures") or any(name in request.args for name in FIGURE_ARGS):
        board = figures.dashboard(current_user, court_scope(current_user), periods.from_request(),
                                  request.args.get("as_of", ""), rows=HOME_ROWS)
    panels = [] if is_partial("figures") else collect("home_panel", current_user)
    response = render("main/index.html", block="figures", board=board, panels=panels)
    return response, 422 if board and board.problem else 200


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page links (base.html links the same file under /static/)."""
    return send_from_directory(current_app.static_folder, "favicon.ico", max_age=86400)


@bp.get("/healthz")
@csrf.exempt
def healthz():
    """For load balancers and monitoring: 200 with the database's state, 503 when it does not answer."""
    try:
        db.session.execute(text("SELECT 1"))
        revision = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception as error:  # any database failure means "unhealthy", whatever the driver raises
        db.session.rollback()
        return jsonify(status="error", database="unavailable", detail=type(error).__name__), 503
    return jsonify(status="ok", database="ok", dialect=db.engine.dialect.name, revision=revision)
