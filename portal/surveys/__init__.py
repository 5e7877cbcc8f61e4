"""Opinion surveys (民意测评表, 征求意见函): staff build a questionnaire, send it to deputies chosen by register
filters, deputies answer on their workspace (or staff enter a returned paper form), and the results are counted
in SQL, with a chart per question and the free-text answers, each of which may become a tracked item."""
from flask import Blueprint

from portal.auth.models import STAFF_ROLES

bp = Blueprint("surveys", __name__, url_prefix="/surveys")
NAVIGATION = [("民意测评", "surveys.index", STAFF_ROLES, "联络工作")]
# Both carry what portal.notices needs to queue the messages: deputy_ids, heading (the subject), body ({称呼} filled per
# deputy) and link; see portal.surveys.messages.
EVENTS = {"survey.opened": "发出民意测评", "survey.reminded": "民意测评催填提醒"}

from portal.surveys import messages, models, routes  # noqa: E402,F401
