"""Several app servers on one database: nothing one server keeps to itself is needed by another.

Files go to the storage setting (``UPLOAD_STORAGE = "database"`` here: written and removed with their records);
sessions, login throttles and the worker's claims are rows in the database; the secret key is a setting every
server is given. Two real server processes (waitress, as ``make run`` serves) run against the test database.
"""
import io
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import func, select

from portal import uploads
from portal.attachments import Attachment, delete_file
from portal.extensions import db
from portal.items.models import Item, ItemKind, ItemOrigin
from portal.trash import services as trash
from portal.trash.models import DeletedRecord
from portal.uploads import StoredFile
from tests.conftest import DATABASE_URL, PASSWORD

ROOT = Path(__file__).resolve().parents[1]
PDF = b"%PDF-1.4 case file"


@pytest.fixture
def app_config():
    return {"UPLOAD_STORAGE": "database"}


@pytest.fixture
def item(court, make_deputy):
    item = Item(court_id=court.id, number="2025-0001", kind=ItemKind.LETTER, origin=ItemOrigin.RECEPTION,
                received_on=date(2025, 3, 1), title="来信", content="内容", deputies=[make_deputy()])
    db.session.add(item)
    db.session.commit()
    return item


# --- files in the database --------------------------------------------------------------------------------------

def test_an_attachment_is_kept_in_the_database_and_downloads(app, client, login_as, item):
    login_as("liaison")
    folder = Path(app.config["UPLOAD_FOLDER"]) / "attachments"
    before = set(folder.iterdir()) if folder.exists() else set()
    response = client.post(f"/items/{item.id}/files", data={"files": (io.BytesIO(PDF), "卷宗.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code in (200, 303)
    attachment = db.session.scalar(select(Attachment))
    assert db.session.scalar(select(StoredFile.data).where(StoredFile.name == attachment.stored_name)) == PDF
    assert (set(folder.iterdir()) if folder.exists() else set()) == before  # nothing on this server's disk

    download = client.get(f"/items/{item.id}/files/{attachment.id}/x")
    assert download.status_code == 200 and download.data == PDF
    with app.test_request_context(method="POST"):  # deleted, the file waits in the recycle bin; purged, it is gone
        delete_file(db.session.get(Attachment, attachment.id), court_id=item.court_id)
        db.session.commit()
        assert db.session.scalar(select(func.count(StoredFile.id))) == 1
        trash.purge(db.session.scalar(select(DeletedRecord)), None)
        db.session.commit()
    assert db.session.scalar(select(func.count(StoredFile.id))) == 0


def test_a_file_stored_in_a_request_that_rolls_back_is_gone_with_it(app):
    with app.test_request_context():
        name = uploads.store_bytes(PDF, "attachments", ".pdf")
        assert uploads.read("attachments", name) == PDF
        db.session.rollback()
        assert uploads.read("attachments", name) is None


def test_a_stored_import_is_claimed_once_by_concurrent_confirmations(app, make_user):
    """Two confirmations of one register import at the same moment: one imports, the other finds nothing."""
    from werkzeug.datastructures import FileStorage

    from portal.register.imports import claim_upload, store_upload

    with app.test_request_context():
        token = store_upload(FileStorage(io.BytesIO(_workbook()), filename="名册.xlsx"))
        db.session.commit()
    barrier, claimed = threading.Barrier(2), []

    def confirm():
        with app.test_request_context():
            barrier.wait()
            claimed.append(claim_upload(token))
            db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(data is None for data in claimed) == [False, True]


def _workbook() -> bytes:
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def test_the_storage_setting_is_checked_when_the_app_starts():
    from portal import create_app

    with pytest.raises(RuntimeError, match="UPLOAD_STORAGE"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "UPLOAD_STORAGE": "nfs"})


def test_files_kept_in_the_folder_are_copied_into_the_database_once(app, runner, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path))  # only this test's file in the folder
    with app.test_request_context():
        app.config["UPLOAD_STORAGE"] = "folder"
        name = uploads.store_bytes(PDF, "attachments", ".pdf")
        app.config["UPLOAD_STORAGE"] = "database"
        assert uploads.read("attachments", name) is None
    result = runner.invoke(args=["copy-uploads-to-database"])
    assert result.exit_code == 0 and "已将 1 个文件复制到数据库" in result.output, result.output
    assert "已将 0 个文件" in runner.invoke(args=["copy-uploads-to-database"]).output
    with app.test_request_context():
        assert uploads.read("attachments", name) == PDF


# --- two app servers --------------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def two_servers(app):
    """Two waitress processes on one database, each with its own instance folder (nothing shared on disk)."""
    key = secrets.token_hex(16)
    servers, processes = [], []
    for _ in range(2):
        port = _free_port()
        env = {**os.environ, "PORTAL_DATABASE_URL": DATABASE_URL, "PORTAL_SECRET_KEY": key,
               "PORTAL_UPLOAD_STORAGE": "database", "PORTAL_INSTANCE_PATH": tempfile.mkdtemp(prefix="portal-server-")}
        env.pop("PORTAL_TEST_UTC_HOUR", None)
        processes.append(subprocess.Popen([sys.executable, "-m", "waitress", "--listen", f"127.0.0.1:{port}",
                                           "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))
        servers.append(f"http://127.0.0.1:{port}")
    try:
        for base in servers:
            _wait_for(base)
        yield servers
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


def _wait_for(base: str) -> None:
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{base} did not start")


class Browser:
    """One person's cookies, sent to whichever server answers (as behind a load balancer)."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, url: str) -> tuple[int, str, bytes]:
        with self.opener.open(url) as response:
            return response.status, response.url, response.read()

    def post(self, url: str, fields: dict, files: dict | None = None) -> tuple[int, str]:
        if files:
            boundary = secrets.token_hex(8)
            parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                     for k, v in fields.items()]
            for field, (name, data) in files.items():
                parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
                             f'filename="{urllib.parse.quote(name)}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
                             + data + b"\r\n")
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        else:
            body, headers = urllib.parse.urlencode(fields).encode(), {}
        with self.opener.open(urllib.request.Request(url, data=body, headers=headers)) as response:
            return response.status, response.url

    def token(self, url: str) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.get(url)[2].decode()).group(1)


def test_two_servers_share_files_and_sessions(two_servers, make_user, item):
    one, two = two_servers
    liaison = make_user("liaison")
    person = Browser()
    person.post(f"{one}/login", {"csrf_token": person.token(f"{one}/login"), "username": liaison.username,
                                 "password": PASSWORD})
    status, url, page = person.get(f"{two}/items/{item.id}")  # logged in on one, known to the other
    assert status == 200 and "/login" not in url

    person.post(f"{one}/items/{item.id}/files", {"csrf_token": person.token(f"{one}/items/{item.id}")},
                files={"files": ("卷宗.pdf", PDF)})
    db.session.expire_all()
    attachment = db.session.scalar(select(Attachment).where(Attachment.owner_id == item.id))
    assert attachment is not None
    status, _, data = person.get(f"{two}/items/{item.id}/files/{attachment.id}/x")  # uploaded to one, sent by two
    assert status == 200 and data == PDF

    person.post(f"{two}/logout", {"csrf_token": person.token(f"{two}/items/{item.id}")})
    for base in (one, two):  # logged out on both
        assert "/login" in person.get(f"{base}/items/{item.id}")[1]


def test_a_letter_template_uploaded_through_one_server_prints_on_the_other(two_servers, make_user, court):
    """The court's invitation-letter template is a stored file like any other."""
    from portal.hearings.documents import default_template

    one, two = two_servers
    liaison = make_user("liaison")
    person = Browser()
    person.post(f"{one}/login", {"csrf_token": person.token(f"{one}/login"), "username": liaison.username,
                                 "password": PASSWORD})
    template = Document(io.BytesIO(default_template(court.name)))
    template.add_paragraph("本院自定义模板")
    out = io.BytesIO()
    template.save(out)
    person.post(f"{one}/hearings/letter-template", {"csrf_token": person.token(f"{one}/hearings/letter-template")},
                files={"template": ("模板.docx", out.getvalue())})
    status, _, data = person.get(f"{two}/hearings/letter-template.docx")
    assert status == 200
    assert "本院自定义模板" in "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
