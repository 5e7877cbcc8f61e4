"""Uploaded files: checked for size and type, stored under generated names in ``instance/uploads``.

The original file name is kept by the caller for downloads; it never becomes a path (Werkzeug's
``secure_filename`` would turn 人大.docx into "docx").
"""
import secrets
from pathlib import Path

from flask import current_app
from werkzeug.datastructures import FileStorage

# Leading bytes of the file types the portal accepts.
SIGNATURES = {
    ".xlsx": (b"PK\x03\x04",),
    ".docx": (b"PK\x03\x04",),
    ".pdf": (b"%PDF",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}


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
    return None


def upload_dir(area: str) -> Path:
    path = Path(current_app.config["UPLOAD_FOLDER"]) / area
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(upload: FileStorage, area: str) -> str:
    """Save ``upload`` under a generated name in ``uploads/<area>``; returns that name."""
    name = secrets.token_hex(16) + Path(upload.filename).suffix.lower()
    upload.save(upload_dir(area) / name)
    return name


def stored_path(area: str, name: str) -> Path | None:
    """The path of a stored file, or None when the name is not one we generate or the file is gone."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    path = upload_dir(area) / name
    return path if path.is_file() else None
