"""The voter-work area's routes in the role matrix (see tests/route_matrix.py), and the records their URLs name.

A deputy reaches only their own entries (anyone else's is 404), but the matrix logs in a *new* deputy after the
records are made: ``records`` hands the entries over to the next deputy account created (as routes_hearings.py
does). The deputy whose page staff read has an account in the matrix's court, inserted without ORM events so that
no hand-over listener (this one or the hearings') takes it for the matrix's deputy.
"""
import secrets

from sqlalchemy import update

from portal import clock
from portal.auth.models import Role, User
from portal.extensions import db
from portal.voters.models import ContactKind, LetterState, VoterContact, VoterLetter
from tests.route_matrix import STAFF, hand_to_next_users

DEPUTY = {Role.DEPUTY}

ROUTES = {
    "voters.mine": ("GET", "/voters/mine", DEPUTY),
    "voters.contact_new": ("GET", "/voters/mine/contacts/new", DEPUTY),
    "voters.contact_edit": ("GET", "/voters/mine/contacts/{voters_contact}", DEPUTY),
    "voters.letter_new": ("GET", "/voters/mine/letters/new", DEPUTY),
    "voters.letter_edit": ("GET", "/voters/mine/letters/{voters_letter}", DEPUTY),
    "voters.mine_docx": ("GET", "/voters/mine/letters.docx?quarter=1", DEPUTY),
    "voters.index": ("GET", "/voters/", STAFF),
    "voters.deputy": ("GET", "/voters/deputy/{voters_deputy}", STAFF),
    "voters.deputy_docx": ("GET", "/voters/deputy/{voters_deputy}/letters.docx", STAFF),
}



def _hand_over(contact_id: int, letter_id: int, owner_id: int) -> None:
    """Give these entries to the deputy of the next deputy account created."""
    def hand_over(connection, user):
        if user.role != Role.DEPUTY or user.deputy_id is None:
            return
        for model, record_id in ((VoterContact, contact_id), (VoterLetter, letter_id)):
            connection.execute(update(model).where(model.id == record_id, model.deputy_id == owner_id)
                               .values(deputy_id=user.deputy_id))

    hand_to_next_users("voters", hand_over)


def records(court, make_user, make_deputy, make_department) -> dict:
    owner, read = make_deputy(name="登记选民活动的代表"), make_deputy(name="选民联系被查看的代表")
    db.session.connection().execute(User.__table__.insert().values(
        username=f"voters-matrix-{secrets.token_hex(4)}", display_name=read.name, password_hash="!",
        role=Role.DEPUTY, court_id=court.id, deputy_id=read.id, session_token=secrets.token_urlsafe(32)))
    today = clock.today()
    entries = []
    for deputy in (owner, read):
        contact = VoterContact(deputy_id=deputy.id, court_id=court.id, held_on=today, kind=ContactKind.ASK_NEEDS,
                               place="城区代表联络站", voters=20, raised="希望设立法律咨询点。")
        letter = VoterLetter(deputy_id=deputy.id, court_id=court.id, received_on=today, sender="张三",
                             subject="反映道路积水", state=LetterState.PENDING)
        db.session.add_all([contact, letter])
        entries.append((contact, letter))
    db.session.commit()
    (contact, letter), _ = entries
    _hand_over(contact.id, letter.id, owner.id)
    return {"voters_contact": contact.id, "voters_letter": letter.id, "voters_deputy": read.id}
