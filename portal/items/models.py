"""Tracked items (建议、来信、关注案件、交办督办件): every one registered, instructed, assigned, answered, rated.

Receptions, hearing forums and liaison activities create items through ``services.create_item`` and find them
again by ``origin`` and ``origin_id``.
"""
from datetime import date, datetime

from sqlalchemy import (
    Column,
    Computed,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models import LabeledEnum, TimestampMixin, UTCDateTime, enum_type, utcnow
from portal.versioning import Versioned

TEXT_LIMIT = 5000  # the longest free text (content, reply, opinions, notes) an item takes


class ItemKind(LabeledEnum):
    SUGGESTION = "suggestion", "代表建议"
    PROPOSAL = "proposal", "委员提案"
    LETTER = "letter", "来信"
    CONCERNED_CASE = "concerned_case", "关注案件"
    REFERRAL = "referral", "交办件"


class ItemOrigin(LabeledEnum):
    """How the item came to the court; ``origin_id`` names the record it came from, where there is one."""

    RECEPTION = "reception", "来访接待"
    HEARING = "hearing", "庭审座谈"
    ACTIVITY = "activity", "联络活动"
    MAILBOX = "mailbox", "代表信箱"
    REFERRAL = "referral", "上级交办"
    PORTAL = "portal", "网上提交"
    DUTY = "duty", "述职评议"
    SURVEY = "survey", "民意测评"
    OTHER = "other", "其他"


class ItemState(LabeledEnum):
    """The workflow, in order. ``workflow.TRANSITIONS`` says which step may follow which."""

    REGISTERED = "registered", "已登记"
    INSTRUCTED = "instructed", "已批示"
    ASSIGNED = "assigned", "已交办"
    IN_PROGRESS = "in_progress", "办理中"
    REPLY_DRAFTED = "reply_drafted", "答复已起草"
    REPLY_HEARD = "reply_heard", "已听取意见"
    ANSWERED = "answered", "已答复"
    RATED = "rated", "已评价"
    CLOSED = "closed", "已办结"

    @property
    def rank(self) -> int:
        return list(ItemState).index(self)


# States in which an item is still owed a reply, and so is supervised against its deadline.
SUPERVISED = (ItemState.REGISTERED, ItemState.INSTRUCTED, ItemState.ASSIGNED, ItemState.IN_PROGRESS,
              ItemState.REPLY_DRAFTED, ItemState.REPLY_HEARD)
# ``Item.supervised_due``, computed by the database itself on every insert and update (bulk ones too): the date
# an item still owed a reply is supervised against, NULL once answered. Migration 0023 adds it with this text.
SUPERVISED_DUE_SQL = ("CASE WHEN state IN (" + ", ".join(f"'{s.value}'" for s in SUPERVISED) + ") "
                      "THEN coalesce(deadline, proposal_due) END")


class Rating(LabeledEnum):
    SATISFIED = "satisfied", "满意"
    BASICALLY = "basically", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


item_deputy = Table(
    "item_deputy",
    db.metadata,
    Column("item_id", ForeignKey("item.id", ondelete="CASCADE"), primary_key=True),
    Column("deputy_id", ForeignKey("deputy.id"), primary_key=True, index=True),
)


class Item(Versioned, TimestampMixin, db.Model):
    __audited__ = True
    __audit_label__ = "交办督办件"
    __audit_labels__ = {"court_id": "所属法院", "number": "登记编号", "kind": "类别", "origin": "来件方式",
                        "origin_id": "来源记录", "source_body": "交办机关", "received_on": "收件日期",
                        "proposal_due": "拟办期限", "title": "标题", "content": "内容", "case_number": "相关案号",
                        "state": "办理状态", "round": "办理轮次", "instruction": "领导批示", "instructed_by_id": "批示领导",
                        "instructed_at": "批示时间", "leader_id": "责任领导", "department_id": "承办部门",
                        "handler_id": "承办人", "assigned_at": "交办时间", "deadline": "办理期限", "reply": "答复",
                        "reply_heard_note": "代表委员对答复稿的意见", "reply_heard_at": "听取意见时间", "answered_at": "答复时间",
                        "answered_on": "答复日期", "rating": "评价", "rating_comment": "评价意见", "rated_at": "评价时间",
                        "closed_at": "办结时间", "escalated_at": "超期升级时间", "panel_opinion": "合议庭意见",
                        "division_opinion": "庭长意见", "vice_president_opinion": "分管副院长意见",
                        "division_signed_by_id": "庭长签署人", "division_signed_at": "庭长签署时间",
                        "vice_president_signed_by_id": "分管副院长签署人", "vice_president_signed_at": "分管副院长签署时间",
                        "created_by_id": "登记人"}
    __table_args__ = (
        UniqueConstraint("court_id", "number"),
        Index("ix_item_origin", "origin", "origin_id", "state"),  # state: open follow-ups counted from the index
        Index("ix_item_court_state", "court_id", "state"),
        Index("ix_item_received", "received_on", "id"),
        # the supervision counts, the queue's flagged items and the board's deadline filter (supervision.py)
        Index("ix_item_supervised_due", "supervised_due", "court_id", "state"),
        # the figures (受理、办结、按期、超期、满意 by court, kind and department) read from the index alone
        Index("ix_item_figures", "received_on", "court_id", "kind", "department_id", "closed_at", "answered_on",
              "deadline", "rating", "rated_at"),
        Index("ix_item_closed", "closed_at", "court_id"),  # the figures' month-by-month 办结 trend
    )
    __audit_exclude__ = {"supervised_due"}  # the database computes it from the state and the deadlines

    id: Mapped[int] = mapped_column(primary_key=True)
    court_id: Mapped[int] = mapped_column(ForeignKey("court.id"), index=True)
    number: Mapped[str] = mapped_column(String(40))  # 登记编号, e.g. YLZY-2025-0012: the court's code, year, sequence
    kind: Mapped[ItemKind] = mapped_column(enum_type(ItemKind, "item_kind"))
    origin: Mapped[ItemOrigin] = mapped_column(enum_type(ItemOrigin, "item_origin"), default=ItemOrigin.OTHER)
    origin_id: Mapped[int | None] = mapped_column(Integer)
    source_body: Mapped[str] = mapped_column(String(100), default="")  # the body that referred it, if any
    received_on: Mapped[date] = mapped_column(Date)
    proposal_due: Mapped[date | None] = mapped_column(Date)  # letters: the proposed handling (拟办) is due by then
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text, default="")
    case_number: Mapped[str] = mapped_column(String(60), default="")
    state: Mapped[ItemState] = mapped_column(enum_type(ItemState, "item_state"), default=ItemState.REGISTERED)
    round: Mapped[int] = mapped_column(Integer, default=1)  # 2 after an unsatisfied rating reopened it

    instruction: Mapped[str] = mapped_column(Text, default="")  # 领导批示
    instructed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    instructed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)  # responsible leader
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deadline: Mapped[date | None] = mapped_column(Date, index=True)

    reply: Mapped[str] = mapped_column(Text, default="")  # 答复 (draft until answered)
    reply_heard_note: Mapped[str] = mapped_column(Text, default="")  # what the deputy said on hearing the draft
    reply_heard_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_on: Mapped[date | None] = mapped_column(Date)  # the local day of answered_at, for on-time figures in SQL
    rating: Mapped[Rating | None] = mapped_column(enum_type(Rating, "item_rating"))  # the round's, see ItemRating
    rating_comment: Mapped[str] = mapped_column(Text, default="")
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # overdue, shown to the leaders (per round)
    # the due date while the item is owed a reply (``due_on`` in a SUPERVISED state), else NULL: generated by the
    # database, never written by the portal; what the deadline filters compare, through ix_item_supervised_due
    supervised_due: Mapped[date | None] = mapped_column(Date, Computed(SUPERVISED_DUE_SQL))

    # Concerned cases (关注案件): three levels answer for it, and the report needs two sign-offs.
    panel_opinion: Mapped[str] = mapped_column(Text, default="")  # 合议庭
    division_opinion: Mapped[str] = mapped_column(Text, default="")  # 庭长
    vice_president_opinion: Mapped[str] = mapped_column(Text, default="")  # 分管副院长
    division_signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    division_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    vice_president_signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    vice_president_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    court: Mapped["Court"] = relationship()  # noqa: F821
    deputies: Mapped[list["Deputy"]] = relationship(secondary=item_deputy, order_by="Deputy.name_pinyin")  # noqa: F821
    department: Mapped["Department | None"] = relationship()  # noqa: F821
    handler: Mapped["User | None"] = relationship(foreign_keys=[handler_id])  # noqa: F821
    leader: Mapped["User | None"] = relationship(foreign_keys=[leader_id])  # noqa: F821
    instructed_by: Mapped["User | None"] = relationship(foreign_keys=[instructed_by_id])  # noqa: F821
    division_signed_by: Mapped["User | None"] = relationship(foreign_keys=[division_signed_by_id])  # noqa: F821
    vice_president_signed_by: Mapped["User | None"] = relationship(  # noqa: F821
        foreign_keys=[vice_president_signed_by_id])

    def __str__(self) -> str:
        return f"{self.number} {self.title}"[:200]

    @property
    def is_open(self) -> bool:
        return self.state != ItemState.CLOSED

    @property
    def due_on(self) -> date | None:
        """The date the item is supervised against: the reply deadline, or a letter's proposed-handling date."""
        return self.deadline or self.proposal_due

    @property
    def is_concerned_case(self) -> bool:
        return self.kind == ItemKind.CONCERNED_CASE


class ItemCounter(db.Model):
    """The last 登记编号 sequence given in a court's year: incremented in the registering transaction, so two
    registrations at the same moment wait for each other instead of taking the same number."""

    court_id: Mapped[int] = mapped_column(ForeignKey("court.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class ItemRating(db.Model):
    """One deputy's rating of one round's reply. Co-proposers each rate; ``Item.rating`` is the round's result."""

    __audited__ = True
    __audit_label__ = "代表委员评价"
    __audit_labels__ = {"item_id": "事项", "deputy_id": "代表委员", "round": "办理轮次", "rating": "评价",
                        "comment": "评价意见", "rated_at": "评价日期", "recorded_by_id": "录入人"}
    __table_args__ = (UniqueConstraint("item_id", "deputy_id", "round"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    deputy_id: Mapped[int] = mapped_column(ForeignKey("deputy.id"))
    round: Mapped[int] = mapped_column(Integer)
    rating: Mapped[Rating] = mapped_column(enum_type(Rating, "item_deputy_rating"))
    comment: Mapped[str] = mapped_column(Text, default="")
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    deputy: Mapped["Deputy"] = relationship()  # noqa: F821

    def __str__(self) -> str:
        return f"{self.rating.label} #{self.item_id}"


class ItemEvent(db.Model):
    """The item's history: every step, progress note and reminder, in order."""

    __audited__ = True
    __audit_label__ = "办理记录"
    __audit_labels__ = {"item_id": "事项", "at": "时间", "user_id": "经办人", "action": "操作", "from_state": "原状态",
                        "to_state": "新状态", "note": "说明"}
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(String(30))  # register, instruct, assign, progress, remind, rate, …
    from_state: Mapped[str] = mapped_column(String(20), default="")
    to_state: Mapped[str] = mapped_column(String(20), default="")
    note: Mapped[str] = mapped_column(Text, default="")

    user: Mapped["User | None"] = relationship()  # noqa: F821

    def __str__(self) -> str:
        return f"{self.action} #{self.item_id}"


class ItemContact(db.Model):
    """过问留痕: a contact about a pending concerned case — who, when, how, what was said or asked."""

    __audited__ = True
    __audit_label__ = "过问留痕"
    __audit_labels__ = {"item_id": "事项", "contacted_at": "过问时间", "person": "过问人", "deputy_id": "代表委员",
                        "channel": "过问方式", "content": "过问内容", "recorded_by_id": "登记人"}
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    contacted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    person: Mapped[str] = mapped_column(String(60))  # who made the contact
    deputy_id: Mapped[int | None] = mapped_column(ForeignKey("deputy.id"))
    channel: Mapped[str] = mapped_column(String(20))  # 来访, 来电, 来信, 当面, …
    content: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    deputy: Mapped["Deputy | None"] = relationship()  # noqa: F821
    recorded_by: Mapped["User | None"] = relationship()  # noqa: F821

    def __str__(self) -> str:
        return f"{self.person} {self.channel}"
