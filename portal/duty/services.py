"""Queries and writes for duty reports, terms and duty-report sessions. Services flush; the request commits."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from flask_login import current_user
from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.orm import selectinload

from portal import clock, events, params
from portal.access import current_user_id, visible_court_ids
from portal.auth.models import Role
from portal.duty.models import (
    IN_PERSON_MAX_PERCENT,
    IN_PERSON_MIN_PERCENT,
    SECTION_KEYS,
    SECTION_LIMIT,
    SECTIONS,
    DutyRectification,
    DutyReport,
    DutyReportEvent,
    DutyReportVersion,
    DutySession,
    DutySessionDeputy,
    DutyTerm,
    RectificationStatus,
    ReportKind,
    ReportState,
    SessionState,
    VersionAction,
)
from portal.errors import Forbidden, NotFound, ServiceError
from portal.extensions import db
from portal.models import utcnow
from portal.pagination import Page, paginate
from portal.register.models import Deputy, DeputyKind, DeputyLevel, DeputyStatus, Mandate
from portal.register.services import search_condition
from portal.trash import services as trash

ATTACHMENT_OWNER = "duty_report"
# Reporting to voters (向选民述职) is a duty of People's Congress deputies: CPPCC members have no voters, and the
# report's five sections are about congress sessions and constituencies.
NPC_ONLY = "向选民述职是人大代表的职责，政协委员不需要撰写述职报告。"


# --- access --------------------------------------------------------------------------------------------------

def get_report_or_404(report_id: int) -> DutyReport:
    """The report, if the current user may see it: staff within their courts (else 404), a deputy only their own
    (else 403)."""
    report = db.session.get(DutyReport, report_id)
    if report is None:
        raise NotFound()
    if current_user.role == Role.DEPUTY:
        if report.deputy_id != current_user.deputy_id:
            raise Forbidden()
    elif report.court_id not in visible_court_ids(current_user):
        raise NotFound()
    return report


def get_session_or_404(session_id: int, *, for_edit: bool = False) -> DutySession:
    """A session of the user's courts; ``for_edit`` refuses (409) a closed session, which is kept as it ended."""
    session = db.session.get(DutySession, session_id)
    if session is None or session.court_id not in visible_court_ids(current_user):
        raise NotFound()
    if for_edit and session.state == SessionState.CLOSED:
        raise ServiceError("述职会已结束，评议和整改情况已归档，不能再修改。", status=409)
    return session


def get_reporter_or_404(session: DutySession, reporter_id: int) -> DutySessionDeputy:
    reporter = db.session.get(DutySessionDeputy, reporter_id)
    if reporter is None or reporter.session_id != session.id:
        raise NotFound()
    return reporter


def get_rectification_or_404(session: DutySession, rectification_id: int) -> DutyRectification:
    rectification = db.session.get(DutyRectification, rectification_id)
    if rectification is None or rectification.reporter.session_id != session.id:
        raise NotFound()
    return rectification


def get_term_or_404(term_id: int) -> DutyTerm:
    term = db.session.get(DutyTerm, term_id)
    if term is None:
        raise NotFound()
    return term


# --- report content ------------------------------------------------------------------------------------------

# A year's report is written at its end and, often, in the first months after it: until the end of this month the
# year just ended is still open for starting a report, and it comes first.
LAST_YEAR_OPEN_UNTIL_MONTH = 3


def writable_years(today: date | None = None) -> list[int]:
    """The years a deputy may start a report for, the one due first: the current year, preceded in the first
    months of a year by the year just ended (in December the year to report on is the current one)."""
    today = today or clock.today()
    if today.month <= LAST_YEAR_OPEN_UNTIL_MONTH:
        return [today.year - 1, today.year]
    return [today.year]


def report_of(deputy_id: int, year: int) -> DutyReport | None:
    return db.session.scalar(select(DutyReport).where(DutyReport.deputy_id == deputy_id, DutyReport.year == year))


def reports_of_deputy(deputy_id: int) -> list[DutyReport]:
    return list(db.session.scalars(select(DutyReport).where(DutyReport.deputy_id == deputy_id)
                                   .order_by(DutyReport.year.desc())))


def clean_sections(raw: dict) -> tuple[dict[str, str], dict[str, str]]:
    """The five sections as they will be stored, and errors by field. Nothing is required here."""
    values, errors = {}, {}
    for key in SECTION_KEYS:
        text = params.clean_text(str(raw.get(key) or ""), multiline=True)
        text = text.replace("\r\n", "\n").replace("\r", "\n").rstrip()
        if len(text) > SECTION_LIMIT:
            errors[key] = f"这一部分不能超过 {SECTION_LIMIT} 字（现有 {len(text)} 字）。"
        values[key] = text
    return values, errors


def missing_sections(values: dict[str, str]) -> dict[str, str]:
    """Errors for the sections a submitted report lacks."""
    return {key: f"请填写“{short}”部分；没有相关情况的，请写明“无”。"
            for key, _, short in SECTIONS if not values.get(key, "").strip()}


def _in_person_year(deputy_id: int, year: int) -> bool:
    return db.session.scalar(select(exists().where(
        DutySessionDeputy.deputy_id == deputy_id, DutySessionDeputy.session_id == DutySession.id,
        DutySession.year == year))) or False


def sync_kind(deputy_id: int, year: int) -> None:
    """A report is 当面述职 when its deputy reports at a session of its year, else 书面报告."""
    report = report_of(deputy_id, year)
    if report is not None:
        report.kind = ReportKind.IN_PERSON if _in_person_year(deputy_id, year) else ReportKind.WRITTEN


def start_report(deputy: Deputy, year: int, court_id: int) -> DutyReport:
    """The deputy's report for ``year``, created as an empty draft when there is none yet."""
    report = report_of(deputy.id, year)
    if report is not None:
        return report
    if deputy.kind != DeputyKind.NPC:
        raise ServiceError(NPC_ONLY)
    if year not in writable_years():
        raise ServiceError(f"只能撰写 {'、'.join(str(y) for y in writable_years())} 年度的述职报告。")
    report = DutyReport(deputy=deputy, deputy_id=deputy.id, year=year, court_id=court_id,
                        state=ReportState.DRAFT,
                        kind=ReportKind.IN_PERSON if _in_person_year(deputy.id, year) else ReportKind.WRITTEN)
    db.session.add(report)
    db.session.flush()
    return report


def ensure_editable(report: DutyReport) -> None:
    """Refuse (ServiceError) once the report is submitted, until it is returned."""
    if not report.state.editable_by_deputy:
        raise ServiceError(f"报告{report.state.label}，不能修改；审查退回后才能再次修改。")


def _latest_version(report: DutyReport) -> DutyReportVersion | None:
    return db.session.scalar(select(DutyReportVersion).where(DutyReportVersion.report_id == report.id)
                             .order_by(DutyReportVersion.number.desc()).limit(1))


def _record_version(report: DutyReport, action: VersionAction) -> DutyReportVersion | None:
    """Keep the report's current text as a version.

    An autosave updates the newest version in place while that is an autosave by the same person; an explicit save
    seals such an autosave (or adds a version when the text changed since the last one); a submission always leaves
    a version of the submitted text.
    """
    latest = _latest_version(report)
    content = report.content
    open_autosave = (latest is not None and latest.action == VersionAction.AUTOSAVE
                     and latest.saved_by_id == current_user_id())
    if open_autosave:
        latest.content, latest.action, latest.saved_at = content, action, utcnow()
        db.session.flush()
        return latest
    if action != VersionAction.SUBMIT and latest is not None and latest.content == content:
        return None  # nothing changed since the last version
    version = DutyReportVersion(report_id=report.id, number=(latest.number + 1) if latest else 1, action=action,
                                content=content, saved_by_id=current_user_id(), saved_at=utcnow())
    db.session.add(version)
    db.session.flush()
    return version


def save_report(report: DutyReport, values: dict[str, str], *, action: VersionAction = VersionAction.SAVE) -> None:
    """Store the text the deputy wrote (already cleaned); refused once the report is submitted."""
    ensure_editable(report)
    for key in SECTION_KEYS:
        setattr(report, key, values[key])
    db.session.flush()
    _record_version(report, action)


def _transition(report: DutyReport, to_state: ReportState, comment: str = "", at=None) -> None:
    db.session.add(DutyReportEvent(report_id=report.id, from_state=report.state, to_state=to_state,
                                   comment=comment, user_id=current_user_id(), at=at or utcnow()))
    report.state = to_state
    db.session.flush()


def submit_report(report: DutyReport, values: dict[str, str]) -> None:
    """Save and submit for review; refused, with errors by section, while a section is empty."""
    ensure_editable(report)
    errors = missing_sections(values)
    if errors:
        raise ServiceError("报告还有部分没有填写。", errors)
    for key in SECTION_KEYS:
        setattr(report, key, values[key])
    db.session.flush()
    _record_version(report, VersionAction.SUBMIT)
    report.submitted_at = utcnow()
    _transition(report, ReportState.SUBMITTED)
    events.announce("report.submitted", report)


# Review steps staff may take: action -> (states it starts from, state it leads to).
REVIEW_STEPS = {
    "return": ({ReportState.SUBMITTED, ReportState.ACCEPTED}, ReportState.RETURNED),
    "accept": ({ReportState.SUBMITTED}, ReportState.ACCEPTED),
    "file": ({ReportState.ACCEPTED}, ReportState.FILED),
}


REVIEW_LABELS = {"return": "退回修改", "accept": "审查通过", "file": "备案"}
REVIEW_EVENTS = {"return": "report.returned", "accept": "report.accepted", "file": "report.filed"}


def review_actions(report: DutyReport) -> list[str]:
    return [action for action, (sources, _) in REVIEW_STEPS.items() if report.state in sources]


def review_report(report: DutyReport, action: str, comment: str, on=None) -> None:
    """Return (退回, a comment required), accept (审查通过) or file (备案) a report, on the day it was done (``on``,
    default today; never before the submission or the review before it)."""
    if action not in REVIEW_STEPS:
        raise ServiceError("请选择审查结果。")
    sources, target = REVIEW_STEPS[action]
    if report.state not in sources:
        raise ServiceError(f"报告{report.state.label}，不能{REVIEW_LABELS[action]}。")
    comment = params.clean_text(comment, multiline=True).strip()
    if action == "return" and not comment:
        message = "退回修改时请写明审查意见，告诉代表需要修改什么。"
        raise ServiceError(message, {"comment": message})
    if action == "return" or comment:
        report.review_comment = comment
    reviewed = report.reviewed_at is not None and (report.submitted_at is None or report.reviewed_at > report.submitted_at)
    at = clock.act_time(on, REVIEW_LABELS[action], report.reviewed_at if reviewed else report.submitted_at,
                "审查" if reviewed else "提交")
    report.reviewed_at, report.reviewed_by_id = at, current_user_id()
    if action == "file":
        report.filed_at = at
    _transition(report, target, comment, at)
    events.announce(REVIEW_EVENTS[action], report, comment=comment)


@dataclass
class VersionRow:
    version: DutyReportVersion
    changed: list[str]  # short labels of the sections that differ from the previous version


def version_history(report: DutyReport) -> list[VersionRow]:
    """Every version, newest first, with the sections it changed (one report's versions: a short list)."""
    versions = list(db.session.scalars(select(DutyReportVersion).options(selectinload(DutyReportVersion.saved_by))
                                       .where(DutyReportVersion.report_id == report.id)
                                       .order_by(DutyReportVersion.number)))
    rows, previous = [], {}
    for version in versions:
        changed = [short for key, _, short in SECTIONS if version.content.get(key, "") != previous.get(key, "")]
        rows.append(VersionRow(version, changed))
        previous = version.content
    return rows[::-1]


def get_version_or_404(report: DutyReport, version_id: int) -> DutyReportVersion:
    version = db.session.get(DutyReportVersion, version_id)
    if version is None or version.report_id != report.id:
        raise NotFound()
    return version


def report_events(report: DutyReport) -> list[DutyReportEvent]:
    return list(db.session.scalars(select(DutyReportEvent).options(selectinload(DutyReportEvent.user))
                                   .where(DutyReportEvent.report_id == report.id).order_by(DutyReportEvent.id)))


def session_of_reporter(deputy_id: int, year: int) -> DutySession | None:
    """The session where the deputy reports in person in ``year``, if any."""
    return db.session.scalar(select(DutySession).join(DutySessionDeputy)
                             .where(DutySessionDeputy.deputy_id == deputy_id, DutySession.year == year).limit(1))


# --- the review queue ----------------------------------------------------------------------------------------

@dataclass
class QueueFilters:
    year: int
    state: str = ReportState.SUBMITTED.value
    kind: str = ""
    q: str = ""

    @classmethod
    def from_args(cls, args) -> QueueFilters:
        year = params.parse_year(args.get("year")) or clock.today().year
        state = args.get("state", ReportState.SUBMITTED.value)  # "all" shows every state
        if state not in ReportState.__members__.values():
            state = "" if state == "all" else ReportState.SUBMITTED.value
        kind = args.get("kind", "")
        return cls(year=year if 2000 <= year <= 2100 else clock.today().year, state=state,
                   kind=kind if kind in ReportKind.__members__.values() else "",
                   q=params.clean_query(args.get("q"), 40))

    def as_args(self, **overrides) -> dict:
        values = {**self.__dict__, **overrides}
        values["state"] = values["state"] or "all"
        return {k: v for k, v in values.items() if v}


def _queue_query(filters: QueueFilters, court_ids: list[int]) -> Select:
    query = (select(DutyReport).options(selectinload(DutyReport.deputy))
             .where(DutyReport.court_id.in_(court_ids), DutyReport.year == filters.year))
    if filters.kind:
        query = query.where(DutyReport.kind == ReportKind(filters.kind))
    if filters.q:
        condition = search_condition(filters.q)
        query = query.where(DutyReport.deputy_id.in_(select(Deputy.id).where(condition)))
    return query


def list_reports(filters: QueueFilters, court_ids: list[int], *, cursor: str | None, per_page: int,
                 total: int | None, number: int) -> Page:
    """The review queue of the courts in scope (``court_ids``, within the user's: see ``access.court_scope``)."""
    query = _queue_query(filters, court_ids)
    if filters.state:
        query = query.where(DutyReport.state == ReportState(filters.state))
    return paginate(query, [DutyReport.updated_at, DutyReport.id], cursor=cursor, per_page=per_page,
                    descending=True, total=total, number=number)


def all_reports(filters: QueueFilters, court_ids: list[int]) -> list[DutyReport]:
    """Every report of the queue as filtered, in the list's order, for the export."""
    query = _queue_query(filters, court_ids).options(selectinload(DutyReport.reviewed_by))
    if filters.state:
        query = query.where(DutyReport.state == ReportState(filters.state))
    return list(db.session.scalars(query.order_by(DutyReport.updated_at.desc(), DutyReport.id.desc())))


def state_counts(filters: QueueFilters, court_ids: list[int]) -> dict[str, int]:
    """How many reports of the year are in each state (one grouped query), with the state filter left out."""
    query = _queue_query(filters, court_ids).subquery()
    rows = db.session.execute(select(query.c.state, func.count()).group_by(query.c.state))
    counts = {state.value: 0 for state in ReportState}
    for state, n in rows:
        counts[ReportState(state).value] = n
    counts["all"] = sum(counts.values())
    return counts


# --- terms ---------------------------------------------------------------------------------------------------

def list_terms() -> list[DutyTerm]:
    return list(db.session.scalars(select(DutyTerm).order_by(DutyTerm.start_year.desc(), DutyTerm.level,
                                                             DutyTerm.name)))


def save_term(term: DutyTerm | None, values: dict) -> DutyTerm:
    """Create or update a term; a (level, name) pair is unique."""
    level = DeputyLevel(values["level"])
    name = params.clean_text(values["name"]).strip()
    clash = db.session.scalar(select(DutyTerm).where(DutyTerm.level == level, DutyTerm.name == name)
                              .where(DutyTerm.id != term.id if term else True))
    if clash is not None:
        message = f"已有{level.label}{name}的届期（{clash.start_year}—{clash.end_year}年）。"
        raise ServiceError(message, {"name": message})
    if term is None:
        term = DutyTerm()
        db.session.add(term)
    term.level, term.name, term.start_year, term.end_year = level, name, values["start_year"], values["end_year"]
    db.session.flush()
    return term


def delete_term(term: DutyTerm) -> None:
    """Put a term in the recycle bin (terms belong to no court: every court's liaison sees it there)."""
    trash.discard(term, kind="duty_term", label=f"届期：{term}", court_id=None)


# --- groups and the planner ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class GroupKey:
    """A deputy group (代表组) of one congress: the level, the term and the group's name."""

    level: DeputyLevel
    term: str
    name: str

    @property
    def value(self) -> str:
        """For a <select>: level|term|name."""
        return f"{self.level.value}|{self.term}|{self.name}"

    @property
    def label(self) -> str:
        return f"{self.level.label}{self.term} · {self.name}"

    @property
    def element_id(self) -> str:
        """An HTML id for the group's row parts (its names are any text)."""
        return "group-" + hashlib.blake2s(self.value.encode(), digest_size=6).hexdigest()

    @classmethod
    def parse(cls, value: str) -> GroupKey | None:
        parts = (value or "").split("|", 2)
        if len(parts) != 3 or parts[0] not in DeputyLevel.__members__.values() or not parts[2]:
            return None
        return cls(DeputyLevel(parts[0]), parts[1], parts[2])


def _group_members():
    """NPC mandates in office in a group: the seats the in-person rule counts (a person who sits in two
    congresses counts in each of their groups)."""
    return and_(Mandate.kind == DeputyKind.NPC, Mandate.status == DeputyStatus.ACTIVE, Mandate.group_name != "")


def _in_group(key: GroupKey):
    return and_(Mandate.level == key.level, Mandate.term == key.term, Mandate.group_name == key.name)


def _session_of_mandate():
    """The session is of the mandate's group."""
    return and_(DutySession.level == Mandate.level, DutySession.term == Mandate.term,
                DutySession.group_name == Mandate.group_name)


def group_choices(level: str = "", term: str = "") -> list[GroupKey]:
    query = select(Mandate.level, Mandate.term, Mandate.group_name).where(_group_members()).distinct()
    if level in DeputyLevel.__members__.values():
        query = query.where(Mandate.level == DeputyLevel(level))
    if term:
        query = query.where(Mandate.term == term)
    keys = [GroupKey(lv, t, g) for lv, t, g in db.session.execute(query)]
    return sorted(keys, key=lambda k: (k.level.rank, k.term, k.name))


def group_exists(key: GroupKey) -> bool:
    return db.session.scalar(select(exists().where(_group_members(), _in_group(key)))) or False


def terms_by_key() -> dict[tuple[DeputyLevel, str], DutyTerm]:
    return {(t.level, t.name): t for t in db.session.scalars(select(DutyTerm))}


def suggested_range(members: int) -> tuple[int, int]:
    """How many of ``members`` deputies should report in person: 20%–30%, at least one when no whole number fits."""
    low = -(-members * IN_PERSON_MIN_PERCENT // 100)
    high = members * IN_PERSON_MAX_PERCENT // 100
    if low > high:
        low = high = max(1, round(members / 4)) if members else 0
    return low, high


@dataclass
class GroupPlan:
    key: GroupKey
    members: int
    planned: int  # deputies of the group reporting in person at a session this year (any state)
    sessions: int
    term: DutyTerm | None
    year_of_term: int | None
    low: int = 0
    high: int = 0
    not_reported: int = 0  # members with no session in this term (their names: ``not_reported``)

    @property
    def share_percent(self) -> float:
        return round(self.planned * 100 / self.members, 1) if self.members else 0.0

    @property
    def rule_applies(self) -> bool:
        """From the second year of the term, to its last year."""
        return self.year_of_term is not None and self.year_of_term >= 2

    @property
    def warning(self) -> str:
        if not self.rule_applies or self.low <= self.planned <= self.high:
            return ""
        wanted = f"{self.low} 人" if self.low == self.high else f"{self.low}—{self.high} 人"
        side = "低于" if self.planned < self.low else "高于"
        return f"{side} 20%—30%，本组应安排 {wanted}"


def plan(year: int, *, level: str = "", term: str = "", with_unreported: bool = True) -> list[GroupPlan]:
    """Every NPC group's in-person reporting for ``year``, in three grouped queries and (``with_unreported``) one
    more counting each group's members who have not reported in this term (a province has thousands: their names
    are ``not_reported(key)``, asked for one group at a time).

    Sessions of every court count: whether a deputy has reported is a fact about the deputy, and the register is
    shared by the whole deployment.
    """
    conditions = [_group_members()]
    if level in DeputyLevel.__members__.values():
        conditions.append(Mandate.level == DeputyLevel(level))
    if term:
        conditions.append(Mandate.term == term)
    in_person = (select(DutySessionDeputy.deputy_id, DutySession.level, DutySession.term, DutySession.group_name)
                 .join(DutySession).where(DutySession.year == year).distinct().subquery())
    keys = (Mandate.level, Mandate.term, Mandate.group_name)
    rows = db.session.execute(
        select(*keys, func.count(Mandate.id), func.count(in_person.c.deputy_id))
        .outerjoin(in_person, and_(in_person.c.deputy_id == Mandate.deputy_id, in_person.c.level == Mandate.level,
                                   in_person.c.term == Mandate.term, in_person.c.group_name == Mandate.group_name))
        .where(*conditions).group_by(*keys))
    sessions = dict(((lv, t, g), n) for lv, t, g, n in db.session.execute(
        select(DutySession.level, DutySession.term, DutySession.group_name, func.count())
        .where(DutySession.year == year).group_by(DutySession.level, DutySession.term, DutySession.group_name)))
    terms = terms_by_key()
    plans: dict[tuple, GroupPlan] = {}
    for lv, t, g, members, planned in rows:
        term_row = terms.get((lv, t))
        low, high = suggested_range(members)
        plans[(lv, t, g)] = GroupPlan(GroupKey(lv, t, g), members, planned, sessions.get((lv, t, g), 0), term_row,
                                      term_row.year_of_term(year) if term_row else None, low, high)
    if with_unreported:
        for lv, t, g, n in db.session.execute(_not_reported_in_term(conditions, select(*keys, func.count()))
                                              .group_by(*keys)):
            if (lv, t, g) in plans:
                plans[(lv, t, g)].not_reported = n
    return sorted(plans.values(), key=lambda p: (p.key.level.rank, p.key.term, p.key.name))


def not_reported(key: GroupKey) -> list:
    """The group's members in office with no session in their term, by name: rows (id, name)."""
    query = _not_reported_in_term([_group_members(), _in_group(key)], select(Deputy.id, Deputy.name))
    return list(db.session.execute(query.join(Deputy, Deputy.id == Mandate.deputy_id)
                                   .order_by(Deputy.name_pinyin, Deputy.id)))


def _not_reported_in_term(conditions, query):
    """``query`` over the mandates meeting ``conditions`` with no session of their group in their term (any year
    of it; all years when the term is not set up)."""
    reported = (select(DutySessionDeputy.id).join(DutySession)
                .where(DutySessionDeputy.deputy_id == Mandate.deputy_id, _session_of_mandate(),
                       DutySession.year >= func.coalesce(DutyTerm.start_year, 0),
                       DutySession.year <= func.coalesce(DutyTerm.end_year, 9999)))
    return (query.select_from(Mandate)
            .outerjoin(DutyTerm, and_(DutyTerm.level == Mandate.level, DutyTerm.name == Mandate.term))
            .where(*conditions, ~exists(reported)))


# --- sessions ------------------------------------------------------------------------------------------------

@dataclass
class SessionFilters:
    year: int
    state: str = ""
    group: str = ""

    @classmethod
    def from_args(cls, args) -> SessionFilters:
        year = params.parse_year(args.get("year")) or clock.today().year
        state = args.get("state", "")
        return cls(year=year if 2000 <= year <= 2100 else clock.today().year,
                   state=state if state in SessionState.__members__.values() else "",
                   group=params.clean_query(args.get("group"), 150))

    def as_args(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v}


def list_sessions(filters: SessionFilters, court_ids: list[int], *, cursor: str | None, per_page: int,
                  total: int | None, number: int) -> Page:
    """The sessions of the courts in scope (``court_ids``) in the year."""
    query = (select(DutySession).options(selectinload(DutySession.reporters).selectinload(DutySessionDeputy.deputy),
                                         selectinload(DutySession.court))
             .where(DutySession.court_id.in_(court_ids), DutySession.year == filters.year))
    if filters.state:
        query = query.where(DutySession.state == SessionState(filters.state))
    key = GroupKey.parse(filters.group)
    if key:
        query = query.where(DutySession.level == key.level, DutySession.term == key.term,
                            DutySession.group_name == key.name)
    return paginate(query, [DutySession.held_on, DutySession.id], cursor=cursor, per_page=per_page,
                    descending=True, total=total, number=number)


def create_session(key: GroupKey, values: dict, court_id: int) -> DutySession:
    if not group_exists(key):
        message = "名册中没有这个代表组的在任人大代表，请重新选择代表组。"
        raise ServiceError(message, {"group": message})
    session = DutySession(court_id=court_id, level=key.level, term=key.term, group_name=key.name,
                          created_by_id=current_user_id(), state=SessionState.PLANNED)
    _apply_session_values(session, values)
    db.session.add(session)
    db.session.flush()
    return session


def update_session(session: DutySession, values: dict) -> None:
    if session.reporters and values["held_on"].year != session.year:
        message = "已安排述职代表的述职会不能改到其他年度；请先移除述职代表。"
        raise ServiceError(message, {"held_on": message})
    _apply_session_values(session, values)
    db.session.flush()


def _apply_session_values(session: DutySession, values: dict) -> None:
    session.held_on = values["held_on"]
    session.year = values["held_on"].year
    session.place = values["place"].strip()
    session.organiser = (values.get("organiser") or "").strip()
    session.note = (values.get("note") or "").strip()
    if values.get("voters_present") is not None:
        session.voters_present = values["voters_present"]


def delete_session(session: DutySession) -> None:
    if session.state != SessionState.PLANNED:
        raise ServiceError("只能删除尚未召开的述职会。")
    people = [(r.deputy_id, session.year) for r in session.reporters]
    trash.discard(session, kind="duty_session", label=str(session), court_id=session.court_id)
    for deputy_id, year in people:
        sync_kind(deputy_id, year)


def session_group(session: DutySession) -> GroupKey:
    return GroupKey(session.level, session.term, session.group_name)


@dataclass
class Candidate:
    deputy: Deputy
    reported_in_term: bool  # has reported at an earlier session of this term


def reporter_candidates(session: DutySession) -> list[Candidate]:
    """Group members who are not reporting at any session of the session's year, those who have not yet reported
    in this term first."""
    key = session_group(session)
    this_year = (select(DutySessionDeputy.id).join(DutySession)
                 .where(DutySessionDeputy.deputy_id == Deputy.id, DutySession.year == session.year))
    term = terms_by_key().get((key.level, key.term))
    earlier = (select(DutySessionDeputy.id).join(DutySession)
               .where(DutySessionDeputy.deputy_id == Deputy.id,
                      DutySession.year >= (term.start_year if term else 0), DutySession.year < session.year))
    rows = db.session.execute(select(Deputy, exists(earlier)).join(Mandate, Mandate.deputy_id == Deputy.id)
                              .where(_group_members(), _in_group(key), ~exists(this_year))
                              .order_by(Deputy.name_pinyin, Deputy.id))
    candidates = [Candidate(deputy, bool(reported)) for deputy, reported in rows]
    return sorted(candidates, key=lambda c: c.reported_in_term)


def add_reporter(session: DutySession, deputy_id: int | None) -> DutySessionDeputy:
    if session.state != SessionState.PLANNED:
        raise ServiceError("述职会已召开，不能再增加述职代表。")
    deputy = db.session.get(Deputy, deputy_id) if deputy_id else None
    if deputy is None:
        raise ServiceError("请选择要安排述职的代表。")
    key = session_group(session)
    if not any(m.kind == DeputyKind.NPC and m.status == DeputyStatus.ACTIVE and m.level == key.level
               and m.term == key.term and m.group_name == key.name for m in deputy.mandates):
        raise ServiceError(f"{deputy.name}不是{key.name}的在任人大代表。")
    other = session_of_reporter(deputy.id, session.year)
    if other is not None:
        raise ServiceError(f"{deputy.name}已安排在 {other.held_on.isoformat()} 的述职会当面述职，一年只述职一次。")
    reporter = DutySessionDeputy(session_id=session.id, deputy_id=deputy.id)
    session.reporters.append(reporter)
    db.session.flush()
    sync_kind(deputy.id, session.year)
    return reporter


def remove_reporter(session: DutySession, reporter: DutySessionDeputy) -> None:
    if session.state != SessionState.PLANNED:
        raise ServiceError("述职会已召开，不能再移除述职代表。")
    deputy_id = reporter.deputy_id
    session.reporters.remove(reporter)
    db.session.flush()
    sync_kind(deputy_id, session.year)


def record_evaluation(session: DutySession, reporter: DutySessionDeputy, values: dict) -> None:
    """The voters' verdict counts and opinions on one deputy's report, entered on ``values["on"]`` (default today;
    never before the session)."""
    if session.state != SessionState.HELD:
        raise ServiceError("述职会召开后才能录入评议结果；结束后不能再修改。")
    at = clock.act_time(values.get("on"), "评议", session.held_on, "述职会")
    counts = {key: values.get(key) or 0 for key in ("satisfied", "basically", "unsatisfied")}
    if session.voters_present and sum(counts.values()) > session.voters_present:
        message = f"评议票数合计 {sum(counts.values())} 张，超过参会选民 {session.voters_present} 人，请核对。"
        raise ServiceError(message, {"satisfied": message})
    for key, n in counts.items():
        setattr(reporter, key, n)
    reporter.comments = (values.get("comments") or "").strip()
    reporter.evaluated_at, reporter.evaluated_by_id = at, current_user_id()
    db.session.flush()


def add_rectification(session: DutySession, reporter: DutySessionDeputy, values: dict) -> DutyRectification:
    if session.state != SessionState.HELD:
        raise ServiceError("述职会召开后才能登记整改事项；结束后不能再修改。")
    rectification = DutyRectification(content=values["content"].strip(), owner=values["owner"].strip(),
                                      deadline=values.get("deadline"), status=RectificationStatus.PENDING)
    reporter.rectifications.append(rectification)
    db.session.flush()
    return rectification


def set_outcome(session: DutySession, rectification: DutyRectification, status: str, outcome: str,
                on=None) -> None:
    """Record the outcome of a rectification item on the day it was known (``on``, default today)."""
    if session.state != SessionState.HELD:
        raise ServiceError("述职会已结束，整改结果不能再修改。")
    at = clock.act_time(on, "整改结果", session.held_on, "述职会")
    member = RectificationStatus(status)
    if member == RectificationStatus.PENDING:
        raise ServiceError("请选择“已整改”或“未整改”。", {"status": "请选择“已整改”或“未整改”。"})
    rectification.status, rectification.outcome = member, outcome.strip()
    rectification.outcome_at, rectification.outcome_by_id = at, current_user_id()
    db.session.flush()


def delete_rectification(session: DutySession, rectification: DutyRectification) -> None:
    if session.state != SessionState.HELD or rectification.status != RectificationStatus.PENDING:
        raise ServiceError("只能删除尚无结果的整改事项。")
    reporter = rectification.reporter
    trash.discard(rectification, kind="duty_rectification", court_id=session.court_id,
                  label=f"{session} 整改事项（{reporter.deputy.name}）：{rectification.content[:60]}")
    db.session.expire(reporter, ["rectifications"])


def hold_session(session: DutySession, voters_present: int) -> None:
    """计划中 → 已召开: the session took place, with at least one reporting deputy and its voters."""
    if session.state != SessionState.PLANNED:
        raise ServiceError(f"述职会{session.state.label}，不能再标记为已召开。")
    if not session.reporters:
        raise ServiceError("请先安排至少一名述职代表。")
    if session.held_on > clock.today():
        raise ServiceError(f"述职会定于 {session.held_on.isoformat()} 召开，召开后才能标记为已召开；日期有变请先修改。")
    session.voters_present = voters_present
    session.state = SessionState.HELD
    db.session.flush()
    events.announce("duty_session.held", session)


def close_problems(session: DutySession) -> list[str]:
    """Why the session cannot close yet: every evaluation recorded, every rectification item with an outcome."""
    problems = []
    unevaluated = [r.deputy.name for r in session.reporters if r.evaluated_at is None]
    if unevaluated:
        problems.append(f"尚未录入评议结果：{'、'.join(unevaluated)}。")
    pending = sum(1 for r in session.reporters for x in r.rectifications if x.status == RectificationStatus.PENDING)
    if pending:
        problems.append(f"还有 {pending} 项整改事项没有结果（已整改或未整改）。")
    return problems


def close_session(session: DutySession) -> None:
    """已召开 → 已结束, only when nothing is left open."""
    if session.state != SessionState.HELD:
        raise ServiceError("只有已召开的述职会才能结束。")
    problems = close_problems(session)
    if problems:
        raise ServiceError("不能结束述职会：" + "".join(problems))
    session.state = SessionState.CLOSED
    db.session.flush()
    events.announce("duty_session.closed", session)


def load_session_page(session: DutySession) -> DutySession:
    """The session with its reporters, their deputies and rectification items loaded in a few queries."""
    db.session.scalars(select(DutySessionDeputy).where(DutySessionDeputy.session_id == session.id)
                       .options(selectinload(DutySessionDeputy.deputy),
                                selectinload(DutySessionDeputy.rectifications))).all()
    return session


def reports_by_deputy(deputy_ids: list[int], year: int) -> dict[int, DutyReport]:
    if not deputy_ids:
        return {}
    return {r.deputy_id: r for r in db.session.scalars(select(DutyReport).where(DutyReport.deputy_id.in_(deputy_ids),
                                                                                 DutyReport.year == year))}


# --- the recycle bin ----------------------------------------------------------------------------------------------

def _session_page(session_id: int) -> tuple[str, dict]:
    return "duty.session", {"session_id": session_id}


def _check_session_restore(rows: list[dict]) -> None:
    """A session comes back only while none of its deputies reports at another session of its year."""
    year = rows[0]["values"]["year"]
    for row in rows[1:]:
        if row["table"] == DutySessionDeputy.__tablename__:
            other = session_of_reporter(row["values"]["deputy_id"], year)
            if other is not None:
                deputy = db.session.get(Deputy, row["values"]["deputy_id"])
                raise ServiceError(f"无法恢复：{deputy.name if deputy else '述职代表'}已安排在 "
                                   f"{other.held_on.isoformat()} 的述职会当面述职，一年只述职一次。", status=409)


def _session_restored(rows: list[dict]) -> None:
    year = rows[0]["values"]["year"]
    for row in rows[1:]:
        if row["table"] == DutySessionDeputy.__tablename__:
            sync_kind(row["values"]["deputy_id"], year)
    db.session.flush()


def _check_rectification_restore(rows: list[dict]) -> None:
    """A pending rectification comes back only while its session is held (not yet closed)."""
    reporter = db.session.get(DutySessionDeputy, rows[0]["values"]["reporter_id"])
    if reporter is not None and reporter.session.state != SessionState.HELD:
        raise ServiceError(f"无法恢复：述职会{reporter.session.state.label}，整改事项不能再增加。", status=409)


def _rectification_page(values: dict) -> tuple[str, dict] | None:
    reporter = db.session.get(DutySessionDeputy, values["reporter_id"])
    return _session_page(reporter.session_id) if reporter else None


trash.register("duty_term", "届期", link=lambda values: ("duty.plan", {}))
trash.register("duty_session", "述职会", check=_check_session_restore, restored=_session_restored,
               link=lambda values: _session_page(values["id"]))
trash.register("duty_rectification", "整改事项", check=_check_rectification_restore, link=_rectification_page)
