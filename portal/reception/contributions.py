"""What the reception log shows on other areas' pages (portal.areas): the deputy's workspace panel, the visits on
the register's page of a person, the page a tracked item raised at a reception came from, and visits as contacts
for pairing."""
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


def last_contacts(deputy_ids: list[int]) -> dict[int, Contact]:
    """A visit, call or letter of a deputy is a contact on its day."""
    rows = db.session.execute(select(ReceptionDeputy.deputy_id, func.max(Reception.received_at))
                              .join(Reception, Reception.id == ReceptionDeputy.reception_id)
                              .where(ReceptionDeputy.deputy_id.in_(deputy_ids)).group_by(ReceptionDeputy.deputy_id))
    return {deputy_id: Contact(clock.local_date(at), "来访接待") for deputy_id, at in rows}
