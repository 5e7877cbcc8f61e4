"""Hearings deputies are invited to, their invitations, the post-hearing forum's opinions and the rating forms."""
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.casenumber import CaseType  # noqa: F401 - the hearing's case type is the 案号's
from portal.extensions import db
from portal.models import LabeledEnum, TimestampMixin, UTCDateTime, enum_type, utcnow
from portal.versioning import Versioned


class HearingStatus(LabeledEnum):
    SCHEDULED = "scheduled", "已排期"
    ADJOURNED = "adjourned", "延期审理"
    MOVED = "moved", "已改期"
    HELD = "held", "已开庭"
    CANCELLED = "cancelled", "已取消"


# A change to one of these statuses (or of the time) must be told to every invitee still expecting to come.
NOTICE_STATUSES = (HearingStatus.ADJOURNED, HearingStatus.MOVED, HearingStatus.CANCELLED)


class InvitationStatus(LabeledEnum):
    INVITED = "invited", "待答复"
    ACCEPTED = "accepted", "已接受"
    DECLINED = "declined", "已谢绝"
    ATTENDED = "attended", "已出席"
    ABSENT = "absent", "缺席"


# Invitees who expect to come and must hear of a change.
EXPECTING = (InvitationStatus.INVITED, InvitationStatus.ACCEPTED)


class InviteMethod(LabeledEnum):
    MANUAL = "manual", "人工选定"
    DRAW = "draw", "随机抽选"


class Hearing(Versioned, TimestampMixin, db.Model):
    __tablename__ = "hearing"
    __audited__ = True
    __audit_label__ = "旁听庭审"
    __audit_labels__ = {"court_id": "审理法院", "case_number": "案号", "cause": "案由", "case_type": "案件类型",
                        "department_id": "承办部门", "presiding_judge": "审判长", "court_room": "法庭",
                        "starts_at": "开庭时间", "ends_at": "结束时间", "invite_reason": "邀请事由", "public": "公开审理",
                        "status": "庭审状态", "change_note": "变更说明", "original_starts_at": "原定开庭时间",
                        "scheduled_by_id": "登记人", "forum_on": "座谈日期", "forum_place": "座谈地点",
                        "forum_speakers": "法院参加人员", "forum_summary": "座谈纪要"}
    __table_args__ = (
        Index("ix_hearing_court_start", "court_id", "starts_at", "id"),
        Index("ix_hearing_start", "starts_at", "id"),
        Index("ix_hearing_case_number", "case_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    court_id: Mapped[int] = mapped_column(ForeignKey("court.id"))
    case_number: Mapped[str] = mapped_column(String(60))  # 案号, normalised to full-width brackets
    cause: Mapped[str] = mapped_column(String(100))  # 案由
    case_type: Mapped[CaseType] = mapped_column(enum_type(CaseType, "hearing_case_type"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    presiding_judge: Mapped[str] = mapped_column(String(40))
    court_room: Mapped[str] = mapped_column(String(60))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    invite_reason: Mapped[str] = mapped_column(Text, default="")  # why deputies are invited
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[HearingStatus] = mapped_column(enum_type(HearingStatus, "hearing_status"),
                                                  default=HearingStatus.SCHEDULED)
    change_note: Mapped[str] = mapped_column(Text, default="")  # why it was adjourned, moved or cancelled
    original_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the time first announced
    scheduled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    # 庭后座谈: the forum held after the hearing.
    forum_on: Mapped[date | None] = mapped_column(Date)
    forum_place: Mapped[str] = mapped_column(String(100), default="")
    forum_speakers: Mapped[str] = mapped_column(Text, default="")  # who spoke for the court
    forum_summary: Mapped[str] = mapped_column(Text, default="")

    court: Mapped["Court"] = relationship()  # noqa: F821
    department: Mapped["Department | None"] = relationship()  # noqa: F821
    invitations: Mapped[list["HearingInvitation"]] = relationship(back_populates="hearing",
                                                                  cascade="all, delete-orphan")

    def __str__(self) -> str:
        return f"{self.case_number} {self.cause}"[:200]

    @property
    def changed(self) -> bool:
        """Adjourned, moved or cancelled: invitees must hear of it."""
        return self.status in NOTICE_STATUSES


class HearingInvitation(TimestampMixin, db.Model):
    __tablename__ = "hearing_invitation"
    __audited__ = True
    __audit_label__ = "旁听邀请"
    __audit_labels__ = {"hearing_id": "庭审", "deputy_id": "代表委员", "status": "邀请状态", "invite_method": "邀请方式",
                        "draw_reason": "抽选理由", "invited_by_id": "邀请人", "invited_at": "邀请时间",
                        "answered_at": "答复时间", "answered_by_staff": "联络员代为登记", "decline_reason": "谢绝理由",
                        "reminded_at": "提醒时间", "reminded_by_id": "提醒人", "needs_notice": "需通知变更",
                        "notified_at": "通知时间", "checked_in_at": "签到时间", "checked_in_by_id": "签到登记人",
                        "joined_mediation": "参与调解", "mediation_note": "调解情况"}
    __table_args__ = (
        UniqueConstraint("hearing_id", "deputy_id"),
        Index("ix_hearing_invitation_deputy", "deputy_id", "status"),
        Index("ix_hearing_invitation_hearing_status", "hearing_id", "status"),  # the figures count from the index
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("hearing.id", ondelete="CASCADE"))
    deputy_id: Mapped[int] = mapped_column(ForeignKey("deputy.id"))
    status: Mapped[InvitationStatus] = mapped_column(enum_type(InvitationStatus, "hearing_invitation_status"),
                                                     default=InvitationStatus.INVITED)
    invite_method: Mapped[InviteMethod] = mapped_column(enum_type(InviteMethod, "hearing_invite_method"),
                                                        default=InviteMethod.MANUAL)
    draw_reason: Mapped[str] = mapped_column(String(120), default="")  # why the fair draw chose them
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_staff: Mapped[bool] = mapped_column(Boolean, default=False)  # recorded by staff (by phone)
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    needs_notice: Mapped[bool] = mapped_column(Boolean, default=False)  # the hearing changed since they heard
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    joined_mediation: Mapped[bool] = mapped_column(Boolean, default=False)  # 参与庭后调解
    mediation_note: Mapped[str] = mapped_column(Text, default="")

    hearing: Mapped[Hearing] = relationship(back_populates="invitations")
    deputy: Mapped["Deputy"] = relationship()  # noqa: F821
    invited_by: Mapped["User | None"] = relationship(foreign_keys=[invited_by_id])  # noqa: F821
    rating: Mapped["HearingRating | None"] = relationship(back_populates="invitation", uselist=False,
                                                          cascade="all, delete-orphan")

    def __str__(self) -> str:
        return f"{self.deputy.name if self.deputy else self.deputy_id} · {self.hearing}"[:200]


class HearingOpinion(TimestampMixin, db.Model):
    """One deputy's opinion at the forum (庭后座谈发言); it may become a tracked item (origin HEARING, origin_id = id)."""

    __tablename__ = "hearing_opinion"
    __audited__ = True
    __audit_label__ = "座谈意见"
    __audit_labels__ = {"hearing_id": "庭审", "deputy_id": "代表委员", "opinion": "意见建议", "recorded_by_id": "登记人"}

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("hearing.id", ondelete="CASCADE"), index=True)
    deputy_id: Mapped[int] = mapped_column(ForeignKey("deputy.id"), index=True)
    opinion: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    hearing: Mapped[Hearing] = relationship()
    deputy: Mapped["Deputy"] = relationship()  # noqa: F821

    def __str__(self) -> str:
        return f"{self.deputy.name if self.deputy else self.deputy_id}：{self.opinion}"[:200]


SCORE_FIELDS = (
    ("score_procedure", "庭审程序"),
    ("score_conduct", "法官言行举止"),
    ("score_control", "庭审驾驭"),
    ("score_law", "法律适用"),
    ("score_language", "庭审语言"),
    ("score_overall", "总体评价"),
)
LOW_SCORE = 2  # a score at or below this offers "转为督办件"


class HearingRating(TimestampMixin, db.Model):
    """庭审点评表: one per attending invitee, filled in the portal or entered by staff from the paper form."""

    __tablename__ = "hearing_rating"
    __audited__ = True
    __audit_label__ = "庭审点评"
    __audit_labels__ = {"invitation_id": "旁听邀请", "score_procedure": "庭审程序", "score_conduct": "法官言行举止",
                        "score_control": "庭审驾驭", "score_law": "法律适用", "score_language": "庭审语言",
                        "score_overall": "总体评价", "review_comment": "点评意见", "entered_by_id": "录入人",
                        "entered_by_staff": "据纸质表录入", "low_score_item_id": "督办件"}
    __table_args__ = tuple(CheckConstraint(f"{name} BETWEEN 1 AND 5", name=f"{name}_range")
                           for name, _ in SCORE_FIELDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("hearing_invitation.id", ondelete="CASCADE"), unique=True)
    score_procedure: Mapped[int] = mapped_column(SmallInteger)
    score_conduct: Mapped[int] = mapped_column(SmallInteger)
    score_control: Mapped[int] = mapped_column(SmallInteger)
    score_law: Mapped[int] = mapped_column(SmallInteger)
    score_language: Mapped[int] = mapped_column(SmallInteger)
    score_overall: Mapped[int] = mapped_column(SmallInteger)
    review_comment: Mapped[str] = mapped_column(Text, default="")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    entered_by_staff: Mapped[bool] = mapped_column(Boolean, default=False)  # from the paper form
    low_score_item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id", ondelete="SET NULL"))

    invitation: Mapped[HearingInvitation] = relationship(back_populates="rating")
    entered_by: Mapped["User | None"] = relationship(foreign_keys=[entered_by_id])  # noqa: F821
    low_score_item: Mapped["Item | None"] = relationship()  # noqa: F821

    def __str__(self) -> str:
        return f"点评 #{self.invitation_id}：总体 {self.score_overall} 分"

    @property
    def scores(self) -> list[tuple[str, str, int]]:
        return [(name, label, getattr(self, name)) for name, label in SCORE_FIELDS]

    @property
    def lowest(self) -> int:
        return min(getattr(self, name) for name, _ in SCORE_FIELDS)

    @property
    def is_low(self) -> bool:
        return self.lowest <= LOW_SCORE

