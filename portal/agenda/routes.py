"""Pages: the work calendar by month or week (/agenda/), its .ics download (/agenda/calendar.ics), the user's private
feed (/agenda/feed, served at /agenda/feed/<secret>.ics) and the administrator's list of feeds (/agenda/feeds)."""
from datetime import timedelta

from flask import flash, redirect, request, url_for
from flask_login import current_user

from portal import clock, params
from portal.access import court_scope, require_duty, require_role, visible_court_ids
from portal.agenda import bp, services
from portal.auth.models import BUSINESS_ROLES, Duty, Role
from portal.documents import send_download
from portal.extensions import csrf
from portal.htmx import render

everyone = require_role(*BUSINESS_ROLES)
ICS = "text/calendar; charset=utf-8"


def _shown():
    """The window, courts and kinds the request asks for (staff choose courts; a deputy sees their own)."""
    view = params.parse_choice(request.args.get("view"), services.VIEWS, "month")
    shown = services.window(view, params.parse_date(request.args.get("date")) or clock.today())
    scope = None if current_user.role == Role.DEPUTY else court_scope(current_user)
    known = services.kinds()
    chosen = {k for k in request.args.getlist("kind") if k in known}
    found = services.entries(current_user, shown.first, shown.last, scope.court_ids if scope else [], chosen)
    return shown, scope, known, chosen, found


@bp.get("/")
@everyone
def index():
    shown, scope, known, chosen, found = _shown()
    return render("agenda/index.html", block="calendar", shown=shown, scope=scope, kinds=known, chosen=chosen,
                  entries=found, weeks=services.month_grid(shown, found) if shown.view == "month" else None,
                  views=services.VIEWS, today=clock.today())


@bp.get("/calendar.ics")
@everyone
def download():
    shown, scope, _, _, found = _shown()
    name = f"工作日历 {scope.label if scope else current_user.display_name} {shown.label}"
    return send_download(services.ics(found, name), f"{name}.ics", ICS)


@bp.route("/feed", methods=["GET", "POST"])
@everyone
def feed():
    if request.method == "POST":
        services.renew_feed(current_user.id)
        flash("已生成新的订阅地址，旧地址即刻失效。", "success")
        return redirect(url_for("agenda.feed"), 303)
    mine = services.feed_of(current_user.id)
    address = url_for("agenda.feed_ics", token=mine.token, _external=True) if mine else None
    return render("agenda/feed.html", block="content", feed=mine, address=address)


@bp.post("/feed/delete")
@everyone
def delete_feed():
    if services.feed_of(current_user.id) is not None:  # a second click finds it already gone
        services.revoke_feed(current_user.id)
    flash("已停用日历订阅。", "success")
    return redirect(url_for("agenda.feed"), 303)


@bp.get("/feed/<token>.ics")
@csrf.exempt
def feed_ics(token: str):
    """A calendar app's subscription: no login, the secret in the address identifies the user; a month back and
    half a year ahead, of every court the user sees."""
    user = services.feed_user(params.clean_query(token, 64))
    today = clock.today()
    found = services.entries(user, today - timedelta(days=services.FEED_PAST_DAYS),
                             today + timedelta(days=services.FEED_FUTURE_DAYS), visible_court_ids(user))
    return send_download(services.ics(found, f"工作日历 {user.display_name}"), "工作日历.ics", ICS)


# Revoking a calendar's private address ends a credential: the security administrator's work.
@bp.get("/feeds")
@require_duty(Duty.SECURITY)
def feeds():
    return render("agenda/feeds.html", block="content", feeds=services.feeds())


@bp.post("/feeds/<int:user_id>/revoke")
@require_duty(Duty.SECURITY)
def revoke(user_id: int):
    services.revoke_feed(user_id)
    flash("已撤销该用户的日历订阅。", "success")
    return redirect(url_for("agenda.feeds"), 303)
