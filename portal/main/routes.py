"""The home page (/: every area's home panel for staff; a deputy's home is their workspace), the favicon and the
health check (/healthz)."""
from flask import (
    current_app,
    jsonify,
    redirect,
    render_template,
    send_from_directory,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import text

from portal.areas import collect
from portal.auth.models import Role
from portal.extensions import csrf, db
from portal.main import bp


@bp.get("/")
@login_required
def index():
    if current_user.role == Role.DEPUTY:
        return redirect(url_for("workspace.index"))  # the deputy's home is their workspace
    return render_template("main/index.html", panels=collect("home_panel", current_user))


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
