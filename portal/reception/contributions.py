"""What the reception log shows on other areas' pages (portal.areas): the deputy's workspace panel, the visits on
the register's page of a person, the page a tracked item raised at a reception came from, and visits as contacts
for pairing."""
from datetime import date

from flask import url_for
from flask_login import current_user
from sqlalchemy import func, select

from portal import clock
from portal.access import visible_court_ids
from portal.areas import Contact, Panel
from portal.extensions import db
from portal.items.models import ItemOrigin
from portal.reception.models import Reception, ReceptionDeputy
from portal.reception.services import (
    deputy_year_counts,
    followups_of,
    receptions_of_deputy,
)

REGISTER_VISITS = 10  # the latest visits listed on a person's register page


def deputy_panel(deputy, year: int | None) -> Panel | None:
    """The deputy's latest visits and the follow-up state, and the year's counts."""
    receptions, _total = receptions_of_deputy(deputy.id, None, limit=5, year=year)
    followups = followups_of([r.id for r in receptions])
    visits, raised = deputy_year_counts(deputy.id, year)
    return Panel(title="我的来访", template="reception/_deputy_panel.html", order=30,
                 rows=[(r, followups[r.id]) for r in receptions], link=url_for("reception.mine"),
                 archive=[("来访接待", visits), ("来访中提出事项", raised)])


def register_panel(deputy) -> Panel | None:
    """The person's latest visits to the courts the user (staff: the register is theirs only) sees."""
    visits, total = receptions_of_deputy(deputy.id, visible_court_ids(current_user), limit=REGISTER_VISITS)
    link = url_for("reception.index", deputy=deputy.id, **{"from": "", "to": ""})  # every period
    return Panel(title="来访接待记录", template="reception/_register_panel.html", order=30, rows=visits,
                 link=link, extra={"total": total})


def item_origin_url(item) -> str | None:
    """The reception a tracked item was raised at."""
    if item.origin == ItemOrigin.RECEPTION and item.origin_id is not None:
        return url_for("reception.detail", reception_id=item.origin_id)
    return None


def _contacts(*columns):
    """SQL: ``columns`` of every deputy's visit, call or letter (a contact on its day)."""
    return select(*columns).join(Reception, Reception.id == ReceptionDeputy.reception_id)


def last_contacts(deputy_ids: list[int]) -> dict[int, Contact]:
    """A visit, call or letter of a deputy is a contact on its day."""
    rows = db.session.execute(_contacts(ReceptionDeputy.deputy_id, func.max(Reception.received_at))
                              .where(ReceptionDeputy.deputy_id.in_(deputy_ids)).group_by(ReceptionDeputy.deputy_id))
    return {deputy_id: Contact(clock.local_date(at), "来访接待") for deputy_id, at in rows}


def contacted_since(day: date):
    """SQL: the deputies of a visit, call or letter on ``day`` or later (pairing coverage)."""
    return _contacts(ReceptionDeputy.deputy_id).where(Reception.received_at >= clock.start_of_day(day))


def figures(scope):
    """Visits and 人次 (each person each visit: a deputy who came twice is two) of the period, deputies and members
    apart, per court and in total: the visits and other visitors grouped by court, and the visiting deputies
    grouped by court and kind (a join of the visits to their visitors: not a count for each visit); two more for
    the trend."""
    from portal import periods
    from portal.figures.definitions import FigureGroup, by_month, figure, in_year, month_of, tally
    from portal.reception.services import ReceptionFilters, _conditions, npc_deputy

    filters = ReceptionFilters(period=periods.parse(scope.start.isoformat(), scope.end.isoformat()))
    conditions = _conditions(filters, scope.court_ids)
    visits = {court_id: (n, int(others or 0)) for court_id, n, others in db.session.execute(
        select(Reception.court_id, func.count(), func.sum(Reception.other_count)).where(*conditions)
        .group_by(Reception.court_id))}
    is_npc = npc_deputy(ReceptionDeputy.deputy_id)
    deputies: dict[int, list[int]] = {}  # court -> [npc, cppcc]
    for court_id, npc, n in db.session.execute(
            select(Reception.court_id, is_npc, func.count()).select_from(ReceptionDeputy)
            .join(Reception, Reception.id == ReceptionDeputy.reception_id).where(*conditions)
            .group_by(Reception.court_id, is_npc)):
        deputies.setdefault(court_id, [0, 0])[0 if npc else 1] += n
    rows = []
    for court_id, (n, others) in visits.items():
        npc, cppcc = deputies.get(court_id, (0, 0))
        rows.append((court_id, n, npc + cppcc + others, npc, cppcc, others))
    counted = tally(rows, ["visits", "persons", "npc", "cppcc", "others"])
    args = filters.period.as_args()
    all_visits = scope.links("reception.index", **args)
    group = FigureGroup("reception", "来访接待", order=20, figures=[
        figure("visits", "接待次数", counted["visits"], all_visits),
        figure("persons", "接待人次", counted["persons"], all_visits),
        figure("npc", "其中人大代表人次", counted["npc"], scope.links("reception.index", **args, kind="npc")),
        figure("cppcc", "其中政协委员人次", counted["cppcc"], scope.links("reception.index", **args, kind="cppcc")),
        figure("others", "其中其他来访人次", counted["others"], scope.links("reception.index", **args, others="1")),
    ])
    in_the_year = [Reception.court_id.in_(scope.court_ids), in_year(Reception.received_at, scope.year, timestamp=True)]
    month = month_of(Reception.received_at, scope.year, timestamp=True)
    others = by_month(db.session.execute(select(month, func.sum(Reception.other_count)).where(*in_the_year)
                                         .group_by(month)))
    visitors = by_month(db.session.execute(
        select(month, func.count()).select_from(ReceptionDeputy)
        .join(Reception, Reception.id == ReceptionDeputy.reception_id).where(*in_the_year).group_by(month)))
    group.trend = {"接待人次": [a + b for a, b in zip(visitors, others, strict=True)]}
    return group
