"""What activities show elsewhere: the deputy's workspace panel (the activities they took part in, and the year's
counts for the archive), the period's figures and the annual summary's fields by type, the link from a tracked
item to the activity whose opinion it came from, activities on the work calendar and as contacts for pairing."""
from datetime import date

from flask import has_request_context, url_for
from flask_login import current_user
from sqlalchemy import func, select

from portal import clock
from portal.activities.models import Activity, ActivityDeputy, ActivityKind
from portal.activities.services import activities_of_deputy, deputy_year_counts
from portal.areas import Contact, Entry, Panel
from portal.auth.models import STAFF_ROLES, Role
from portal.extensions import db
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


# --- the work calendar and pairing -------------------------------------------------------------------------------

AGENDA_KINDS = {"activity": "联络活动"}


def agenda_entries(user, first: date, last: date, court_ids: list[int]) -> list[Entry]:
    """Activities on those days: staff see their courts'; a deputy those they take part in."""
    query = select(Activity).where(Activity.held_on >= first, Activity.held_on <= last)
    deputy = user.role == Role.DEPUTY
    if deputy:
        query = query.where(Activity.id.in_(select(ActivityDeputy.activity_id).where(
            ActivityDeputy.deputy_id == (user.deputy_id or -1))))
    else:
        query = query.where(Activity.court_id.in_(court_ids))
    return [Entry(uid=f"activity-{a.id}", kind="activity", kind_label=a.kind.label, day=a.held_on, title=a.title,
                  place=a.place, court_id=a.court_id,
                  url="" if deputy else url_for("activities.detail", activity_id=a.id))
            for a in db.session.scalars(query.order_by(Activity.held_on, Activity.id))]


def _took_part(*columns):
    """SQL: ``columns`` of every activity a deputy took part in, held by today (a contact on its day)."""
    return (select(*columns).join(Activity, Activity.id == ActivityDeputy.activity_id)
            .where(Activity.held_on <= clock.today()))


def last_contacts(deputy_ids: list[int]) -> dict[int, Contact]:
    """An activity a deputy took part in (held already) is a contact on its day."""
    rows = db.session.execute(_took_part(ActivityDeputy.deputy_id, func.max(Activity.held_on))
                              .where(ActivityDeputy.deputy_id.in_(deputy_ids)).group_by(ActivityDeputy.deputy_id))
    return {deputy_id: Contact(day, "联络活动") for deputy_id, day in rows}


def contacted_since(day: date):
    """SQL: the deputies who took part in an activity held from ``day`` to today (pairing coverage)."""
    return _took_part(ActivityDeputy.deputy_id).where(Activity.held_on >= day)


def summary_fields() -> list[tuple[str, str, str, int, str, str]]:
    """The annual summary's fields of each activity type, read from the figures' table by type: (field, what it
    counts, group, table, row, column)."""
    return [(f"{kind.label}{column}", f"联络活动：{kind.label}{column}", "activities", 0, kind.label, column)
            for column in ("次数", "人次") for kind in ActivityKind]


def figures(scope):
    """Activities held in the period and their 人次, by type, per court and in total: one query over the list's
    conditions grouped by court and type; one more for the trend."""
    from portal import periods
    from portal.activities.models import ActivityKind
    from portal.activities.services import ActivityFilters, _conditions
    from portal.figures.definitions import FigureGroup, Table, figure, in_year, month_columns, tally

    filters = ActivityFilters(period=periods.parse(scope.start.isoformat(), scope.end.isoformat()))
    deputies = (select(func.count()).select_from(ActivityDeputy)
                .where(ActivityDeputy.activity_id == Activity.id).scalar_subquery())
    rows = db.session.execute(
        select(Activity.court_id, Activity.kind, func.count(), func.sum(deputies + Activity.other_count))
        .where(*_conditions(filters, scope.court_ids)).group_by(Activity.court_id, Activity.kind)).all()
    args = filters.period.as_args()
    counted = tally([(court, n, persons) for court, _kind, n, persons in rows], ["activities", "persons"])
    links = scope.links("activities.index", **args)
    by_kind = Table("按活动类型", ["次数", "人次"])
    for kind in ActivityKind:
        kind_rows = [(court, n, persons) for court, k, n, persons in rows if ActivityKind(k) == kind]
        if kind_rows:
            kind_counted, kind_links = tally(kind_rows, ["n", "persons"]), scope.links("activities.index", **args,
                                                                                       kind=kind.value)
            by_kind.rows.append((kind.label, [figure(f"{kind.value}", kind.label, kind_counted["n"], kind_links),
                                              figure(f"{kind.value}_persons", "人次", kind_counted["persons"],
                                                     kind_links)]))
    trend = db.session.execute(select(*month_columns(Activity.held_on, scope.year, timestamp=False))
                               .where(Activity.court_id.in_(scope.court_ids),
                                      in_year(Activity.held_on, scope.year, timestamp=False))).one()
    return FigureGroup("activities", "联络活动", order=40, tables=[by_kind], trend={"联络活动次数": list(trend)},
                       figures=[figure("activities", "活动次数", counted["activities"], links),
                                figure("persons", "参加人次", counted["persons"], links)])
