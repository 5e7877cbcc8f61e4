"""Files attached to records (scans, photos, case materials), shared by every feature area.

An attachment belongs to one record, named by ``owner_type`` (the owner's table) and ``owner_id``. The owning
area checks access to its record before it lists or sends the record's files.

A file staff delete goes to the recycle bin (``delete_file``, portal.trash): its row is kept there and its stored
file stays until the bin's entry is purged. ``remove_file`` forgets a file at once, for a file replaced by another
(an issue's new file, a court's new letter template).
"""
from datetime import datetime
from io import BytesIO

from flask import abort, send_file
from flask_login import current_user
from sqlalchemy import ForeignKey, Index, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.datastructures import FileStorage

from portal import uploads
from portal.extensions import db
from portal.models import UTCDateTime, utcnow
from portal.uploads import check_upload, clean_filename, content_disposition, mime_type

AREA = "attachments"
ALLOWED = (".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx")
MAX_BYTES = 20 * 1024 * 1024


class Attachment(db.Model):
    __audited__ = True
    __audit_label__ = "附件"
    __audit_labels__ = {"owner_type": "所属记录类型", "owner_id": "所属记录", "stored_name": "存储文件名",
                        "original_name": "文件名", "content_type": "文件类型", "size": "大小（字节）",
                        "uploaded_by_id": "上传人", "uploaded_at": "上传时间"}
    __table_args__ = (Index("ix_attachment_owner", "owner_type", "owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_type: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[int] = mapped_column(Integer)
    stored_name: Mapped[str] = mapped_column(String(60), unique=True)
    original_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __str__(self) -> str:
        return self.original_name

    @property
    def size_label(self) -> str:
        return f"{self.size / 1048576:.1f} MB" if self.size >= 1048576 else f"{max(1, self.size // 1024)} KB"


def check_files(files: list[FileStorage]) -> list[str]:
    """A Chinese message per unacceptable file, naming the file."""
    problems = []
    for upload in files:
        if upload and upload.filename:
            problem = check_upload(upload, ALLOWED, MAX_BYTES)
            if problem:
                problems.append(f"“{upload.filename}”：{problem}")
    return problems


def save_files(files: list[FileStorage], owner_type: str, owner_id: int) -> list[Attachment]:
    """Store files already passed by ``check_files`` and record them; the caller's request commits."""
    saved = []
    for upload in files:
        if not (upload and upload.filename):
            continue
        upload.stream.seek(0, 2)
        size = upload.stream.tell()
        upload.stream.seek(0)
        stored_name = uploads.store(upload, AREA)
        attachment = Attachment(owner_type=owner_type, owner_id=owner_id, stored_name=stored_name,
                                original_name=clean_filename(upload.filename), size=size,
                                content_type=mime_type(stored_name),  # what the browser claimed is not used
                                uploaded_by_id=current_user.id if current_user.is_authenticated else None)
        db.session.add(attachment)
        saved.append(attachment)
    db.session.flush()
    return saved


def files_of(owner_type: str, owner_ids: list[int]) -> dict[int, list[Attachment]]:
    """Attachments of many records in one query, by owner id."""
    found: dict[int, list[Attachment]] = {owner_id: [] for owner_id in owner_ids}
    if owner_ids:
        query = select(Attachment).where(Attachment.owner_type == owner_type, Attachment.owner_id.in_(owner_ids))
        for attachment in db.session.scalars(query.order_by(Attachment.id)):
            found[attachment.owner_id].append(attachment)
    return found


def get_file(owner_type: str, owner_id: int, attachment_id: int) -> Attachment | None:
    """The attachment ``attachment_id`` if it belongs to that record."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment and attachment.owner_type == owner_type and attachment.owner_id == owner_id:
        return attachment
    return None


def send(attachment: Attachment | None):
    """Send the file under its original name (stored names are generated, never taken from the upload);
    404 when there is no such attachment or its file is gone.

    The type follows the stored name's extension, which was checked against the content on upload. Sent from
    memory (files are at most 20 MB): no file handle stays open when a client stops reading.
    """
    data = uploads.read(AREA, attachment.stored_name) if attachment else None
    if data is None:
        abort(404)
    response = send_file(BytesIO(data), mimetype=mime_type(attachment.stored_name))
    response.headers["Content-Disposition"] = content_disposition(attachment.original_name)
    return response


def delete_file(attachment: Attachment, *, court_id: int | None, record: str = "") -> None:
    """Put an attachment in the recycle bin (``court_id``: its record's court; ``record``: what its record is, for
    the bin's label); the stored file stays until the bin's entry is purged."""
    from portal.trash import services as trash  # the bin's services import the audit trail, which reads models

    label = f"附件：{attachment.original_name}" + (f"（{record}）" if record else "")
    trash.discard(attachment, kind=AREA, label=label, court_id=court_id)


def remove_file(attachment: Attachment) -> None:
    """Forget an attachment at once (a file replaced by another); the stored file is removed after the row."""
    db.session.delete(attachment)
    db.session.flush()
    uploads.remove(AREA, attachment.stored_name)
