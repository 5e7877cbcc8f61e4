"""The reception log: one row per contact a deputy or CPPCC member made with the court at its liaison home.

人次 (person-visits) counts each person each visit: every registered deputy linked to the reception, plus every
named visitor who is not in the register (``other_visitors``, counted into ``other_count`` when saved).
"""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models import LabeledEnum, TimestampMixin, UTCDateTime, enum_type
from portal.versioning import Versioned


class Channel(LabeledEnum):
    """How the deputy reached the court (接待方式)."""

    VISIT = "visit", "来访"
    PHONE = "phone", "来电"
    LETTER = "letter", "来信"
    EMAIL = "email", "电子信箱"
    SMS = "sms", "短信"


class Reception(Versioned, TimestampMixin, db.Model):
    __audited__ = True
    __audit_label__ = "来访接待"
    __audit_labels__ = {"court_id": "接待法院", "received_at": "接待时间", "channel": "接待方式", "place": "接待地点",
                        "other_visitors": "其他来访人员", "liaison_officer_id": "联络员", "subject": "事由",
                        "content": "内容", "requests": "反映诉求", "handling": "办理情况", "created_by_id": "登记人"}
    __audit_exclude__ = {"other_count"}
    # other_count too: the log's 人次 sums it over a period's receptions from the index alone; ix_reception_received:
    # the newest page of many courts' log read in order instead of sorting every reception of the period
    __table_args__ = (Index("ix_reception_court_received", "court_id", "received_at", "id", "other_count"),
                      Index("ix_reception_received", "received_at", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    court_id: Mapped[int] = mapped_column(ForeignKey("court.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)  # entered as Beijing time, stored in UTC
    channel: Mapped[Channel] = mapped_column(enum_type(Channel, "reception_channel"), default=Channel.VISIT)
    place: Mapped[str] = mapped_column(String(100), default="")
    other_visitors: Mapped[str] = mapped_column(String(200), default="")  # names not in the register, "、"-separated
    other_count: Mapped[int] = mapped_column(Integer, default=0)  # how many names other_visitors holds
    liaison_officer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    subject: Mapped[str] = mapped_column(String(200))  # 事由
    content: Mapped[str] = mapped_column(Text, default="")  # 谈话内容: what was said
    requests: Mapped[str] = mapped_column(Text, default="")  # 反映诉求: what was asked for
    handling: Mapped[str] = mapped_column(Text, default="")  # 办理情况 noted by staff (tracked items come on top)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    court: Mapped["Court"] = relationship()  # noqa: F821
    liaison_officer: Mapped["User | None"] = relationship(foreign_keys=[liaison_officer_id])  # noqa: F821
    created_by: Mapped["User | None"] = relationship(foreign_keys=[created_by_id])  # noqa: F821
    deputy_links: Mapped[list["ReceptionDeputy"]] = relationship(back_populates="reception",
                                                                 cascade="all, delete-orphan")
    host_links: Mapped[list["ReceptionHost"]] = relationship(back_populates="reception",
                                                             cascade="all, delete-orphan")
    deputies: Mapped[list["Deputy"]] = relationship(  # noqa: F821
        secondary="reception_deputy", order_by="Deputy.name_pinyin", viewonly=True)
    hosts: Mapped[list["User"]] = relationship(  # noqa: F821
        secondary="reception_host", order_by="User.id", viewonly=True)

    def __str__(self) -> str:
        return f"{self.subject}"[:200]

    @property
    def other_visitor_names(self) -> list[str]:
        return [n for n in self.other_visitors.split("、") if n]

    @property
    def person_count(self) -> int:
        """人次 of this visit: registered deputies plus named other visitors (``deputies``, which list pages load
        anyway, has one entry per ``deputy_links`` row)."""
        return len(self.deputies) + self.other_count


class ReceptionDeputy(db.Model):
    """A deputy or member who took part in a reception; each row is one 人次."""

    __audited__ = True
    __audit_label__ = "来访代表委员"
    __audit_labels__ = {"reception_id": "来访接待", "deputy_id": "代表委员"}
    __tablename__ = "reception_deputy"

    reception_id: Mapped[int] = mapped_column(ForeignKey("reception.id", ondelete="CASCADE"), primary_key=True)
    deputy_id: Mapped[int] = mapped_column(ForeignKey("deputy.id"), primary_key=True, index=True)

    reception: Mapped[Reception] = relationship(back_populates="deputy_links")
    deputy: Mapped["Deputy"] = relationship(lazy="joined")  # noqa: F821 - named in the audit summary

    def __str__(self) -> str:
        return f"来访接待 {self.reception_id}：{self.deputy.name if self.deputy else self.deputy_id}"


class ReceptionHost(db.Model):
    """A court leader or staff member who received the visitors (接待领导/人员)."""

    __audited__ = True
    __audit_label__ = "接待人员"
    __audit_labels__ = {"reception_id": "来访接待", "user_id": "接待人员"}
    __tablename__ = "reception_host"

    reception_id: Mapped[int] = mapped_column(ForeignKey("reception.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True, index=True)

    reception: Mapped[Reception] = relationship(back_populates="host_links")
    user: Mapped["User"] = relationship(lazy="joined")  # noqa: F821 - named in the audit summary

    def __str__(self) -> str:
        return f"来访接待 {self.reception_id}：{self.user.display_name if self.user else self.user_id}"
