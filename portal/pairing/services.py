"""Who is paired with whom, and the last contact of each paired person, from every area that records contacts.

An area that records contact with deputies contributes ``last_contacts(deputy_ids) -> dict[int, Contact]`` in
its ``contributions.py`` (one aggregate query); the latest of all areas' answers is the person's last contact.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select

from portal import areas, clock
from portal.areas import Contact
from portal.auth.models import Court, Role, User
from portal.extensions import db
from portal.register.models import Deputy


def last_contacts(deputy_ids: list[int]) -> dict[int, Contact]:
    latest: dict[int, Contact] = {}
    if not deputy_ids:
        return latest
    for found in areas.collect("last_contacts", deputy_ids):
        for deputy_id, contact in found.items():
            if deputy_id not in latest or contact.on > latest[deputy_id].on:
                latest[deputy_id] = contact
    return latest


def contact_limit() -> date:
    """Paired people last in contact before this day are flagged."""
    return clock.today() - timedelta(days=current_app.config["PAIRING_CONTACT_DAYS"])


@dataclass
class PairedPerson:
    deputy: Deputy
    contact: Contact | None
    overdue: bool


def paired_people(leader_id: int) -> list[PairedPerson]:
    """The leader's paired people in office, those longest without contact first."""
    deputies = list(db.session.scalars(select(Deputy).where(Deputy.paired_leader_id == leader_id, Deputy.in_office())
                                       .order_by(Deputy.name_pinyin, Deputy.id)))
    contacts = last_contacts([d.id for d in deputies])
    limit = contact_limit()
    people = [PairedPerson(d, contacts.get(d.id), d.id not in contacts or contacts[d.id].on < limit)
              for d in deputies]
    return sorted(people, key=lambda p: (p.contact.on if p.contact else date.min))


@dataclass
class Coverage:
    leader: User
    paired: int
    contacted: int

    @property
    def overdue(self) -> int:
        return self.paired - self.contacted


def coverage(court_ids: list[int]) -> list[Coverage]:
    """Every leader of these courts with how many paired people they have and how many were in contact lately:
    three queries and one per contributing area, whatever the number of leaders."""
    leaders = list(db.session.scalars(select(User).join(Court, User.court_id == Court.id).where(
        User.role == Role.LEADER, User.active.is_(True), User.court_id.in_(court_ids))
        .order_by(Court.code, User.display_name)))
    pairs = db.session.execute(select(Deputy.paired_leader_id, Deputy.id).where(
        Deputy.paired_leader_id.in_([u.id for u in leaders]), Deputy.in_office())).all()
    contacts = last_contacts([deputy_id for _, deputy_id in pairs])
    limit = contact_limit()
    counts = {u.id: [0, 0] for u in leaders}
    for leader_id, deputy_id in pairs:
        counts[leader_id][0] += 1
        if deputy_id in contacts and contacts[deputy_id].on >= limit:
            counts[leader_id][1] += 1
    return [Coverage(u, *counts[u.id]) for u in leaders]


def unpaired_count() -> int:
    """People in office paired with no leader."""
    return db.session.scalar(select(func.count()).select_from(Deputy).where(
        Deputy.paired_leader_id.is_(None), Deputy.in_office())) or 0
