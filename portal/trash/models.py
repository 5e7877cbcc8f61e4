"""A record in the recycle bin: what it was, the rows it was made of (parent first) and its stored files."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models import UTCDateTime, utcnow


class DeletedRecord(db.Model):
    """One deleted record. ``rows`` is an ordered list of ``{"table": name, "values": {column: JSON value}}``, the
    record's own row first and then its dependent rows in an order they can be inserted in; ``files`` the stored
    uploads (``{"area", "name"}``) kept until the entry is purged."""

    __tablename__ = "deleted_record"
    __audited__ = True
    __audit_label__ = "回收站记录"
    __audit_labels__ = {"court_id": "所属法院", "kind": "记录类型", "label": "记录", "deleted_by_id": "删除人",
                        "deleted_at": "删除时间"}
    __audit_exclude__ = {"rows", "files"}  # the deleted rows are in the trail already, field by field
    __table_args__ = (Index("ix_deleted_record_court_deleted", "court_id", "deleted_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    court_id: Mapped[int | None] = mapped_column(ForeignKey("court.id"))
    kind: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    rows: Mapped[list] = mapped_column(JSON, default=list)
    files: Mapped[list] = mapped_column(JSON, default=list)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    deleted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    deleted_by: Mapped["User | None"] = relationship()  # noqa: F821
    court: Mapped["Court | None"] = relationship()  # noqa: F821

    def __str__(self) -> str:
        return self.label[:200]
