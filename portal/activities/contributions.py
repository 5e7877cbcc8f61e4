"""What activities show elsewhere: the deputy's workspace panel (the activities they took part in, and the year's
counts for the archive) and the link from a tracked item to the activity whose opinion it came from."""
from flask import has_request_context, url_for
from flask_login import current_user

from portal.activities.services import activities_of_deputy, deputy_year_counts
from portal.areas import Panel
from portal.auth.models import STAFF_ROLES
from portal.items.models import ItemOrigin


def deputy_panel(deputy, year: int | None) -> Panel | None:
    taken, given = deputy_year_counts(deputy.id, year)
    return Panel(title="参加联络活动", template="activities/_deputy_panel.html", order=35,
                 rows=activities_of_deputy(deputy.id, year), archive=[("参加联络活动", taken), ("活动中提出意见建议", given)])


def item_origin_url(item) -> str | None:
    """The activity an item came from, for staff (the activity's page is theirs; a deputy sees it on the
    workspace)."""
    if item.origin != ItemOrigin.ACTIVITY or item.origin_id is None:
        return None
    if not (has_request_context() and current_user.is_authenticated and current_user.role in STAFF_ROLES):
        return None
    return url_for("activities.detail", activity_id=item.origin_id)
