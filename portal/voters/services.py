"""The rules of the deputy's voter work: who may read and write what, the year's counts and the flag under two,
the staff list of the register's NPC deputies, and the letters of a quarter.

The register holds no court per person: it is one register, shared by every court of the deployment, and every
staff member reads every person on it (register.detail). Voter work follows it: staff read the voter work of any
NPC deputy on the register, and their list holds every NPC deputy in office, with an account or without one
(whose work nobody has recorded, since only the deputy records it: the list says so)."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, extract, func, select

from portal import clock, events, params
from portal.auth.models import Court, Role, User
from portal.errors import NotFound, ServiceError
from portal.extensions import db
from portal.register.models import Deputy, DeputyKind, DeputyStatus, Mandate
from portal.voters.models import MIN_CONTACTS, ContactKind, LetterState, VoterContact, VoterLetter

NPC_ONLY = "联系选民是人大代表的职责：政协委员没有选民，不需要登记联系选民活动和代表信箱来信。"


# --- who ---------------------------------------------------------------------------------------------------------

def own_deputy(user) -> Deputy:
    """The NPC deputy logged in; a CPPCC member is refused with ``NPC_ONLY``."""
    deputy = user.deputy
    if deputy is None:
        raise ServiceError("您的账号没有关联代表名册，请联系法院联络部门。", status=403)
    if deputy.kind != DeputyKind.NPC:
        raise ServiceError(NPC_ONLY, status=403)
    return deputy


def own_contact(deputy: Deputy, contact_id: int) -> VoterContact:
    contact = db.session.get(VoterContact, contact_id)
    if contact is None or contact.deputy_id != deputy.id:
        raise NotFound()  # another deputy's entry does not exist for this one
    return contact


def own_letter(deputy: Deputy, letter_id: int) -> VoterLetter:
    letter = db.session.get(VoterLetter, letter_id)
    if letter is None or letter.deputy_id != deputy.id:
        raise NotFound()
    return letter


def deputy_for_staff(deputy_id: int) -> Deputy:
    """An NPC deputy on the register (which every staff member reads); anyone else is 404."""
    deputy = db.session.get(Deputy, deputy_id)
    if deputy is None or deputy.kind != DeputyKind.NPC:
        raise NotFound()
    return deputy


# --- reading ---------------------------------------------------------------------------------------------------

def parse_year(value) -> int:
    return params.parse_int(value, minimum=2000, maximum=2100) or clock.today().year


def parse_quarter(value) -> int:
    return params.parse_int(value, minimum=1, maximum=4) or (clock.today().month - 1) // 3 + 1


def contacts_of(deputy_id: int, year: int | None = None, limit: int | None = None) -> list[VoterContact]:
    query = select(VoterContact).where(VoterContact.deputy_id == deputy_id)
    if year is not None:
        query = query.where(extract("year", VoterContact.held_on) == year)
    return list(db.session.scalars(query.order_by(VoterContact.held_on.desc(), VoterContact.id.desc()).limit(limit)))


def letters_of(deputy_id: int, year: int | None = None, quarter: int | None = None,
               limit: int | None = None) -> list[VoterLetter]:
    query = select(VoterLetter).where(VoterLetter.deputy_id == deputy_id)
    if year is not None:
        query = query.where(extract("year", VoterLetter.received_on) == year)
    if quarter is not None:
        first = date(year, 3 * quarter - 2, 1)
        last = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
        query = query.where(VoterLetter.received_on >= first, VoterLetter.received_on < last)
    order = (VoterLetter.received_on, VoterLetter.id) if quarter else (VoterLetter.received_on.desc(),
                                                                      VoterLetter.id.desc())
    return list(db.session.scalars(query.order_by(*order).limit(limit)))


@dataclass
class YearCounts:
    contacts: int
    letters: int
    closed: int

    @property
    def too_few(self) -> bool:
        return self.contacts < MIN_CONTACTS


def year_counts(deputy_id: int, year: int | None) -> YearCounts:
    contacts = select(func.count()).select_from(VoterContact).where(VoterContact.deputy_id == deputy_id)
    letters = select(func.count()).select_from(VoterLetter).where(VoterLetter.deputy_id == deputy_id)
    if year is not None:
        contacts = contacts.where(extract("year", VoterContact.held_on) == year)
        letters = letters.where(extract("year", VoterLetter.received_on) == year)
    closed = letters.where(VoterLetter.state == LetterState.CLOSED)
    return YearCounts(db.session.scalar(contacts) or 0, db.session.scalar(letters) or 0, db.session.scalar(closed) or 0)


@dataclass
class StaffRow:
    deputy: Deputy
    account_court: str | None  # the court of the deputy's login; None: no account, so no voter work recorded
    contacts: int

    @property
    def too_few(self) -> bool:
        return self.contacts < MIN_CONTACTS


def staff_list(year: int) -> list[StaffRow]:
    """Every NPC deputy in office on the register, with the court of their account (if any) and the year's voter
    contacts; those under two first, then by pinyin. One query, and one for the people's mandates."""
    npc_in_office = exists().where(Mandate.deputy_id == Deputy.id, Mandate.kind == DeputyKind.NPC,
                                   Mandate.status == DeputyStatus.ACTIVE)
    count = (select(func.count()).select_from(VoterContact)
             .where(VoterContact.deputy_id == Deputy.id, extract("year", VoterContact.held_on) == year)
             .correlate(Deputy).scalar_subquery())
    rows = db.session.execute(
        select(Deputy, Court.name, count.label("n"))
        .outerjoin(User, (User.deputy_id == Deputy.id) & (User.role == Role.DEPUTY))
        .outerjoin(Court, Court.id == User.court_id)
        .where(npc_in_office)
        .order_by(count >= MIN_CONTACTS, Deputy.name_pinyin, Deputy.id))
    return [StaffRow(deputy, court_name, n) for deputy, court_name, n in rows]


# --- writing ---------------------------------------------------------------------------------------------------

CONTACT_FIELDS = ("held_on", "kind", "place", "voters", "raised")
LETTER_FIELDS = ("received_on", "sender", "subject", "content", "handling", "outcome", "state", "state_on")


def new_contact(deputy: Deputy, court_id: int) -> VoterContact:
    return VoterContact(deputy_id=deputy.id, court_id=court_id)


def save_contact(contact: VoterContact, values: dict) -> VoterContact:
    """Apply what ``forms.ContactForm`` checked; a new activity is announced."""
    for key in CONTACT_FIELDS:
        setattr(contact, key, values[key])
    contact.kind = ContactKind(values["kind"])
    new = contact.id is None
    db.session.add(contact)
    db.session.flush()
    if new:
        events.announce("voter_contact.recorded", contact, deputy_id=contact.deputy_id)
    return contact


def new_letter(deputy: Deputy, court_id: int) -> VoterLetter:
    return VoterLetter(deputy_id=deputy.id, court_id=court_id, state=LetterState.PENDING)


def save_letter(letter: VoterLetter, values: dict) -> VoterLetter:
    """Apply what ``forms.LetterForm`` checked. A change of state is dated: the day given, else today; closing
    is announced."""
    state = LetterState(values["state"])
    changed = letter.id is None or state != letter.state
    dated = letter.state_on
    for key in LETTER_FIELDS:
        setattr(letter, key, values.get(key))
    letter.state = state
    if values.get("state_on") is None:
        letter.state_on = clock.today() if changed else dated
    db.session.add(letter)
    db.session.flush()
    if changed and state == LetterState.CLOSED:
        events.announce("voter_letter.closed", letter, deputy_id=letter.deputy_id)
    return letter
