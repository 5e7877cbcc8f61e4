"""The reception log's routes in the role matrix (see tests/route_matrix.py)."""
from datetime import datetime, timezone

from portal.attachments import Attachment
from portal.auth.models import Role
from portal.extensions import db
from portal.reception.models import Channel, Reception, ReceptionDeputy, ReceptionHost
from portal.uploads import upload_dir
from tests.route_matrix import EDITORS, STAFF

DEPUTY = {Role.DEPUTY}

ROUTES = {
    "reception.index": ("GET", "/reception/", STAFF),
    "reception.create": ("GET", "/reception/new", EDITORS),
    "reception.detail": ("GET", "/reception/{reception}", STAFF),
    "reception.edit": ("GET", "/reception/{reception}/edit", EDITORS),
    "reception.delete": ("POST", "/reception/{reception}/delete", EDITORS),
    "reception.add_followup_item": ("POST", "/reception/{reception}/followups", EDITORS,
                                    {"kind": "suggestion", "title": "关于增设诉讼服务站的建议"}),
    "reception.attachment": ("GET", "/reception/{reception}/files/{reception_file}/来信扫描件.docx", STAFF),
    "reception.delete_attachment": ("POST", "/reception/{reception}/files/{reception_file}/delete", EDITORS),
    "reception.record_docx": ("GET", "/reception/{reception}/record.docx", STAFF),
    "reception.export_docx": ("GET", "/reception/export.docx", STAFF),
    "reception.export_xlsx": ("GET", "/reception/export.xlsx", STAFF),
    "reception.mine": ("GET", "/reception/mine", DEPUTY),
}


def records(court, make_user, make_deputy, make_department) -> dict:
    """A reception of the test court with a deputy, a host and a stored attachment."""
    deputy = make_deputy(name="张三")
    leader = make_user(Role.LEADER)
    reception = Reception(court_id=court.id, received_at=datetime(2025, 3, 1, 6, 30, tzinfo=timezone.utc),
                          channel=Channel.VISIT, place="联络之家", subject="反映执行难问题")
    reception.deputy_links = [ReceptionDeputy(deputy_id=deputy.id)]
    reception.host_links = [ReceptionHost(user_id=leader.id)]
    db.session.add(reception)
    db.session.flush()
    path = upload_dir("attachments") / f"matrix{reception.id}.docx"
    path.write_bytes(b"PK\x03\x04 test")
    attachment = Attachment(owner_type="reception", owner_id=reception.id, stored_name=path.name,
                            original_name="来信扫描件.docx", size=9,
                            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    db.session.add(attachment)
    db.session.commit()
    return {"reception": reception.id, "reception_file": attachment.id}
