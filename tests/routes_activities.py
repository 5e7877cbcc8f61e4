"""The liaison activities' routes in the role matrix (see tests/route_matrix.py)."""
from datetime import date

from portal.activities.models import Activity, ActivityDeputy, ActivityKind, ActivityOpinion, ActivityStaff
from portal.attachments import Attachment
from portal.auth.models import Role
from portal.extensions import db
from portal.uploads import upload_dir
from tests.route_matrix import EDITORS, STAFF

ROUTES = {
    "activities.index": ("GET", "/activities/", STAFF),
    "activities.create": ("GET", "/activities/new", EDITORS),
    "activities.detail": ("GET", "/activities/{activity}", STAFF),
    "activities.edit": ("GET", "/activities/{activity}/edit", EDITORS),
    "activities.delete": ("POST", "/activities/{activity}/delete", EDITORS),
    # the activity has one deputy, who is the opinion's when none is chosen
    "activities.add_opinion": ("POST", "/activities/{activity}/opinions", EDITORS, {"text": "建议增设诉讼服务站"}),
    "activities.opinion_item": ("POST", "/activities/{activity}/opinions/{activity_opinion}/item", EDITORS),
    "activities.delete_opinion": ("POST", "/activities/{activity}/opinions/{activity_opinion}/delete", EDITORS),
    "activities.attachment": ("GET", "/activities/{activity}/files/{activity_file}/座谈纪要.docx", STAFF),
    "activities.delete_attachment": ("POST", "/activities/{activity}/files/{activity_file}/delete", EDITORS),
    "activities.export_docx": ("GET", "/activities/export.docx", STAFF),
    "activities.export_xlsx": ("GET", "/activities/export.xlsx", STAFF),
}


def records(court, make_user, make_deputy, make_department) -> dict:
    """An activity of the test court with a deputy, a leader, an opinion and a stored attachment."""
    deputy = make_deputy(name="张三")
    leader = make_user(Role.LEADER)
    activity = Activity(court_id=court.id, held_on=date(2025, 3, 1), kind=ActivityKind.FORUM, title="代表委员座谈会",
                        place="本院会议室")
    activity.deputy_links = [ActivityDeputy(deputy_id=deputy.id)]
    activity.staff_links = [ActivityStaff(user_id=leader.id)]
    db.session.add(activity)
    db.session.flush()
    opinion = ActivityOpinion(activity_id=activity.id, deputy_id=deputy.id, text="建议加强普法宣传")
    path = upload_dir("attachments") / f"matrix-activity{activity.id}.docx"
    path.write_bytes(b"PK\x03\x04 test")
    attachment = Attachment(owner_type="activity", owner_id=activity.id, stored_name=path.name,
                            original_name="座谈纪要.docx", size=9,
                            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    db.session.add_all([opinion, attachment])
    db.session.commit()
    return {"activity": activity.id, "activity_opinion": opinion.id, "activity_file": attachment.id}
