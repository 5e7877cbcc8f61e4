"""Who is paired with whom since when, and the last contact of each paired person, from every area that records
contacts.

A person may be paired with several leaders at once, across court levels (三级联动: a leader of the intermediate
court and the president of the basic court of the person's area for provincial and national deputies). A
pairing runs from the day it began to the day it ended (both entered afterwards, so both are given).

An area that records contact with deputies contributes in its ``contributions.py`` ``last_contacts(deputy_ids)
-> dict[int, Contact]`` (one aggregate query; the latest of all areas' answers is the person's last contact) and
``contacted_since(day)``, a SELECT of the deputies in contact on that day or later, which the coverage of every
leader counts in one query (a province's thousands of paired people are never fetched).
"""
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import exists, func, select, union
from sqlalchemy.orm import contains_eager, selectinload

from portal import areas, clock
from portal.access import visible_court_ids
from portal.areas import Contact
from portal.auth.models import Court, Role, User
from portal.errors import NotFound, ServiceError
from portal.extensions import db
from portal.register.models import Deputy, DeputyLevel, DeputyStatus, Mandate, Pairing

THREE_LEVEL = (DeputyLevel.NATIONAL, DeputyLevel.PROVINCIAL)  # the deputies the three-level scheme pairs


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


def _provincial_or_above():
    """SQL: the person holds a provincial or national mandate in office."""
    return exists().where(Mandate.deputy_id == Deputy.id, Mandate.level.in_(THREE_LEVEL),
                          Mandate.status == DeputyStatus.ACTIVE)


# --- reading -----------------------------------------------------------------------------------------------------

def leader_for(user, leader_id: int) -> User:
    """A leader of the courts ``user`` sees; anyone else is 404."""
    leader = db.session.get(User, leader_id)
    if leader is None or leader.role != Role.LEADER or leader.court_id not in visible_court_ids(user):
        raise NotFound()
    return leader


@dataclass
class PairedPerson:
    pairing: Pairing
    contact: Contact | None
    overdue: bool

    @property
    def deputy(self) -> Deputy:
        return self.pairing.deputy


def paired_people(leader_id: int) -> list[PairedPerson]:
    """The leader's current pairings with people in office, those longest without contact first."""
    pairings = list(db.session.scalars(
        select(Pairing).join(Pairing.deputy).options(contains_eager(Pairing.deputy))
        .where(Pairing.leader_id == leader_id, Pairing.current(clock.today()), Deputy.in_office())
        .order_by(Deputy.name_pinyin, Deputy.id)))
    contacts = last_contacts([p.deputy_id for p in pairings])
    limit = contact_limit()
    people = [PairedPerson(p, contacts.get(p.deputy_id),
                           p.deputy_id not in contacts or contacts[p.deputy_id].on < limit) for p in pairings]
    return sorted(people, key=lambda p: (p.contact.on if p.contact else date.min))


PAST_SHOWN = 50


def past_pairings(leader_id: int) -> list[Pairing]:
    """The leader's ended pairings (and those of people no longer in office), the latest first: the record."""
    today = clock.today()
    return list(db.session.scalars(
        select(Pairing).options(selectinload(Pairing.deputy))
        .where(Pairing.leader_id == leader_id, ~Pairing.current(today) | ~exists().where(
            Mandate.deputy_id == Pairing.deputy_id, Mandate.status == DeputyStatus.ACTIVE))
        .order_by(Pairing.ended_on.desc(), Pairing.since.desc(), Pairing.id.desc()).limit(PAST_SHOWN)))


@dataclass
class Coverage:
    leader: User
    paired: int = 0
    provincial: int = 0  # of them, provincial and national deputies and members (the three-level scheme's)
    contacted: int = 0

    @property
    def overdue(self) -> int:
        return self.paired - self.contacted


def coverage(court_ids: list[int]) -> list[Coverage]:
    """Every leader of these courts with how many people in office they are paired with (how many of them
    provincial or above) and how many were in contact lately: two queries whatever the number of leaders."""
    leaders = list(db.session.scalars(select(User).join(Court, User.court_id == Court.id)
                                      .options(contains_eager(User.court)).where(
        User.role == Role.LEADER, User.active.is_(True), User.court_id.in_(court_ids))
        .order_by(Court.parent_id.is_not(None), Court.code, Court.id, User.display_name)))  # the top court first
    contacted = union(*areas.collect("contacted_since", contact_limit()))
    counts = db.session.execute(
        select(Pairing.leader_id, func.count(), func.count().filter(_provincial_or_above()),
               func.count().filter(Pairing.deputy_id.in_(contacted))).join(Pairing.deputy).where(
            Pairing.leader_id.in_([u.id for u in leaders]), Pairing.current(clock.today()), Deputy.in_office())
        .group_by(Pairing.leader_id))
    rows = {u.id: Coverage(u) for u in leaders}
    for leader_id, paired, provincial, in_contact in counts:
        rows[leader_id].paired, rows[leader_id].provincial, rows[leader_id].contacted = paired, provincial, in_contact
    return list(rows.values())


@dataclass
class Unpaired:
    people: int  # in office, paired with no leader
    provincial: int  # provincial or above, paired with no leader


def unpaired() -> Unpaired:
    """People in office on the (shared) register paired with no active leader, in one query."""
    paired = exists().where(Pairing.deputy_id == Deputy.id, Pairing.current(clock.today()),
                            User.id == Pairing.leader_id, User.active.is_(True))
    people, provincial = db.session.execute(select(
        func.count(), func.count().filter(_provincial_or_above())).select_from(Deputy).where(
        Deputy.in_office(), ~paired)).one()
    return Unpaired(people, provincial)


# --- writing -----------------------------------------------------------------------------------------------------

def pair(leader: User, deputies: list[Deputy], since: date) -> list[Pairing]:
    """Pair ``leader`` with each of ``deputies`` from ``since`` (the day it began, not after today). Someone
    already paired with this leader, or not in office, is refused by name and nothing is saved."""
    if not leader.active:
        raise ServiceError("该院领导的账户已停用，不能新增结对。")
    if not deputies:
        raise ServiceError("请从名册中选择要结对的代表委员。", errors={"deputy_ids": "请至少选择一位代表委员。"})
    if since > clock.today():
        raise ServiceError("结对日期不能晚于今天。", errors={"since": "结对日期不能晚于今天（结对开始后再登记）。"})
    today = clock.today()
    already = set(db.session.scalars(select(Pairing.deputy_id).where(
        Pairing.leader_id == leader.id, Pairing.deputy_id.in_([d.id for d in deputies]), Pairing.current(today))))
    problems = [f"{d.name}已与{leader.display_name}结对" for d in deputies if d.id in already]
    problems += [f"{d.name}已离任" for d in deputies if d.status != DeputyStatus.ACTIVE]
    if problems:
        raise ServiceError("；".join(problems) + "。", errors={"deputy_ids": "；".join(problems) + "。"})
    pairings = [Pairing(deputy=d, leader_id=leader.id, since=since) for d in deputies]
    db.session.add_all(pairings)
    db.session.flush()
    return pairings


def pairing_for(user, pairing_id: int) -> Pairing:
    """A pairing of a leader of the courts ``user`` sees; anyone else's is 404."""
    pairing = db.session.get(Pairing, pairing_id)
    if pairing is None:
        raise NotFound()
    leader_for(user, pairing.leader_id)
    return pairing


def end(pairing: Pairing, ended_on: date) -> Pairing:
    """End a current pairing on the day it ended (from its first day, for one entered by mistake, to today)."""
    if not pairing.current_on(clock.today()):
        raise ServiceError("这项结对已经结束。")
    if ended_on > clock.today() or ended_on < pairing.since:
        message = f"结束日期应在结对日期（{pairing.since.isoformat()}）至今天之间。"
        raise ServiceError(message, errors={"ended_on": message})
    pairing.ended_on = ended_on
    db.session.flush()
    return pairing
