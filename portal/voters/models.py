"""Voter-contact activities and mailbox letters, each the deputy's own; ``court_id`` is the court of the deputy's
account when it was recorded. Staff of every court read them, as they read the shared register."""
from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models import LabeledEnum, TimestampMixin, enum_type
from portal.versioning import Versioned

MIN_CONTACTS = 2  # the district congress's rule: at least two voter-contact activities a year
QUARTERS = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


class ContactKind(LabeledEnum):
    """The three kinds of voter contact (联系选民活动)."""

    ASK_DIFFICULTIES = "difficulties", "问难"
    ASK_NEEDS = "needs", "问需"
    ASK_ADVICE = "advice", "问计"


class LetterState(LabeledEnum):
    PENDING = "pending", "待办理"
    HANDLING = "handling", "办理中"
    CLOSED = "closed", "已办结"


class VoterContact(Versioned, TimestampMixin, db.Model):
    __audited__ = True
    __audit_label__ = "联系选民活动"
    __audit_labels__ = {"deputy_id": "代表", "court_id": "法院", "held_on": "活动日期", "kind": "活动形式",
                        "place": "活动地点", "voters": "参加选民人数", "raised": "选民反映的问题和意见"}
    __table_args__ = (Index("ix_voter_contact_deputy_held", "deputy_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deputy_id: Mapped[int] = mapped_column(ForeignKey("deputy.id"))
    court_id: Mapped[int] = mapped_column(ForeignKey("court.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[ContactKind] = mapped_column(enum_type(ContactKind, "contact_kind"))
    place: Mapped[str] = mapped_column(String(100))
    voters: Mapped[int] = mapped_column(Integer)
    raised: Mapped[str] = mapped_column(Text, default="")

    deputy: Mapped["Deputy"] = relationship()  # noqa: F821

    def __str__(self) -> str:
        return f"{self.held_on.isoformat() if self.held_on else ''} {self.kind.label if self.kind else ''} {self.place}"


class VoterLetter(Versioned, TimestampMixin, db.Model):
    __audited__ = True
    __audit_label__ = "代表信箱来信"
    __audit_labels__ = {"deputy_id": "代表", "court_id": "法院", "received_on": "收信日期", "sender": "来信人",
                        "subject": "来信事由", "content": "来信内容", "handling": "办理情况", "outcome": "办理结果",
                        "state": "办理状态", "state_on": "状态日期"}
    __table_args__ = (Index("ix_voter_letter_deputy_received", "deputy_id", "received_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deputy_id: Mapped[int] = mapped_column(ForeignKey("deputy.id"))
    court_id: Mapped[int] = mapped_column(ForeignKey("court.id"), index=True)
    received_on: Mapped[date] = mapped_column(Date)
    sender: Mapped[str] = mapped_column(String(40), default="")  # empty: anonymous (匿名)
    subject: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text, default="")
    handling: Mapped[str] = mapped_column(Text, default="")  # forwarded to which body, or answered
    outcome: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[LetterState] = mapped_column(enum_type(LetterState, "letter_state"), default=LetterState.PENDING)
    state_on: Mapped[date | None] = mapped_column(Date)  # the day the state was last changed

    deputy: Mapped["Deputy"] = relationship()  # noqa: F821

    @property
    def sender_label(self) -> str:
        return self.sender or "匿名"

    def __str__(self) -> str:
        return f"{self.sender_label}：{self.subject}"[:200]
