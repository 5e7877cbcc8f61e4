"""The work calendar's routes in the role matrix; a private feed answers without logging in."""
from portal.agenda.models import AgendaFeed
from portal.auth.models import Role
from portal.extensions import db
from tests.route_matrix import BUSINESS, PUBLIC, SECURITY

ROUTES = {
    "agenda.index": ("GET", "/agenda/?view=week", BUSINESS),
    "agenda.download": ("GET", "/agenda/calendar.ics", BUSINESS),
    "agenda.feed": ("GET", "/agenda/feed", BUSINESS),
    "agenda.delete_feed": ("POST", "/agenda/feed/delete", BUSINESS),
    "agenda.feed_ics": ("GET", "/agenda/feed/{feed_token}.ics", PUBLIC),
    "agenda.feeds": ("GET", "/agenda/feeds", SECURITY),
    "agenda.revoke": ("POST", "/agenda/feeds/{feed_user}/revoke", SECURITY),
}


def records(court, make_user, make_deputy, make_department) -> dict:
    user = make_user(Role.LEADER, display_name="订阅日历的院领导")
    feed = AgendaFeed(user_id=user.id)
    db.session.add(feed)
    db.session.commit()
    return {"feed_token": feed.token, "feed_user": user.id}
