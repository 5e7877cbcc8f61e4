"""Figures (统计): the dashboard's figures of every area for a period and a court scope, under one set of
definitions (``definitions.NOTES``) that the monthly briefing, the quarterly report and the annual summary use too.

Each area computes its own ``FigureGroup`` in its ``contributions.figures(scope)``; ``services.collect`` gathers them.
The staff home page (``main.index``) shows them under the 待办 panels; ``/figures/`` shows them alone.
"""
from flask import Blueprint

bp = Blueprint("figures", __name__, url_prefix="/figures")

from portal.figures import routes  # noqa: E402,F401
