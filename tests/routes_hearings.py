"""The hearings area's routes in the role matrix, and the records their URLs name.

Two things the matrix cannot say by itself, handled here:

- Deputies reach only their own invitations (anyone else's answers 404), but the matrix logs in a *new* deputy
  after the records are made. ``records`` therefore hands the deputy's invitations over to the next deputy
  account created in the test (``_hand_over``), so the deputy who logs in owns them.
- Form data is fixed when this module loads, before any record exists. ``Latest("key")`` stands for the id
  ``records`` made last under that key; the test client turns it into text when it sends the form. The upload
  of a letter template sends a fresh .docx each time (``FreshFile``).
"""
import io
import secrets
from datetime import timedelta

from sqlalchemy import update

from portal.attachments import Attachment
from portal.auth.models import Role
from portal.extensions import db
from portal.hearings.models import (
    CaseType,
    Hearing,
    HearingInvitation,
    HearingOpinion,
    HearingRating,
    HearingStatus,
    InvitationStatus,
)
from portal.hearings.services import check_in_code
from portal.models import utcnow
from portal.uploads import upload_dir
from tests.route_matrix import BUSINESS, EDITORS, STAFF, hand_to_next_users

DEPUTY = {Role.DEPUTY}
MARKER = "（2024）桂0981民初9999号"  # the case number of the matrix's hearings, and nobody else's

_latest: dict[str, int] = {}


class Latest:
    """The id ``records`` made last under ``key``, as the text a form sends."""

    def __init__(self, key: str):
        self.key = key

    def __str__(self) -> str:
        return str(_latest[self.key])


class FreshFile:
    """A file for the test client's form data that can be sent again: it rewinds after each full read."""

    def __init__(self, make, filename: str):
        self._make, self.name = make, filename  # FileStorage takes the file name from .name
        self._stream = None

    def read(self, size: int = -1) -> bytes:
        if self._stream is None:
            self._stream = io.BytesIO(self._make())
        chunk = self._stream.read(size)
        if not chunk:
            self._stream = None
        return chunk


def _template() -> bytes:
    from portal.hearings.documents import default_template

    return default_template("某某市中级人民法院")


SCORES = {name: "4" for name in ("score_procedure", "score_conduct", "score_control", "score_law", "score_language",
                                 "score_overall")}

ROUTES = {
    "hearings.index": ("GET", "/hearings/", STAFF),
    "hearings.export_period": ("GET", "/hearings/export.docx", STAFF),
    "hearings.export_xlsx": ("GET", "/hearings/export.xlsx", STAFF),
    "hearings.create": ("GET", "/hearings/new", EDITORS),
    "hearings.edit": ("GET", "/hearings/{hearing}/edit", EDITORS),
    "hearings.change_status": ("POST", "/hearings/{hearing}/status", EDITORS, {"status": "held"}),
    "hearings.detail": ("GET", "/hearings/{hearing}", STAFF),
    "hearings.check_in": ("POST", "/hearings/invitations/{invitation}/check-in", EDITORS),
    "hearings.undo_check_in": ("POST", "/hearings/invitations/{attended_invitation}/undo-check-in", EDITORS),
    "hearings.mark_absent": ("POST", "/hearings/invitations/{invitation}/absent", EDITORS),
    "hearings.remind": ("POST", "/hearings/invitations/{invitation}/remind", EDITORS),
    "hearings.notified": ("POST", "/hearings/invitations/{invitation}/notified", EDITORS),
    "hearings.notified_all": ("POST", "/hearings/{hearing}/notified", EDITORS),
    "hearings.upload_materials": ("POST", "/hearings/{hearing}/materials", EDITORS),
    "hearings.delete_material": ("POST", "/hearings/{hearing}/materials/{material}/delete", EDITORS),
    "hearings.material": ("GET", "/hearings/{hearing}/materials/{material}/起诉状.docx", BUSINESS),
    "hearings.invite": ("GET", "/hearings/{hearing}/invite", EDITORS),
    "hearings.invite_selected": ("POST", "/hearings/{hearing}/invite", EDITORS, {"deputy_id": Latest("free_deputy")}),
    "hearings.draw": ("GET", "/hearings/{hearing}/draw", EDITORS),
    "hearings.draw_confirm": ("POST", "/hearings/{hearing}/draw/confirm", EDITORS,
                              {"deputy_id": Latest("free_deputy")}),
    "hearings.invitation": ("GET", "/hearings/invitations/{invitation}", STAFF),
    "hearings.record_answer": ("POST", "/hearings/invitations/{invitation}/answer", EDITORS, {"answer": "accept"}),
    "hearings.mediation": ("POST", "/hearings/invitations/{attended_invitation}/mediation", EDITORS,
                           {"joined_mediation": "y", "mediation_note": "参与调解并促成和解"}),
    "hearings.withdraw": ("POST", "/hearings/invitations/{invitation}/withdraw", EDITORS),
    "hearings.letter": ("GET", "/hearings/invitations/{invitation}/letter.docx", STAFF),
    "hearings.letters": ("GET", "/hearings/{hearing}/letters.docx", STAFF),
    "hearings.record": ("GET", "/hearings/{past_hearing}/record.docx", STAFF),
    "hearings.forum": ("GET", "/hearings/{past_hearing}/forum", EDITORS),
    "hearings.add_opinion": ("POST", "/hearings/{past_hearing}/opinions", EDITORS,
                             {"deputy_id": Latest("opinion_deputy"), "opinion": "建议加强诉讼引导"}),
    "hearings.delete_opinion": ("POST", "/hearings/opinions/{opinion}/delete", EDITORS),
    "hearings.opinion_to_item": ("POST", "/hearings/opinions/{opinion}/item", EDITORS, {"kind": "suggestion"}),
    "hearings.enter_rating": ("GET", "/hearings/invitations/{attended_invitation}/rating", EDITORS),
    "hearings.ratings": ("GET", "/hearings/ratings", STAFF),
    "hearings.rating_to_item": ("POST", "/hearings/ratings/{rating}/item", EDITORS, {"kind": "suggestion"}),
    "hearings.letter_template": ("GET", "/hearings/letter-template", EDITORS),
    "hearings.letter_template_download": ("GET", "/hearings/letter-template.docx", EDITORS),
    "hearings.letter_template_upload": ("POST", "/hearings/letter-template", EDITORS,
                                        {"template": FreshFile(_template, "邀请函模板.docx")}),
    "hearings.letter_template_reset": ("POST", "/hearings/letter-template/reset", EDITORS),
    "hearings.mine": ("GET", "/hearings/mine", DEPUTY),
    "hearings.mine_detail": ("GET", "/hearings/mine/{my_invitation}", DEPUTY),
    "hearings.own_check_in": ("GET", "/hearings/check-in/{check_in_token}", DEPUTY),
    "hearings.check_in_code": ("GET", "/hearings/{hearing}/check-in-code", STAFF),
    "hearings.sign_in_sheet": ("GET", "/hearings/{hearing}/sign-in.docx", STAFF),
    "hearings.mine_answer": ("POST", "/hearings/mine/{my_invitation}/answer", DEPUTY, {"answer": "accept"}),
    "hearings.mine_rating": ("POST", "/hearings/mine/{my_attended}/rating", DEPUTY, SCORES),
}


def _hand_over(invitation_ids: list[int], owner_id: int) -> None:
    """Give these invitations to the deputy of the next deputy account created (see the module docstring)."""
    def hand_over(connection, user):
        if user.role != Role.DEPUTY or user.deputy_id is None:
            return
        marked = db.select(Hearing.id).where(Hearing.case_number == MARKER)
        connection.execute(update(HearingInvitation)
                           .where(HearingInvitation.id.in_(invitation_ids), HearingInvitation.deputy_id == owner_id,
                                  HearingInvitation.hearing_id.in_(marked))
                           .values(deputy_id=user.deputy_id))

    hand_to_next_users("hearings", hand_over)


def records(court, make_user, make_deputy, make_department) -> dict:
    now = utcnow()
    department = make_department("民事审判第一庭")
    owner = make_deputy(name="旁听代表")
    other = make_deputy(name="另一代表")
    upcoming = Hearing(court_id=court.id, case_number=MARKER, cause="民间借贷纠纷", case_type=CaseType.CIVIL,
                       department_id=department.id, presiding_judge="李法官", court_room="第一审判庭",
                       starts_at=now + timedelta(days=3), ends_at=now + timedelta(days=3, hours=2),
                       invite_reason="群众关注", status=HearingStatus.SCHEDULED)
    past = Hearing(court_id=court.id, case_number=MARKER, cause="合同纠纷", case_type=CaseType.CIVIL,
                   department_id=department.id, presiding_judge="王法官", court_room="第二审判庭",
                   starts_at=now - timedelta(days=5), ends_at=now - timedelta(days=5) + timedelta(hours=2),
                   status=HearingStatus.HELD)
    db.session.add_all([upcoming, past])
    db.session.flush()
    staff_invitation = HearingInvitation(hearing_id=upcoming.id, deputy_id=other.id, status=InvitationStatus.INVITED,
                                         needs_notice=True)
    mine = HearingInvitation(hearing_id=upcoming.id, deputy_id=owner.id, status=InvitationStatus.INVITED)
    attended = HearingInvitation(hearing_id=past.id, deputy_id=owner.id, status=InvitationStatus.ATTENDED,
                                 checked_in_at=past.starts_at)
    attended_other = HearingInvitation(hearing_id=past.id, deputy_id=other.id, status=InvitationStatus.ATTENDED,
                                       checked_in_at=past.starts_at)
    db.session.add_all([staff_invitation, mine, attended, attended_other])
    db.session.flush()
    opinion = HearingOpinion(hearing_id=past.id, deputy_id=other.id, opinion="建议庭前充分释明举证责任")
    rating = HearingRating(invitation_id=attended_other.id, score_procedure=2, score_conduct=4, score_control=3,
                           score_law=4, score_language=4, score_overall=3, review_comment="程序衔接不够顺畅")
    stored = secrets.token_hex(16) + ".docx"
    (upload_dir("attachments") / stored).write_bytes(b"PK\x03\x04 test material")
    material = Attachment(owner_type="hearing", owner_id=upcoming.id, stored_name=stored, original_name="起诉状.docx",
                          content_type="application/octet-stream", size=22)
    db.session.add_all([opinion, rating, material])
    db.session.commit()
    _hand_over([mine.id, attended.id], owner.id)
    _latest.update(free_deputy=make_deputy(name="未受邀代表").id, opinion_deputy=other.id)
    return {"hearing": upcoming.id, "past_hearing": past.id, "invitation": staff_invitation.id,
            "attended_invitation": attended_other.id, "my_invitation": mine.id, "my_attended": attended.id,
            "opinion": opinion.id, "rating": rating.id, "material": material.id,
            "check_in_token": check_in_code(upcoming)}
