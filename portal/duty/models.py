"""Duty reports (代表述职): deputies' annual reports, the sessions where they report to voters, evaluation, rectification.

The rules come from the district congress's text (seeds/002): from the second year of a term, 20%–30% of each
deputy group's deputies report in person to voters every year (当面述职); the others file a written report
(书面报告) that the group reviews and the liaison committee keeps on record (备案). Voters evaluate (评议) each
in-person report, and their opinions become rectification items (整改) followed to the end.

Versions of a report's content: every explicit save and every submission keeps a ``DutyReportVersion``; autosaves
while typing update the newest version in place as long as it is an autosave of the same person, so the history
holds one version per writing session plus one per save and submission, each with who saved it and when.
"""
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models import LabeledEnum, TimestampMixin, UTCDateTime, enum_type, utcnow
from portal.register.models import DeputyLevel
from portal.versioning import Versioned

# The five things a report covers (seeds/002, 代表述职的内容): (field, heading, short label).
SECTIONS = (
    ("congress", "出席人民代表大会会议，依法行使审议权、表决权、选举权、议案建议权情况", "出席会议和行使职权"),
    ("between_sessions", "闭会期间参加人大常委会、代表小组活动，开展视察、调研、执法检查等活动情况", "闭会期间活动"),
    ("voters", "联系原选区选民，听取、反映并督促解决群众意见，提出议案或建议、批评和意见情况", "联系选民"),
    ("law", "在本职工作和社会活动中宣传、遵守宪法和法律，协助宪法和法律实施情况", "宣传遵守宪法和法律"),
    ("deeds", "为选民做好事、办实事情况", "为选民办实事"),
)
SECTION_KEYS = tuple(key for key, _, _ in SECTIONS)
SECTION_LIMIT = 10000  # characters per section

# The in-person share of each group's deputies a year (seeds/002: 20%—30%), in percent.
IN_PERSON_MIN_PERCENT = 20
IN_PERSON_MAX_PERCENT = 30


class ReportKind(LabeledEnum):
    IN_PERSON = "in_person", "当面述职"
    WRITTEN = "written", "书面报告"


class ReportState(LabeledEnum):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审查"
    RETURNED = "returned", "已退回修改"
    ACCEPTED = "accepted", "审查通过"
    FILED = "filed", "已备案"

    @property
    def editable_by_deputy(self) -> bool:
        return self in (ReportState.DRAFT, ReportState.RETURNED)


class VersionAction(LabeledEnum):
    AUTOSAVE = "autosave", "自动保存"
    SAVE = "save", "保存"
    SUBMIT = "submit", "提交"


class SessionState(LabeledEnum):
    PLANNED = "planned", "计划中"
    HELD = "held", "已召开"
    CLOSED = "closed", "已结束"


class RectificationStatus(LabeledEnum):
    PENDING = "pending", "整改中"
    DONE = "done", "已整改"
    NOT_DONE = "not_done", "未整改"


class DutyTerm(TimestampMixin, db.Model):
    """A congress's term (届期), e.g. 县（区）级 第十八届 2021–2026; matched to deputies by (level, name)."""

    __audited__ = True
    __audit_label__ = "届期"
    __audit_labels__ = {"level": "层级", "name": "届别", "start_year": "起始年份", "end_year": "届满年份"}
    __table_args__ = (UniqueConstraint("level", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[DeputyLevel] = mapped_column(enum_type(DeputyLevel, "deputy_level"))
    name: Mapped[str] = mapped_column(String(20))
    start_year: Mapped[int] = mapped_column(Integer)
    end_year: Mapped[int] = mapped_column(Integer)

    def __str__(self) -> str:
        return f"{self.level.label}{self.name}（{self.start_year}—{self.end_year}年）"

    def year_of_term(self, year: int) -> int | None:
        """1 for the term's first year, 2 for the second…; None outside the term."""
        return year - self.start_year + 1 if self.start_year <= year <= self.end_year else None


class DutyReport(TimestampMixin, db.Model):
    """A deputy's report for one year. The sections hold the current text; versions keep every earlier one."""

    __audited__ = True
    __audit_label__ = "述职报告"
    __audit_labels__ = {"court_id": "所属法院", "deputy_id": "代表委员", "year": "年度", "kind": "述职方式", "state": "状态",
                        "review_comment": "审查意见", "submitted_at": "提交时间", "reviewed_at": "审查时间",
                        "reviewed_by_id": "审查人", "filed_at": "备案时间"}
    __audit_exclude__ = set(SECTION_KEYS)  # the text's history is DutyReportVersion (audited itself)
    __table_args__ = (
        UniqueConstraint("deputy_id", "year"),
        Index("ix_duty_report_queue", "court_id", "year", "state"),
        Index("ix_duty_report_updated", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    court_id: Mapped[int] = mapped_column(ForeignKey("court.id"))
    deputy_id: Mapped[int] = mapped_column(ForeignKey("deputy.id"))
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[ReportKind] = mapped_column(enum_type(ReportKind, "duty_report_kind"), default=ReportKind.WRITTEN)
    state: Mapped[ReportState] = mapped_column(enum_type(ReportState, "duty_report_state"), default=ReportState.DRAFT)
    congress: Mapped[str] = mapped_column(Text, default="")
    between_sessions: Mapped[str] = mapped_column(Text, default="")
    voters: Mapped[str] = mapped_column(Text, default="")
    law: Mapped[str] = mapped_column(Text, default="")
    deeds: Mapped[str] = mapped_column(Text, default="")
    review_comment: Mapped[str] = mapped_column(Text, default="")  # the reviewer's latest comment
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    deputy: Mapped["Deputy"] = relationship()  # noqa: F821
    reviewed_by: Mapped["User | None"] = relationship()  # noqa: F821
    versions: Mapped[list["DutyReportVersion"]] = relationship(
        back_populates="report", order_by="DutyReportVersion.number", cascade="all, delete-orphan")
    events: Mapped[list["DutyReportEvent"]] = relationship(
        back_populates="report", order_by="DutyReportEvent.id", cascade="all, delete-orphan")

    def __str__(self) -> str:
        return f"{self.year}年 {self.deputy.name if self.deputy else self.deputy_id}"

    @property
    def content(self) -> dict[str, str]:
        return {key: getattr(self, key) for key in SECTION_KEYS}

    @property
    def title(self) -> str:
        return f"{self.year}年度{'述职报告' if self.kind == ReportKind.IN_PERSON else '书面履职情况报告'}"


class DutyReportVersion(db.Model):
    """The report's text as saved at one moment, and who saved it."""

    __audited__ = True
    __audit_label__ = "述职报告版本"
    __audit_labels__ = {"report_id": "述职报告", "number": "版本号", "action": "保存方式", "content": "报告内容",
                        "saved_by_id": "保存人", "saved_at": "保存时间",
                        **{f"content.{key}": label for key, _, label in SECTIONS}}
    __table_args__ = (UniqueConstraint("report_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("duty_report.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    action: Mapped[VersionAction] = mapped_column(enum_type(VersionAction, "duty_version_action"))
    content: Mapped[dict] = mapped_column(JSON, default=dict)
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    report: Mapped[DutyReport] = relationship(back_populates="versions")
    saved_by: Mapped["User | None"] = relationship()  # noqa: F821

    def __str__(self) -> str:
        return f"第{self.number}版"


class DutyReportEvent(db.Model):
    """A step of the report's review: submitted, returned with a comment, accepted, filed."""

    __audited__ = True
    __audit_label__ = "述职报告审查记录"
    __audit_labels__ = {"report_id": "述职报告", "at": "时间", "user_id": "经办人", "from_state": "原状态",
                        "to_state": "新状态", "comment": "意见"}
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("duty_report.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    from_state: Mapped[ReportState] = mapped_column(enum_type(ReportState, "duty_event_from"))
    to_state: Mapped[ReportState] = mapped_column(enum_type(ReportState, "duty_event_to"))
    comment: Mapped[str] = mapped_column(Text, default="")

    report: Mapped[DutyReport] = relationship(back_populates="events")
    user: Mapped["User | None"] = relationship()  # noqa: F821

    def __str__(self) -> str:
        return f"{self.from_state.label}→{self.to_state.label}"


class DutySession(Versioned, TimestampMixin, db.Model):
    """A session (述职会) where deputies of one group report in person to their voters."""

    __audited__ = True
    __audit_label__ = "述职会"
    __audit_labels__ = {"court_id": "组织法院", "year": "年度", "level": "层级", "term": "届次", "group_name": "代表组/界别",
                        "held_on": "述职会日期", "place": "地点", "organiser": "组织单位", "voters_present": "参会选民人数",
                        "state": "状态", "note": "备注", "created_by_id": "登记人"}
    __table_args__ = (
        Index("ix_duty_session_group", "year", "level", "term", "group_name"),
        Index("ix_duty_session_list", "held_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    court_id: Mapped[int] = mapped_column(ForeignKey("court.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)  # the year of held_on, kept for the yearly queries
    level: Mapped[DeputyLevel] = mapped_column(enum_type(DeputyLevel, "deputy_level"))
    term: Mapped[str] = mapped_column(String(20))
    group_name: Mapped[str] = mapped_column(String(60))
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(100))
    organiser: Mapped[str] = mapped_column(String(100), default="")
    voters_present: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[SessionState] = mapped_column(enum_type(SessionState, "duty_session_state"),
                                                default=SessionState.PLANNED)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    court: Mapped["Court"] = relationship()  # noqa: F821
    reporters: Mapped[list["DutySessionDeputy"]] = relationship(
        back_populates="session", order_by="DutySessionDeputy.id", cascade="all, delete-orphan")

    def __str__(self) -> str:
        return f"{self.group_name} {self.held_on.isoformat() if self.held_on else ''} 述职会"

    @property
    def group_label(self) -> str:
        return f"{self.level.label}{self.term} {self.group_name}"


class DutySessionDeputy(db.Model):
    """A deputy reporting at a session, with the voters' evaluation (评议) of the report."""

    __audited__ = True
    __audit_label__ = "述职代表及评议"
    __audit_labels__ = {"session_id": "述职会", "deputy_id": "述职代表", "satisfied": "满意票", "basically": "基本满意票",
                        "unsatisfied": "不满意票", "comments": "选民评议意见", "evaluated_at": "评议录入时间",
                        "evaluated_by_id": "评议录入人"}
    __table_args__ = (UniqueConstraint("session_id", "deputy_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("duty_session.id", ondelete="CASCADE"))
    deputy_id: Mapped[int] = mapped_column(ForeignKey("deputy.id"), index=True)
    satisfied: Mapped[int] = mapped_column(Integer, default=0)
    basically: Mapped[int] = mapped_column(Integer, default=0)
    unsatisfied: Mapped[int] = mapped_column(Integer, default=0)
    comments: Mapped[str] = mapped_column(Text, default="")  # the voters' opinions, as recorded
    evaluated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    evaluated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    session: Mapped[DutySession] = relationship(back_populates="reporters")
    deputy: Mapped["Deputy"] = relationship()  # noqa: F821
    rectifications: Mapped[list["DutyRectification"]] = relationship(
        back_populates="reporter", order_by="DutyRectification.id", cascade="all, delete-orphan")

    def __str__(self) -> str:
        return f"{self.deputy.name if self.deputy else self.deputy_id} 述职评议"

    @property
    def votes(self) -> int:
        return self.satisfied + self.basically + self.unsatisfied

    @property
    def satisfaction_percent(self) -> float | None:
        """满意率: satisfied and basically satisfied over all votes, in percent."""
        return round((self.satisfied + self.basically) * 100 / self.votes, 1) if self.votes else None


class DutyRectification(db.Model):
    """整改: an item drawn from the voters' opinions, with its owner, deadline and outcome."""

    __audited__ = True
    __audit_label__ = "整改事项"
    __audit_labels__ = {"reporter_id": "述职代表", "content": "整改内容", "owner": "责任人", "deadline": "整改期限",
                        "status": "整改状态", "outcome": "整改结果", "outcome_at": "结果登记时间", "outcome_by_id": "结果登记人"}
    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("duty_session_deputy.id", ondelete="CASCADE"), index=True)
    content: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(60))
    deadline: Mapped[date | None] = mapped_column(Date)
    status: Mapped[RectificationStatus] = mapped_column(enum_type(RectificationStatus, "duty_rectification_status"),
                                                        default=RectificationStatus.PENDING)
    outcome: Mapped[str] = mapped_column(Text, default="")
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    reporter: Mapped[DutySessionDeputy] = relationship(back_populates="rectifications")

    def __str__(self) -> str:
        return self.content[:60]
