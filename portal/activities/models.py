"""Liaison activities, the deputies and court staff who took part, and the opinions the deputies gave.

人次 (person-times) counts each person each activity, as the reception log counts visits: every registered
deputy linked to the activity, plus every named participant who is not in the register (``other_participants``,
counted into ``other_count`` when saved). Court staff are not counted: 人次 measures the deputies reached.
"""
from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models import LabeledEnum, TimestampMixin, enum_type
from portal.versioning import Versioned


class ActivityKind(LabeledEnum):
    """The kinds of liaison activity the courts record (活动类型)."""

    VISIT = "visit", "走访"
    INSPECTION = "inspection", "视察"
    FORUM = "forum", "座谈会"
    REVIEW = "review", "评议"
    PAIRING = "pairing", "结对联络"
    HOLIDAY = "holiday", "节日走访"
    BRIEFING = "briefing", "通报会"
    ENFORCEMENT = "enforcement", "执行监督"


class Activity(Versioned, TimestampMixin, db.Model):
    __audited__ = True
    __audit_label__ = "联络活动"
    __audit_labels__ = {"court_id": "组织法院", "held_on": "活动日期", "kind": "活动类型", "title": "活动主题",
                        "place": "活动地点", "other_participants": "其他参加人员", "content": "活动内容",
                        "created_by_id": "登记人"}
    __audit_exclude__ = {"other_count"}
    __table_args__ = (Index("ix_activity_court_held", "court_id", "held_on", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    court_id: Mapped[int] = mapped_column(ForeignKey("court.id"))
    held_on: Mapped[date] = mapped_column(Date)  # may lie ahead: activities are planned too
    kind: Mapped[ActivityKind] = mapped_column(enum_type(ActivityKind, "activity_kind"))
    title: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(100), default="")
    other_participants: Mapped[str] = mapped_column(String(200), default="")  # names not in the register, "、"
    other_count: Mapped[int] = mapped_column(Integer, default=0)  # how many names other_participants holds
    content: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    court: Mapped["Court"] = relationship()  # noqa: F821
    created_by: Mapped["User | None"] = relationship(foreign_keys=[created_by_id])  # noqa: F821
    deputy_links: Mapped[list["ActivityDeputy"]] = relationship(back_populates="activity",
                                                                cascade="all, delete-orphan")
    staff_links: Mapped[list["ActivityStaff"]] = relationship(back_populates="activity", cascade="all, delete-orphan")
    opinions: Mapped[list["ActivityOpinion"]] = relationship(back_populates="activity", cascade="all, delete-orphan",
                                                             order_by="ActivityOpinion.id")
    deputies: Mapped[list["Deputy"]] = relationship(  # noqa: F821
        secondary="activity_deputy", order_by="Deputy.name_pinyin", viewonly=True)
    staff: Mapped[list["User"]] = relationship(  # noqa: F821
        secondary="activity_staff", order_by="User.id", viewonly=True)

    def __str__(self) -> str:
        return f"{self.kind.label if self.kind else ''}：{self.title}"[:200]

    @property
    def other_names(self) -> list[str]:
        return [n for n in self.other_participants.split("、") if n]

    @property
    def person_count(self) -> int:
        """人次 of this activity: registered deputies plus named other participants."""
        return len(self.deputy_links) + self.other_count


class ActivityDeputy(db.Model):
    """A deputy or member who took part in an activity; each row is one 人次."""

    __audited__ = True
    __audit_label__ = "参加活动代表委员"
    __audit_labels__ = {"activity_id": "联络活动", "deputy_id": "代表委员"}
    __tablename__ = "activity_deputy"

    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True)
    deputy_id: Mapped[int] = mapped_column(ForeignKey("deputy.id"), primary_key=True, index=True)

    activity: Mapped[Activity] = relationship(back_populates="deputy_links")
    deputy: Mapped["Deputy"] = relationship(lazy="joined")  # noqa: F821 - named in the audit summary

    def __str__(self) -> str:
        return f"联络活动 {self.activity_id}：{self.deputy.name if self.deputy else self.deputy_id}"


class ActivityStaff(db.Model):
    """A leader or staff member of the court who took part (院方参加人员)."""

    __audited__ = True
    __audit_label__ = "院方参加人员"
    __audit_labels__ = {"activity_id": "联络活动", "user_id": "参加人员"}
    __tablename__ = "activity_staff"

    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True, index=True)

    activity: Mapped[Activity] = relationship(back_populates="staff_links")
    user: Mapped["User"] = relationship(lazy="joined")  # noqa: F821 - named in the audit summary

    def __str__(self) -> str:
        return f"联络活动 {self.activity_id}：{self.user.display_name if self.user else self.user_id}"


class ActivityOpinion(db.Model):
    """An opinion or suggestion (意见建议) a deputy gave during the activity; ``item_id`` is the tracked item it
    became, if it did."""

    __audited__ = True
    __audit_label__ = "活动意见建议"
    __audit_labels__ = {"activity_id": "联络活动", "deputy_id": "提出人", "text": "意见建议", "item_id": "跟踪事项",
                        "recorded_by_id": "记录人"}
    __tablename__ = "activity_opinion"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    deputy_id: Mapped[int] = mapped_column(ForeignKey("deputy.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"), index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    activity: Mapped[Activity] = relationship(back_populates="opinions")
    deputy: Mapped["Deputy"] = relationship(lazy="joined")  # noqa: F821
    item: Mapped["Item | None"] = relationship()  # noqa: F821

    def __str__(self) -> str:
        return f"{self.deputy.name if self.deputy else self.deputy_id}：{self.text}"[:200]
