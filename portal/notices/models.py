"""The outbox (``message``), each deputy's choice of channels (``notice_preference``), batch notices, and the
issues of 《法院工作信息》 (``newsletter``) with the deputies' comments on them."""
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models import LabeledEnum, TimestampMixin, UTCDateTime, enum_type, utcnow
from portal.versioning import Versioned


class Channel(LabeledEnum):
    SMS = "sms", "短信"
    EMAIL = "email", "电子邮件"
    PORTAL = "portal", "站内消息"


class MessageState(LabeledEnum):
    QUEUED = "queued", "待发送"
    SENDING = "sending", "发送中"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败，将重试"
    DEAD = "dead", "发送失败，已停止重试"


class Message(TimestampMixin, db.Model):
    """One message to one recipient on one channel, from queued to sent (or, after its last try, dead)."""

    __audited__ = True
    __audit_exclude__ = {"body"}
    __audit_label__ = "消息"
    __audit_labels__ = {"channel": "渠道", "address": "地址", "subject": "标题", "state": "状态", "tries": "尝试次数",
                        "next_try_at": "下次尝试", "sent_at": "发送时间", "answer": "网关应答", "user_id": "接收用户",
                        "deputy_id": "接收代表委员", "court_id": "法院", "link": "链接", "about_type": "所属记录类型",
                        "about_id": "所属记录", "read_at": "阅读时间", "claimed_at": "开始发送时间",
                        "created_by_id": "创建人"}
    # ix_message_court_state: the outbox counts a province's messages by state, and the figures the messages sent
    # in a period by channel, from the index alone
    __table_args__ = (Index("ix_message_due", "state", "next_try_at"),
                      Index("ix_message_inbox", "user_id", "channel", "read_at"),
                      Index("ix_message_court_state", "court_id", "state", "channel", "sent_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    court_id: Mapped[int] = mapped_column(ForeignKey("court.id"))
    channel: Mapped[Channel] = mapped_column(enum_type(Channel, "message_channel"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    deputy_id: Mapped[int | None] = mapped_column(ForeignKey("deputy.id", ondelete="SET NULL"), index=True)
    address: Mapped[str] = mapped_column(String(120), default="")  # mobile number or email address
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(300), default="")  # the page the message is about, in the portal
    about_type: Mapped[str] = mapped_column(String(40), default="")  # the record it belongs to (table name)
    about_id: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[MessageState] = mapped_column(enum_type(MessageState, "message_state"), default=MessageState.QUEUED)
    tries: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # in-portal messages
    answer: Mapped[str] = mapped_column(String(500), default="")  # the gateway's or server's last answer
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    user = relationship("User", foreign_keys=[user_id])
    deputy = relationship("Deputy", foreign_keys=[deputy_id])

    def __str__(self) -> str:
        return f"{self.channel.label} → {self.address or self.user_id}：{self.subject or self.body[:30]}"


class NoticePreference(db.Model):
    """How a deputy wants to be told: SMS, email or both; and whether greetings are welcome."""

    __audited__ = True
    __audit_label__ = "通知方式"
    __audit_labels__ = {"deputy_id": "代表委员", "sms": "短信", "email": "电子邮件", "greetings": "接收节日问候"}

    deputy_id: Mapped[int] = mapped_column(ForeignKey("deputy.id", ondelete="CASCADE"), primary_key=True)
    sms: Mapped[bool] = mapped_column(Boolean, default=True)
    email: Mapped[bool] = mapped_column(Boolean, default=False)
    greetings: Mapped[bool] = mapped_column(Boolean, default=True)


class Batch(TimestampMixin, db.Model):
    """A message staff composed for many deputies at once (holiday greetings, a meeting notice), chosen by the
    register's filters; each recipient's messages are in the outbox with ``about`` this batch."""

    __audited__ = True
    __audit_label__ = "群发消息"
    __audit_labels__ = {"court_id": "法院", "subject": "标题", "body": "内容", "greeting": "问候类",
                        "filters": "收件人条件", "filters.q": "姓名或单位", "filters.kind": "类别",
                        "filters.level": "级别", "filters.term": "届次", "filters.group": "代表组或界别",
                        "filters.status": "状态", "recipients": "收件人数", "created_by_id": "创建人"}

    id: Mapped[int] = mapped_column(primary_key=True)
    court_id: Mapped[int] = mapped_column(ForeignKey("court.id"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    greeting: Mapped[bool] = mapped_column(Boolean, default=False)
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    created_by = relationship("User", foreign_keys=[created_by_id])

    def __str__(self) -> str:
        return self.subject


class Newsletter(Versioned, TimestampMixin, db.Model):
    """An issue of 《法院工作信息》: the court's 第N期 of the year, its summary and its file (an attachment of
    owner type ``newsletter``), sent to every deputy."""

    __audited__ = True
    __audit_label__ = "法院工作信息"
    __audit_labels__ = {"court_id": "法院", "year": "年度", "number": "期数", "title": "标题", "published_on": "印发日期",
                        "summary": "内容摘要", "created_by_id": "创建人"}
    __table_args__ = (UniqueConstraint("court_id", "year", "number", name="uq_newsletter_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    court_id: Mapped[int] = mapped_column(ForeignKey("court.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)  # 第N期 of the court's year
    title: Mapped[str] = mapped_column(String(200))
    published_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    court = relationship("Court")
    comments = relationship("NewsletterComment", back_populates="newsletter", order_by="NewsletterComment.id",
                            cascade="all, delete-orphan")

    @property
    def issue_label(self) -> str:
        return f"{self.year}年第{self.number}期"

    def __str__(self) -> str:
        return f"《法院工作信息》{self.issue_label}：{self.title}"


class NewsletterComment(db.Model):
    """A deputy's comment on an issue; staff may turn it into a tracked item (``item_id``) once."""

    __audited__ = True
    __audit_label__ = "法院工作信息意见"
    __audit_labels__ = {"newsletter_id": "法院工作信息", "deputy_id": "代表委员", "text": "意见内容",
                        "created_at": "提出时间", "item_id": "督办件"}

    id: Mapped[int] = mapped_column(primary_key=True)
    newsletter_id: Mapped[int] = mapped_column(ForeignKey("newsletter.id", ondelete="CASCADE"), index=True)
    deputy_id: Mapped[int] = mapped_column(ForeignKey("deputy.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id", ondelete="SET NULL"))

    newsletter = relationship("Newsletter", back_populates="comments")
    deputy = relationship("Deputy")
    item = relationship("Item")

    def __str__(self) -> str:
        return self.text[:30]
