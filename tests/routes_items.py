"""Tracked items' routes in the role matrix (see tests/route_matrix.py).

The matrix's item is a concerned case of the test court, assigned to a department: handlers of other
departments and deputies not linked to it get 403 on its pages (they reach their own items, see test_items).
"""
from datetime import date

from portal.attachments import Attachment
from portal.auth.models import Role
from portal.extensions import db
from portal.items.models import Item, ItemKind, ItemOrigin, ItemState
from portal.uploads import upload_dir
from tests.route_matrix import EDITORS, STAFF

SUPERVISORS = {Role.LIAISON, Role.LEADER}

ROUTES = {
    "items.index": ("GET", "/items/", STAFF),
    "items.queue": ("GET", "/items/queue", STAFF),
    "items.mine": ("GET", "/items/mine", {Role.DEPUTY}),
    "items.create": ("GET", "/items/new", EDITORS | {Role.DEPUTY}),
    "items.deputy_options": ("GET", "/items/deputy-options?deputy_q=zs", EDITORS),
    "items.detail": ("GET", "/items/{item}", SUPERVISORS),
    "items.edit": ("GET", "/items/{item}/edit", EDITORS),
    "items.act": ("POST", "/items/{item}/act/supervise", SUPERVISORS, {"note": "请于期限前报送办理结果。"}),
    "items.add_contact": ("POST", "/items/{item}/contacts", SUPERVISORS,
                          {"contacted_at": "2025-03-01T10:00", "person": "张三", "channel": "来电",
                           "content": "询问案件进度"}),
    "items.upload": ("POST", "/items/{item}/files", EDITORS),
    "items.download": ("GET", "/items/{item}/files/{item_file}/来信扫描件.docx", SUPERVISORS),
    "items.reply_docx": ("GET", "/items/{item}/reply.docx", SUPERVISORS),
    "items.supervision_docx": ("GET", "/items/{item}/supervision.docx", SUPERVISORS),
    "items.case_report_docx": ("GET", "/items/{item}/case-report.docx", SUPERVISORS),
    "items.figures": ("GET", "/items/figures?from=2025-01-01&to=2025-12-31", STAFF),
    "items.export_docx": ("GET", "/items/export.docx", STAFF),
    "items.export_xlsx": ("GET", "/items/export.xlsx", STAFF),
}


def records(court, make_user, make_deputy, make_department) -> dict:
    """An assigned concerned case with a deputy, a responsible leader and a stored attachment."""
    deputy = make_deputy(name="李关注")
    leader = make_user(Role.LEADER)
    department = make_department("刑事审判庭")
    item = Item(court_id=court.id, number="2025-0001", kind=ItemKind.CONCERNED_CASE, origin=ItemOrigin.RECEPTION,
                received_on=date(2025, 3, 1), title="（2025）某民初1号案", content="代表关注案件审理进度",
                case_number="（2025）某民初1号", state=ItemState.ASSIGNED, deputies=[deputy], leader_id=leader.id,
                department_id=department.id, deadline=date(2025, 4, 1), reply="答复稿")
    db.session.add(item)
    db.session.flush()
    path = upload_dir("attachments") / f"item-matrix{item.id}.docx"
    path.write_bytes(b"PK\x03\x04 test")
    attachment = Attachment(owner_type="item", owner_id=item.id, stored_name=path.name, original_name="来信扫描件.docx",
                            size=9, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    db.session.add(attachment)
    db.session.commit()
    return {"item": item.id, "item_file": attachment.id}
