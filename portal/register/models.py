"""The deputy register (代表委员名册), shared by every court of the deployment."""
from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

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
    __audited__ = True
    __audit_label__ = "代表委员"
    __audit_labels__ = {"name": "姓名", "gender": "性别", "kind": "类别", "level": "层级", "term": "届次",
                        "group_name": "代表组/界别", "constituency": "选区", "work_unit": "工作单位", "post": "职务",
                        "mobile": "手机号码", "email": "电子邮箱", "address": "通讯地址", "court_roles": "在本院担任",
                        "paired_leader_id": "结对院领导", "status": "状态", "left_on": "离任日期", "note": "备注"}
    __audit_exclude__ = {"name_pinyin", "name_initials", "level_rank"}
    __table_args__ = (
        Index("ix_deputy_sort_pinyin", "name_pinyin", "id"),
        Index("ix_deputy_name_mobile", "name", "mobile"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    name_pinyin: Mapped[str] = mapped_column(String(120), default="")
    name_initials: Mapped[str] = mapped_column(String(40), default="", index=True)
    gender: Mapped[Gender] = mapped_column(enum_type(Gender, "gender"))
    kind: Mapped[DeputyKind] = mapped_column(enum_type(DeputyKind, "deputy_kind"), index=True)
    level: Mapped[DeputyLevel] = mapped_column(enum_type(DeputyLevel, "deputy_level"))
    level_rank: Mapped[int] = mapped_column(Integer, default=0)
    term: Mapped[str] = mapped_column(String(20))
    group_name: Mapped[str] = mapped_column(String(60), default="")  # 代表组 (NPC) or 界别 (CPPCC)
    constituency: Mapped[str] = mapped_column(String(60), default="")
    work_unit: Mapped[str] = mapped_column(String(100), default="")
    post: Mapped[str] = mapped_column(String(60), default="")
    mobile: Mapped[str] = mapped_column(String(20))
    email: Mapped[str] = mapped_column(String(120), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    court_roles: Mapped[str] = mapped_column(String(60), default="")
    paired_leader_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", use_alter=True))
    status: Mapped[DeputyStatus] = mapped_column(enum_type(DeputyStatus, "deputy_status"), default=DeputyStatus.ACTIVE)
    left_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")

    paired_leader: Mapped["User | None"] = relationship(foreign_keys=[paired_leader_id])  # noqa: F821

    def __str__(self) -> str:
        return self.name

    @property
    def group_label(self) -> str:
        return "界别" if self.kind == DeputyKind.CPPCC else "代表组"

    @property
    def court_role_list(self) -> list[str]:
        return [r for r in self.court_roles.split("、") if r]

    def refresh_keys(self) -> None:
        """Recompute the derived sort and search keys after the name or level changed."""
        self.name_pinyin, self.name_initials = name_keys(self.name)
        self.level_rank = DeputyLevel(self.level).rank
