"""The rules of the deputy's voter work: who may read and write what, the year's counts and the flag under two,
the staff list of the register's NPC deputies (paged: a province's register holds thousands), and the letters
of a quarter.

The register holds no court per person: it is one register, shared by every court of the deployment, and every
staff member reads every person on it (register.detail). Voter work follows it: staff read the voter work of any
NPC deputy on the register, and their list holds every NPC deputy in office, with an account or without one
(whose work nobody has recorded, since only the deputy records it: the list says so)."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, exists, extract, func, select

from portal import clock, events, params
from portal.auth.models import Court, Role, User
from portal.errors import NotFound, ServiceError
from portal.extensions import db
from portal.pagination import Page, paginate_offset
from portal.register.models import Deputy, DeputyKind, DeputyStatus, Mandate
from portal.register.services import search_condition
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
    letters: int = 0

    @property
    def too_few(self) -> bool:
        return self.contacts < MIN_CONTACTS


@dataclass
class StaffPage:
    page: Page  # of StaffRow
    too_few: int  # of all the rows found, not only this page's
    no_account: int


def _year_counts(model, day, year: int):
    """Each deputy's rows of ``model`` dated in ``year``: one grouped pass over the year's range of the
    (deputy_id, day) index, instead of one correlated count per deputy."""
    return (select(model.deputy_id, func.count().label("n"))
            .where(day >= date(year, 1, 1), day < date(year + 1, 1, 1))
            .group_by(model.deputy_id).subquery())


def _staff_query(year: int, q: str, *columns):
    """``columns`` of every NPC deputy in office on the register (found by ``q``, if given), beside their year's
    contacts and letters (``contacts``, ``letters``) and their account's court (``court_name``); and the
    contacts' expression, to order by (PostgreSQL orders by an output name only when it stands alone)."""
    npc_in_office = exists().where(Mandate.deputy_id == Deputy.id, Mandate.kind == DeputyKind.NPC,
                                   Mandate.status == DeputyStatus.ACTIVE)
    contacts = _year_counts(VoterContact, VoterContact.held_on, year)
    letters = _year_counts(VoterLetter, VoterLetter.received_on, year)
    contacts_n = func.coalesce(contacts.c.n, 0)
    query = (select(*columns, Court.name.label("court_name"), contacts_n.label("contacts"),
                    func.coalesce(letters.c.n, 0).label("letters"))
             .select_from(Deputy)
             .outerjoin(contacts, contacts.c.deputy_id == Deputy.id)
             .outerjoin(letters, letters.c.deputy_id == Deputy.id)
             .outerjoin(User, (User.deputy_id == Deputy.id) & (User.role == Role.DEPUTY))  # one login per person
             .outerjoin(Court, Court.id == User.court_id)
             .where(npc_in_office))
    condition = search_condition(q)
    return (query if condition is None else query.where(condition)), contacts_n


def staff_page(year: int, q: str = "", *, number: int = 1, per_page: int) -> StaffPage:
    """One page of the NPC deputies in office on the register, with the court of their account (if any) and the
    year's voter contacts and letters; those under two first, then by pinyin.

    Paged by offset, not keyset: the order starts with a count computed per deputy, which no index holds, so a
    seek would still compute every deputy's count to find the page, and a cursor would point at a row that moves
    when a deputy's count passes two. At a province's few thousand deputies the grouped counts and the sort
    cost a few milliseconds. Three queries a page whatever its size: the totals, the page, the page's mandates
    (Deputy.mandates loads by selectin)."""
    found = _staff_query(year, q, Deputy.id)[0].subquery()
    total, too_few, no_account = db.session.execute(select(
        func.count(), func.coalesce(func.sum(case((found.c.contacts < MIN_CONTACTS, 1), else_=0)), 0),
        func.coalesce(func.sum(case((found.c.court_name.is_(None), 1), else_=0)), 0))).one()
    query, contacts = _staff_query(year, q, Deputy)
    query = query.order_by(contacts >= MIN_CONTACTS, Deputy.name_pinyin, Deputy.id)
    page = paginate_offset(query, per_page=per_page, number=number, total=total, scalars=False)
    page.items = [StaffRow(deputy, court_name, n, letters) for deputy, court_name, n, letters in page.items]
    return StaffPage(page, too_few, no_account)


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
