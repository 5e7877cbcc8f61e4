"""The deputy register (代表委员名册), shared by every court of the deployment.

A person and what they were elected to are kept apart. ``Deputy`` is the person: name, gender, work unit and
post, mobile (unique: it is the person's login name), email, address and the court roles. ``Pairing`` is one of the
person's pairings (结对联络) with a court leader, kept on the pairing pages.
``Mandate`` is one seat: kind (人大代表/政协委员), level, term (届次), group or sector, constituency, in office or
离任 with the date. Someone who is both a provincial and a city deputy is one ``Deputy`` with two mandates.

``Deputy`` keeps its name and table, so everything that is about the person keeps pointing at it: the login
(``User.deputy_id``, one per person), receptions, items, hearing invitations (one per person and hearing),
duty reports and the workspace, which lists all of the person's mandates. What is about the seat reads the
mandates: the register's kind/level/term/group/status filters (a person is listed when one mandate matches them
all), the fair draw (a candidate per mandate in office, so every level gets its chance, one invitation per
person), duty-report groups and their 20%–30% rule (members counted per mandate), import and export (one row
per mandate, the person found by mobile) and the new-term import (换届), which opens the new term's mandates and
ends the old ones without touching anyone's records. ``Deputy.kind``, ``level``, ``term``, ``group_name`` and
``constituency`` are the principal mandate's, for pages that describe a person in one line; ``status`` is 在任
while any mandate is.
"""
from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, exists
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal import clock
from portal.extensions import db
from portal.models import LabeledEnum, TimestampMixin, enum_type
from portal.pinyin import name_keys
from portal.versioning import Versioned


class DeputyKind(LabeledEnum):
    NPC = "npc", "人大代表"
    CPPCC = "cppcc", "政协委员"


class DeputyLevel(LabeledEnum):
    """Ordered from the national congress down; the order is also the sort order."""

    NATIONAL = "national", "全国"
    PROVINCIAL = "provincial", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县（区）级"
    TOWNSHIP = "township", "乡（镇）级"

    @property
    def rank(self) -> int:
        return list(DeputyLevel).index(self)


class Gender(LabeledEnum):
    MALE = "male", "男"
    FEMALE = "female", "女"


class DeputyStatus(LabeledEnum):
    ACTIVE = "active", "在任"
    RETIRED = "retired", "离任"


# Extra roles a deputy may hold at the court, stored as a "、"-separated list.
COURT_ROLES = ("廉政监督员", "特约监督员", "人民陪审员")


class Deputy(Versioned, TimestampMixin, db.Model):
    """A person on the register: who they are and how to reach them. What they were elected to is a Mandate."""

    __audited__ = True
    __audit_label__ = "代表委员"
    __audit_labels__ = {"name": "姓名", "gender": "性别", "work_unit": "工作单位", "post": "职务",
                        "mobile": "手机号码", "email": "电子邮箱", "address": "通讯地址", "court_roles": "在本院担任",
                        "note": "备注"}
    __audit_exclude__ = {"name_pinyin", "name_initials", "level_rank"}
    __table_args__ = (
        Index("ix_deputy_sort_pinyin", "name_pinyin", "id"),
        Index("ix_deputy_name_mobile", "name", "mobile"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    name_pinyin: Mapped[str] = mapped_column(String(120), default="")
    name_initials: Mapped[str] = mapped_column(String(40), default="", index=True)
    level_rank: Mapped[int] = mapped_column(Integer, default=0)  # the principal mandate's level, to sort by
    gender: Mapped[Gender] = mapped_column(enum_type(Gender, "gender"))
    work_unit: Mapped[str] = mapped_column(String(100), default="")
    post: Mapped[str] = mapped_column(String(60), default="")
    mobile: Mapped[str] = mapped_column(String(20), unique=True)  # one person, one number: also their login
    email: Mapped[str] = mapped_column(String(120), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    court_roles: Mapped[str] = mapped_column(String(60), default="")
    note: Mapped[str] = mapped_column(Text, default="")

    # Loaded with every person (one query per batch of people): the labels below read them.
    mandates: Mapped[list["Mandate"]] = relationship(back_populates="deputy", lazy="selectin",
                                                     order_by="Mandate.id", cascade="all, delete-orphan")
    pairings: Mapped[list["Pairing"]] = relationship(back_populates="deputy", order_by="Pairing.since",
                                                     cascade="all, delete-orphan")

    def __str__(self) -> str:
        return self.name

    @property
    def principal(self) -> "Mandate | None":
        """The mandate that describes the person in one line: in office before 离任, NPC before CPPCC, the
        highest level, the latest term."""
        ranked = [(m.status != DeputyStatus.ACTIVE, m.kind != DeputyKind.NPC, DeputyLevel(m.level).rank, -index, m)
                  for index, m in enumerate(self.mandates)]  # list order is registration order
        return min(ranked, key=lambda r: r[:4])[4] if ranked else None

    @property
    def active_mandates(self) -> list["Mandate"]:
        return [m for m in self.mandates if m.status == DeputyStatus.ACTIVE]

    # The principal mandate's facts, for the pages and documents that show a person in one line.
    kind = property(lambda self: self.principal.kind if self.principal else None)
    level = property(lambda self: self.principal.level if self.principal else None)
    term = property(lambda self: self.principal.term if self.principal else "")
    group_name = property(lambda self: self.principal.group_name if self.principal else "")
    constituency = property(lambda self: self.principal.constituency if self.principal else "")
    left_on = property(lambda self: None if self.active_mandates else max(
        (m.left_on for m in self.mandates if m.left_on), default=None))

    @property
    def status(self) -> DeputyStatus:
        """在任 while any mandate is; 离任 when every one has ended."""
        return DeputyStatus.ACTIVE if self.active_mandates else DeputyStatus.RETIRED

    @property
    def identity_line(self) -> str:
        """一句话的身份：县（区）级人大代表（第十八届）· 城东街道代表组."""
        kind = "人大代表" if self.kind == DeputyKind.NPC else "政协委员"
        group = f" · {self.group_name}" if self.group_name else ""
        return f"{self.level.label}{kind}（{self.term}）{group}"

    @property
    def group_label(self) -> str:
        return "界别" if self.kind == DeputyKind.CPPCC else "代表组"

    @property
    def current_pairings(self) -> list["Pairing"]:
        """The pairings that hold today (load ``pairings`` with their leaders for lists)."""
        today = clock.today()
        return [p for p in self.pairings if p.current_on(today)]

    @property
    def paired_leaders(self) -> list:
        """The court leaders the person is paired with today."""
        return [p.leader for p in self.current_pairings]

    @property
    def court_role_list(self) -> list[str]:
        return [r for r in self.court_roles.split("、") if r]

    @classmethod
    def in_office(cls):
        """SQL: the person holds a mandate in office."""
        return exists().where(Mandate.deputy_id == cls.id, Mandate.status == DeputyStatus.ACTIVE)

    def refresh_keys(self) -> None:
        """Recompute the derived sort and search keys after the name or the mandates changed."""
        self.name_pinyin, self.name_initials = name_keys(self.name)
        principal = self.principal
        self.level_rank = DeputyLevel(principal.level).rank if principal else len(DeputyLevel)


class Mandate(TimestampMixin, db.Model):
    """One seat a person holds or held: a congress or CPPCC committee at a level, for a term (届次), in a
    deputy group (代表组) or sector (界别). A new term (换届) opens new mandates and ends the old ones."""

    __tablename__ = "deputy_mandate"
    __audited__ = True
    __audit_label__ = "代表委员任职"
    __audit_labels__ = {"deputy_id": "代表委员", "kind": "类别", "level": "层级", "term": "届次",
                        "group_name": "代表组/界别", "constituency": "选区", "status": "状态", "left_on": "离任日期"}
    __table_args__ = (
        UniqueConstraint("deputy_id", "kind", "level", "term"),
        Index("ix_deputy_mandate_filter", "kind", "level", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deputy_id: Mapped[int] = mapped_column(ForeignKey("deputy.id"), index=True)
    kind: Mapped[DeputyKind] = mapped_column(enum_type(DeputyKind, "deputy_kind"))
    level: Mapped[DeputyLevel] = mapped_column(enum_type(DeputyLevel, "deputy_level"))
    term: Mapped[str] = mapped_column(String(20))
    group_name: Mapped[str] = mapped_column(String(60), default="")  # 代表组 (NPC) or 界别 (CPPCC)
    constituency: Mapped[str] = mapped_column(String(60), default="")
    status: Mapped[DeputyStatus] = mapped_column(enum_type(DeputyStatus, "deputy_status"), default=DeputyStatus.ACTIVE)
    left_on: Mapped[date | None] = mapped_column(Date)

    deputy: Mapped[Deputy] = relationship(back_populates="mandates")

    def __init__(self, **values) -> None:
        values.setdefault("status", DeputyStatus.ACTIVE)  # before the flush too: the person's labels read it
        super().__init__(**values)

    def __str__(self) -> str:
        return f"{self.deputy.name if self.deputy else self.deputy_id} {self.label}"

    @property
    def label(self) -> str:
        """第十六届市级人大代表（城区代表组）"""
        group = f"（{self.group_name}）" if self.group_name else ""
        return f"{self.term}{self.level.label}{self.kind.label}{group}"

    @property
    def identity_line(self) -> str:
        """一句话的身份：县（区）级人大代表（第十八届）· 城东街道代表组."""
        kind = "人大代表" if self.kind == DeputyKind.NPC else "政协委员"
        group = f" · {self.group_name}" if self.group_name else ""
        return f"{self.level.label}{kind}（{self.term}）{group}"

    @property
    def group_label(self) -> str:
        return "界别" if self.kind == DeputyKind.CPPCC else "代表组"


class Pairing(TimestampMixin, db.Model):
    """A court leader paired (结对) with a person on the register, from the day it began until the day it ended.

    A person may be paired with several leaders at once, across court levels (三级联动): a provincial deputy
    living in a county is paired with a leader of the intermediate court and with the president of the county's
    basic court. Both days are the days it happened, entered afterwards; an ended pairing is kept for the record.
    """

    __tablename__ = "deputy_pairing"
    __audited__ = True
    __audit_label__ = "结对联络"
    __audit_labels__ = {"deputy_id": "代表委员", "leader_id": "结对院领导", "since": "结对日期", "ended_on": "结束日期"}
    __table_args__ = (Index("ix_deputy_pairing_leader", "leader_id", "ended_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deputy_id: Mapped[int] = mapped_column(ForeignKey("deputy.id"), index=True)
    leader_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    since: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)  # the first day it no longer holds

    deputy: Mapped[Deputy] = relationship(back_populates="pairings")
    leader: Mapped["User"] = relationship()  # noqa: F821

    def __str__(self) -> str:
        leader = self.leader.display_name if self.leader else self.leader_id
        return f"{leader} — {self.deputy.name if self.deputy else self.deputy_id}"

    def current_on(self, day: date) -> bool:
        return self.since <= day and (self.ended_on is None or self.ended_on > day)

    @classmethod
    def current(cls, day: date):
        """SQL: the pairing holds on ``day``."""
        return (cls.since <= day) & ((cls.ended_on.is_(None)) | (cls.ended_on > day))
