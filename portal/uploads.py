"""Uploaded files: checked for size and type, stored under generated names in a folder or in the database.

The original file name is kept by the caller for downloads, cleaned (``clean_filename``); it never becomes a
path (Werkzeug's ``secure_filename`` would turn 人大.docx into "docx"). A file is served with the type of its
checked extension (``MIME_TYPES``), never with the type the uploader's browser claimed.
"""
import re
import secrets
import time
import unicodedata
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from flask import current_app
from sqlalchemy import LargeBinary, String, UniqueConstraint, delete, select
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.datastructures import FileStorage

from portal.extensions import db
from portal.models import UTCDateTime, utcnow
from portal.params import clean_text

# Leading bytes of the file types the portal accepts.
SIGNATURES = {
    ".xlsx": (b"PK\x03\x04",),
    ".docx": (b"PK\x03\x04",),
    ".pptx": (b"PK\x03\x04",),
    ".pdf": (b"%PDF",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}
# Office files are zip packages: the content-type list and the folder of their main part must be inside.
OFFICE_PARTS = {
    ".docx": ("word/", "文件不是有效的 Word（.docx）文档，请用 Word 或 WPS 另存为 .docx 后再上传。"),
    ".xlsx": ("xl/", "无法读取文件：请上传 Excel 2007 及以上版本的 .xlsx 文件。"),
    ".pptx": ("ppt/", "文件不是有效的 PowerPoint（.pptx）演示文稿，请另存为 .pptx 后再上传。"),
}
MIME_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
NAME_LIMIT = 200


def mime_type(name: str) -> str:
    """The type a file of this (checked) extension is served as."""
    return MIME_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")


def clean_filename(name: str | None, limit: int = NAME_LIMIT) -> str:
    """A file name fit to store and to send: no control characters, no folders, at most ``limit`` characters
    (the extension kept), never empty."""
    name = clean_text(name or "").replace("/", "_").replace("\\", "_").strip(" .")
    suffix = Path(name).suffix if len(Path(name).suffix) <= 10 else ""
    stem = name[:len(name) - len(suffix)].strip(" .")[:limit - len(suffix)]
    return (stem or "文件") + suffix


def content_disposition(name: str) -> str:
    """``attachment`` with the name as RFC 6266/5987 ``filename*`` (UTF-8) and a plain ASCII ``filename`` for
    old clients; nothing in it can break the header."""
    name = clean_filename(name)
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r"[^A-Za-z0-9._()-]+", "_", ascii_name).strip("_")
    if not ascii_name or ascii_name.startswith("."):  # 人大.docx: keep something before the extension
        ascii_name = "download" + ascii_name
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def _is_office_package(upload: FileStorage, suffix: str) -> bool:
    try:
        with zipfile.ZipFile(upload.stream) as package:
            names = package.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.stream.seek(0)
    return "[Content_Types].xml" in names and any(n.startswith(OFFICE_PARTS[suffix][0]) for n in names)


def check_upload(upload: FileStorage | None, allowed: tuple[str, ...], max_bytes: int) -> str | None:
    """Why ``upload`` cannot be accepted, in Chinese, or None."""
    if upload is None or not upload.filename:
        return "请选择要上传的文件。"
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in allowed:
        return f"不支持的文件类型“{suffix or '无扩展名'}”，请上传 {'、'.join(allowed)} 文件。"
    head = upload.stream.read(16)
    upload.stream.seek(0, 2)
    size = upload.stream.tell()
    upload.stream.seek(0)
    if size == 0:
        return "文件是空的。"
    if size > max_bytes:
        return f"文件太大（{size / 1048576:.1f} MB），上限为 {max_bytes / 1048576:.0f} MB。"
    if not any(head.startswith(signature) for signature in SIGNATURES.get(suffix, (b"",))):
        return f"文件内容与扩展名“{suffix}”不符，请确认文件未损坏。"
    if suffix in OFFICE_PARTS and not _is_office_package(upload, suffix):
        return OFFICE_PARTS[suffix][1]
    return None


# --- where stored files live -------------------------------------------------------------------------------------
#
# ``UPLOAD_STORAGE`` = "folder" (the default): files under ``UPLOAD_FOLDER`` (instance/uploads), which several app
# servers share only if it is a shared folder (NFS, SMB) mounted at the same place on each. "database": files in
# the ``stored_file`` table, so every app server on one PostgreSQL has them with nothing else to share, a file is
# written or removed in the same transaction as its record, and a database backup holds them.
# Names are generated here (32 hex digits and the extension), never taken from the upload.

STORAGES = ("folder", "database")


class StoredFile(db.Model):
    """A file kept in the database (``UPLOAD_STORAGE = "database"``)."""

    __table_args__ = (UniqueConstraint("area", "name", name="uq_stored_file_area_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(60))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def _in_database() -> bool:
    return current_app.config.get("UPLOAD_STORAGE", "folder") == "database"


def upload_dir(area: str) -> Path:
    """The folder of ``area``'s files in folder storage."""
    path = Path(current_app.config["UPLOAD_FOLDER"]) / area
    path.mkdir(parents=True, exist_ok=True)
    return path


def _folder_path(area: str, name: str) -> Path | None:
    """The path of a stored file, or None when the name is not one we generate or the file is gone."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    path = upload_dir(area) / name
    return path if path.is_file() else None


def store(upload: FileStorage, area: str) -> str:
    """Keep ``upload`` under a generated name in ``area``; returns that name."""
    return store_bytes(upload.stream.read(), area, Path(upload.filename).suffix.lower())


def store_bytes(data: bytes, area: str, suffix: str) -> str:
    name = secrets.token_hex(16) + suffix
    if _in_database():
        db.session.add(StoredFile(area=area, name=name, data=data))
        db.session.flush()
    else:
        (upload_dir(area) / name).write_bytes(data)
    return name


def read(area: str, name: str) -> bytes | None:
    """A stored file's content, or None when there is no such file."""
    if _in_database():
        return db.session.scalar(select(StoredFile.data).where(StoredFile.area == area, StoredFile.name == name))
    path = _folder_path(area, name)
    return path.read_bytes() if path else None


def remove(area: str, name: str) -> None:
    """Forget a stored file (in the database: when the request commits)."""
    if _in_database():
        db.session.execute(delete(StoredFile).where(StoredFile.area == area, StoredFile.name == name))
    elif path := _folder_path(area, name):
        path.unlink(missing_ok=True)


def claim(area: str, name: str) -> bytes | None:
    """Read a stored file and take it away in one step: of two requests claiming it at once, one gets it."""
    if _in_database():
        data = read(area, name)
        taken = db.session.execute(delete(StoredFile).where(StoredFile.area == area, StoredFile.name == name))
        return data if data is not None and taken.rowcount == 1 else None  # the other one deleted nothing
    path = _folder_path(area, name)
    if path is None:
        return None
    claimed = path.with_suffix(".claimed")
    try:
        path.rename(claimed)  # atomic: only one request wins
    except FileNotFoundError:
        return None
    data = claimed.read_bytes()
    claimed.unlink(missing_ok=True)
    return data


def remove_older(area: str, seconds: int) -> None:
    """Forget ``area``'s files stored more than ``seconds`` ago (uploads waiting for a step never taken)."""
    if _in_database():
        cutoff = utcnow() - timedelta(seconds=seconds)
        db.session.execute(delete(StoredFile).where(StoredFile.area == area, StoredFile.created_at < cutoff))
        return
    cutoff = time.time() - seconds
    for path in upload_dir(area).iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def copy_folder_to_database() -> int:
    """Copy the files of folder storage into the database (before switching ``UPLOAD_STORAGE`` to "database");
    files already there are skipped, so it can run again. The number copied; the caller commits."""
    root = Path(current_app.config["UPLOAD_FOLDER"])
    present = set(db.session.execute(select(StoredFile.area, StoredFile.name)).tuples())
    copied = 0
    for path in sorted(root.glob("*/*")):
        area, name = path.parent.name, path.name
        if path.is_file() and not name.endswith(".claimed") and (area, name) not in present:
            db.session.add(StoredFile(area=area, name=name, data=path.read_bytes()))
            copied += 1
    db.session.flush()
    return copied
