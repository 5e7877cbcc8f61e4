"""The figures page (/figures/): the dashboard's figures without the 待办 panels, for staff. The staff home page
(``main.index``) renders the same block."""
from flask import request
from flask_login import current_user

from portal import periods
from portal.access import court_scope, require_staff
from portal.figures import bp, services
from portal.htmx import render


def dashboard_response(template: str, **context):
    """The page, or its ``figures`` block when the dashboard's pickers asked (htmx); 422 for a bad period."""
    board = services.dashboard(current_user, court_scope(current_user), periods.from_request(),
                               request.args.get("as_of", ""))
    response = render(template, block="figures", board=board, **context)
    return response, 422 if board.problem else 200


@bp.get("/")
@require_staff
def index():
    return dashboard_response("figures/index.html")
