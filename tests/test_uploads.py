"""Uploads and downloads: the served type is the checked extension's, names cannot break headers, Office files
are checked as packages, and a file too large ends on the form again (or a page that says the limit)."""
import io
import re
import zipfile
from datetime import date

import pytest
from docx import Document
from openpyxl import Workbook
from sqlalchemy import select
from werkzeug.test import EnvironBuilder

from portal.attachments import Attachment
from portal.auth.models import Role
from portal.extensions import db
from portal.items.models import Item, ItemKind, ItemOrigin
from portal.register.models import Deputy
from portal.uploads import upload_dir

PDF = b"%PDF-1.4 test"
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@pytest.fixture
def item(court, make_deputy):
    item = Item(court_id=court.id, number="2025-0001", kind=ItemKind.LETTER, origin=ItemOrigin.RECEPTION,
                received_on=date(2025, 3, 1), title="来信", content="内容", deputies=[make_deputy()])
    db.session.add(item)
    db.session.commit()
    return item


def upload(client, item, data: bytes, name: str, content_type: str | None = None):
    return client.post(f"/items/{item.id}/files", data={"files": (io.BytesIO(data), name, content_type)},
                       content_type="multipart/form-data")


def download(client, item, attachment):
    return client.get(f"/items/{item.id}/files/{attachment.id}/x")


def stored(item, name: str, data: bytes, **kw) -> Attachment:
    """An attachment as an earlier version stored it, with the uploader's name and type as they came."""
    path = upload_dir("attachments") / f"old{item.id}-{len(name)}.pdf"
    path.write_bytes(data)
    attachment = Attachment(owner_type="item", owner_id=item.id, stored_name=path.name, original_name=name,
                            size=len(data), **kw)
    db.session.add(attachment)
    db.session.commit()
    return attachment


def office_file(kind: str) -> bytes:
    out = io.BytesIO()
    if kind == "docx":
        Document().save(out)
    else:
        Workbook().save(out)
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("readme.txt", "not a document")
    return out.getvalue()


def assert_safe_disposition(response, name: str):
    header = response.headers["Content-Disposition"]
    assert not CONTROL.search(header)
    assert header.startswith("attachment; filename=\"") and "filename*=UTF-8''" in header
    from urllib.parse import unquote

    assert unquote(header.split("filename*=UTF-8''")[1]) == name


def test_the_served_type_is_the_checked_extensions_not_the_uploaders_claim(client, login_as, item):
    login_as(Role.LIAISON)
    assert upload(client, item, PDF, "来信.pdf", "text/html").status_code == 303
    attachment = db.session.scalar(select(Attachment).where(Attachment.original_name == "来信.pdf"))
    assert attachment.content_type == "application/pdf"
    response = download(client, item, attachment)
    assert response.status_code == 200 and response.mimetype == "application/pdf" and response.data == PDF
    earlier = stored(item, "旧件.pdf", PDF, content_type="text/html")  # stored as claimed before
    assert download(client, item, earlier).mimetype == "application/pdf"


def test_file_names_lose_control_characters_and_always_download(client, login_as, item):
    login_as(Role.LIAISON)
    assert upload(client, item, PDF, "来信\t扫描\x07件\u202e.pdf").status_code == 303
    attachment = db.session.scalar(select(Attachment))
    assert attachment.original_name == "来信扫描件.pdf"
    response = download(client, item, attachment)
    assert response.status_code == 200
    assert_safe_disposition(response, "来信扫描件.pdf")
    earlier = stored(item, "旧\r\n件\x07.pdf", PDF)
    response = download(client, item, earlier)
    assert response.status_code == 200 and response.data == PDF
    assert_safe_disposition(response, "旧件.pdf")


@pytest.mark.parametrize(("data", "name", "accepted"), [
    (office_file("docx"), "办理报告.docx", True),
    (office_file("xlsx"), "统计表.xlsx", True),
    (plain_zip(), "伪装.docx", False),
    (plain_zip(), "伪装.xlsx", False),
    (office_file("xlsx"), "表格改名.docx", False),
    (office_file("docx"), "文档改名.xlsx", False),
    (b"PK\x03\x04" + b"\x00" * 40, "损坏.docx", False),
], ids=["docx", "xlsx", "zip-as-docx", "zip-as-xlsx", "xlsx-as-docx", "docx-as-xlsx", "broken"])
def test_office_files_are_checked_as_packages(client, login_as, item, data, name, accepted):
    login_as(Role.LIAISON)
    response = upload(client, item, data, name)
    if accepted:
        assert response.status_code == 303
    else:
        assert response.status_code == 422
        message = "文件不是有效的 Word（.docx）文档" if name.endswith(".docx") else "无法读取文件：请上传 Excel 2007"
        assert message in response.get_data(as_text=True)
        assert db.session.scalar(select(Attachment)) is None


def test_control_characters_never_reach_a_deputys_name(client, login_as):
    from tests.test_register import valid_form

    login_as(Role.LIAISON)
    response = client.post("/register/new", data=valid_form(name="赵\x07六\r\n", note="第一行\r\n第二行\x1b"))
    assert response.status_code == 303
    deputy = db.session.scalar(select(Deputy))
    assert deputy.name == "赵六" and deputy.note == "第一行\r\n第二行"


def test_a_name_with_control_characters_stored_earlier_still_downloads(client, login_as, make_deputy):
    deputy = make_deputy(name="钱\n七\r")
    login_as(Role.LIAISON)
    response = client.get(f"/workspace/archive/{deputy.id}.docx")
    assert response.status_code == 200
    header = response.headers["Content-Disposition"]
    assert not CONTROL.search(header) and "%E9%92%B1%E4%B8%83" in header  # 钱七


# --- too large -------------------------------------------------------------------------------------------------

@pytest.fixture
def reception_form(court, make_user, make_deputy):
    leader, liaison = make_user(Role.LEADER), make_user(Role.LIAISON)
    return {"received_at": "2025-03-01T14:30", "channel": "visit", "court_id": str(court.id), "place": "联络之家",
            "deputy_ids": [str(make_deputy().id)], "host_ids": [str(leader.id)], "liaison_officer_id": str(liaison.id),
            "subject": "反映执行难问题", "content": "代表反映的情况原样保留", "requests": "", "handling": "",
            "followup_kind": "suggestion", "followup_title": ""}


def post_big(client, path: str, data: dict, **kw):
    """POST a large multipart body; the test client spools it to a file it never closes, so close it here."""
    request = EnvironBuilder(path=path, method="POST", content_type="multipart/form-data", data=data, **kw)
    environ = request.get_environ()
    try:
        return client.open(environ)
    finally:
        environ["wsgi.input"].close()
        request.close()


def test_a_file_over_the_limit_returns_the_form_with_what_was_typed(client, login_as, reception_form):
    login_as(Role.LIAISON)
    big = PDF + b"0" * (21 * 1024 * 1024)  # over the 20 MB a file may have, within the request's cap
    response = post_big(client, "/reception/new", {**reception_form, "attachments": (io.BytesIO(big), "扫描.pdf")})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "上限为 20 MB" in page and "代表反映的情况原样保留" in page and "反映执行难问题" in page


def test_a_request_over_the_cap_gets_a_page_that_says_the_limit_and_leads_back(client, login_as, reception_form):
    login_as(Role.LIAISON)
    huge = PDF + b"0" * (26 * 1024 * 1024)
    response = post_big(client, "/reception/new", {**reception_form, "attachments": (io.BytesIO(huge), "扫描.pdf")},
                        headers={"Referer": "http://localhost/reception/new"})
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "超过 25 MB 的上限" in page and "单个附件不能超过 20 MB" in page
    assert 'href="http://localhost/reception/new">返回填写页面' in page
