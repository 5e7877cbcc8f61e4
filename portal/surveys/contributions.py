"""What surveys show elsewhere: the deputy's workspace panel (the surveys waiting for their answer, the year's
counts for the archive), the link from a tracked item to the survey whose answer it came from, and the deadline
reminders the notices worker queues."""
from datetime import datetime

from flask import has_request_context, url_for
from flask_login import current_user

from portal import clock
from portal.areas import Panel
from portal.auth.models import STAFF_ROLES
from portal.items.models import ItemOrigin
from portal.surveys.services import queue_deadline_reminders, surveys_of_deputy


def deputy_panel(deputy, year: int | None) -> Panel | None:
    """The open surveys the deputy has still to answer first, then the latest answered ones."""
    rows = surveys_of_deputy(deputy.id, year)
    waiting = [m for m in rows if m.open and m.response is None]
    shown = (waiting + [m for m in rows if m not in waiting])[:5]
    return Panel(title="民意测评与征求意见", template="surveys/_deputy_panel.html", order=30, rows=shown,
                 link=url_for("surveys.mine"), extra={"waiting": len(waiting)},
                 archive=[("收到民意测评", len(rows)), ("填写民意测评", sum(1 for m in rows if m.response))])


def item_origin_url(item) -> str | None:
    """The results of the survey an item came from, for staff."""
    if item.origin != ItemOrigin.SURVEY or item.origin_id is None:
        return None
    if not (has_request_context() and current_user.is_authenticated and current_user.role in STAFF_ROLES):
        return None
    return url_for("surveys.results", survey_id=item.origin_id)


def scheduled_notices(now: datetime) -> int:
    """The deadline reminder of each open survey, sent by the notices worker's passes."""
    return queue_deadline_reminders(clock.local_date(now))
