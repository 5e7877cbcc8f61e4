"""An annual summary of one court (alone or with the courts below it) and year, its sections, and every saved text of
each section.

A section's ``text`` is prose with figure fields in braces, ``{接待人次}`` (see ``portal.summary.fields``); the
numbers themselves live once per summary in ``figures`` (the values of every field, computed from the records "as
of" ``figures_as_of``), so refreshing the figures rewrites that snapshot and never a section's text.
"""
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models import TimestampMixin, UTCDateTime
from portal.versioning import Versioned


class AnnualSummary(TimestampMixin, db.Model):
    __audited__ = True
    __audit_label__ = "年度工作总结"
    __audit_labels__ = {"court_id": "法院", "year": "年度", "with_lower": "含下级法院", "figures_as_of": "数字统计截至",
                        "figures_at": "数字刷新时间", "created_by_id": "创建人"}
    __audit_exclude__ = {"figures"}  # the snapshot is recomputed from the records: its time is audited
    __table_args__ = (UniqueConstraint("court_id", "year", "with_lower", name="uq_annual_summary_court_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    court_id: Mapped[int] = mapped_column(ForeignKey("court.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    with_lower: Mapped[bool] = mapped_column(Boolean, default=False)  # the court and the courts below it
    figures: Mapped[dict] = mapped_column(JSON, default=dict)  # {"values": {field: "22"}, "tables": {key: {...}}}
    figures_as_of: Mapped[date] = mapped_column(Date)
    figures_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    court: Mapped["Court"] = relationship()  # noqa: F821
    sections: Mapped[list["SummarySection"]] = relationship(back_populates="summary", cascade="all, delete-orphan",
                                                            order_by="SummarySection.position")

    def __str__(self) -> str:
        return f"{self.year}年度工作总结"


class SummarySection(Versioned, TimestampMixin, db.Model):
    """One kind of work (来访接待, 旁听庭审 …): its heading and its text with figure fields."""

    __audited__ = True
    __audit_label__ = "工作总结章节"
    __audit_labels__ = {"summary_id": "年度工作总结", "key": "章节", "position": "顺序", "title": "标题", "text": "正文"}
    __table_args__ = (UniqueConstraint("summary_id", "key", name="uq_summary_section_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    summary_id: Mapped[int] = mapped_column(ForeignKey("annual_summary.id"), index=True)
    key: Mapped[str] = mapped_column(String(30))  # a key of portal.summary.drafting.SECTIONS
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text, default="")

    summary: Mapped[AnnualSummary] = relationship(back_populates="sections")
    versions: Mapped[list["SectionVersion"]] = relationship(back_populates="section", cascade="all, delete-orphan",
                                                            order_by="SectionVersion.number.desc()")

    def __str__(self) -> str:
        return self.title


class SectionVersion(db.Model):
    """A section's heading and text as saved once: generated, saved by someone, restored or regenerated."""

    __tablename__ = "summary_section_version"
    __audited__ = True
    __audit_label__ = "工作总结章节版本"
    __audit_labels__ = {"section_id": "章节", "number": "版本号", "title": "标题", "text": "正文", "note": "说明",
                        "saved_by_id": "保存人", "saved_at": "保存时间"}
    __table_args__ = (UniqueConstraint("section_id", "number", name="uq_section_version_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("summary_section.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, 3 … within the section
    title: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(String(50))  # 系统生成, 保存, 恢复第2版, 重新生成
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)

    section: Mapped[SummarySection] = relationship(back_populates="versions")
    saved_by: Mapped["User | None"] = relationship()  # noqa: F821

    def __str__(self) -> str:
        return f"第{self.number}版"
