"""What surveys show elsewhere: the deputy's workspace panel (the surveys waiting for their answer, the year's
counts for the archive), the period's figures (the dashboard, the annual summary), the link from a tracked item to
the survey whose answer it came from, and the deadline reminders the notices worker queues."""
from datetime import datetime

from flask import has_request_context, url_for
from flask_login import current_user

from portal import clock
from portal.areas import Panel
from portal.auth.models import STAFF_ROLES
from portal.items.models import ItemOrigin
from portal.surveys.services import lines_between, queue_deadline_reminders, surveys_of_deputy


def deputy_panel(deputy, year: int | None) -> Panel | None:
    """The open surveys the deputy has still to answer first, then the latest answered ones."""
    rows = surveys_of_deputy(deputy.id, year)
    waiting = [m for m in rows if m.open and m.response is None]
    shown = (waiting + [m for m in rows if m not in waiting])[:5]
    return Panel(title="民意测评与征求意见", template="surveys/_deputy_panel.html", order=30, rows=shown,
                 link=url_for("surveys.mine"), extra={"waiting": len(waiting)},
                 archive=[("收到民意测评", len(rows)), ("填写民意测评", sum(1 for m in rows if m.response))])


def figures(scope):
    """The surveys sent in the period, the copies sent and answered and the 回收率, per court; a breakdown by
    survey with its 满意率 (the annual summary's table). The survey list has no period filter, so no links."""
    from portal.figures.definitions import Figure, FigureGroup, Rate, Table, figure, tally

    lines = lines_between(scope.court_ids, scope.start, scope.end)
    counted = tally([(line.survey.court_id, 1, line.recipients, line.responses) for line in lines],
                    ["surveys", "sent", "answered"])
    sent, answered = figure("sent", "发出份数", counted["sent"]), figure("answered", "收回份数", counted["answered"])
    by_survey = Table("按测评", ["发出", "收回", "满意率"], rows=[
        (line.survey.title, [Figure("sent", "发出", {line.survey.court_id: line.recipients}, line.recipients),
                             Figure("answered", "收回", {line.survey.court_id: line.responses}, line.responses),
                             "—" if line.satisfaction is None else f"{line.satisfaction}%"])
        for line in lines])
    return FigureGroup("surveys", "民意测评", order=70, tables=[by_survey] if lines else [],
                       figures=[figure("surveys", "开展次数", counted["surveys"]), sent, answered,
                                Rate("rate", "回收率", answered, sent)])


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
