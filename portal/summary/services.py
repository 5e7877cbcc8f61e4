"""Reading and writing annual summaries: the year's figures from every area, the draft generated from them, a
section's saves (each one a version), restore, regenerate, and the refresh of the figures (see ``drafting``)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app, has_request_context
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal import areas, clock
from portal.access import CourtScope, court_subtree_ids, visible_court_ids
from portal.auth.models import Court
from portal.errors import NotFound, ServiceError
from portal.extensions import db
from portal.figures.definitions import Scope
from portal.summary import drafting
from portal.summary.models import AnnualSummary, SectionVersion, SummarySection

MAX_TEXT = 5000
MAX_TITLE = 60


# --- the figures --------------------------------------------------------------------------------------------------

@dataclass
class Snapshot:
    """Every field's number and the sections' tables, counted "as of" a day, and when they were computed."""

    values: dict[str, str]
    tables: dict[str, dict]
    as_of: date
    at: datetime

    def as_json(self) -> dict:
        return {"values": self.values, "tables": self.tables}


def compute(court_ids: list[int], year: int) -> Snapshot:
    """The year's figures of these courts from every area's ``figures(scope)`` (as of 31 December, or today while
    the year is not over)."""
    scope = Scope.of(court_ids, [], date(year, 1, 1), date(year, 12, 31))
    if has_request_context():
        groups = areas.collect("figures", scope)
    else:  # the command line: the figures' links need a request to be built in
        with current_app.test_request_context():
            groups = areas.collect("figures", scope)
    by_key = {group.key: group for group in groups}
    return Snapshot(drafting.values_of(by_key), drafting.tables_of(by_key), scope.as_of,
                    clock.now())


def court_ids_of(court: Court, with_lower: bool) -> list[int]:
    return court_subtree_ids(court.id) if with_lower else [court.id]


def we(court_ids: list[int]) -> str:
    """How the text names the courts it speaks for."""
    return "全市法院" if len(court_ids) > 1 else "我院"


def title_of(court_name: str, year: int) -> str:
    return f"{court_name}{year}年度代表委员联络工作总结"


# --- reading ------------------------------------------------------------------------------------------------------

def find(court_scope: CourtScope, year: int) -> AnnualSummary | None:
    """The saved summary of this court scope and year, with its sections."""
    return db.session.scalar(_with_sections().where(
        AnnualSummary.court_id == court_scope.court.id, AnnualSummary.with_lower.is_(court_scope.with_lower),
        AnnualSummary.year == year))


def _with_sections():
    """A summary with its sections and their versions, in three queries whatever their number."""
    return select(AnnualSummary).options(selectinload(AnnualSummary.sections).selectinload(SummarySection.versions),
                                         selectinload(AnnualSummary.court))


def load(summary_id: int, user) -> AnnualSummary:
    """A summary of a court the user sees; any other looks like none at all."""
    summary = db.session.scalar(_with_sections().where(AnnualSummary.id == summary_id))
    if summary is None or summary.court_id not in visible_court_ids(user):
        raise NotFound()
    return summary


def section_of(summary: AnnualSummary, section_id: int) -> SummarySection:
    section = next((s for s in summary.sections if s.id == section_id), None)
    if section is None:
        raise NotFound()
    return section


def version_of(section: SummarySection, number: int) -> SectionVersion:
    version = next((v for v in section.versions if v.number == number), None)
    if version is None:
        raise NotFound()
    return version


def scope_label(summary: AnnualSummary) -> str:
    """The words of the page's scope line: 某某市中级人民法院（含下级法院）."""
    return f"{summary.court.name}（{'含下级法院' if summary.with_lower else '本院'}）"


def court_title(summary: AnnualSummary) -> str:
    return f"{summary.court.name}及下级法院" if summary.with_lower else summary.court.name


# --- writing ------------------------------------------------------------------------------------------------------

def _add_version(section: SummarySection, note: str, user_id: int | None) -> SectionVersion:
    number = max((v.number for v in section.versions), default=0) + 1
    version = SectionVersion(number=number, title=section.title, text=section.text, note=note, saved_by_id=user_id,
                             saved_at=clock.now())
    section.versions.insert(0, version)
    return version


def create(court_scope: CourtScope, year: int, user_id: int | None) -> AnnualSummary:
    """The draft of this court scope and year, generated from the records now (each section's first version);
    the one already saved, when there is one."""
    existing = find(court_scope, year)
    if existing is not None:
        return existing
    snapshot = compute(court_scope.court_ids, year)
    summary = AnnualSummary(court_id=court_scope.court.id, year=year, with_lower=court_scope.with_lower,
                            figures=snapshot.as_json(), figures_as_of=snapshot.as_of, figures_at=snapshot.at,
                            created_by_id=user_id)
    speaker = we(court_scope.court_ids)
    for position, kind in enumerate(drafting.SECTIONS, start=1):
        section = SummarySection(key=kind.key, position=position, title=kind.title, text=kind.draft(year, speaker))
        summary.sections.append(section)
        _add_version(section, "系统生成", user_id)
    try:
        with db.session.begin_nested():  # two people starting the same draft at once: the second gets the first's
            db.session.add(summary)
    except IntegrityError:
        return find(court_scope, year)
    return summary


def check_section(title: str, text: str) -> dict[str, str]:
    """What is wrong with a section as typed (field -> message)."""
    errors = {}
    if not title.strip():
        errors["title"] = "请填写本节标题。"
    elif len(title) > MAX_TITLE:
        errors["title"] = f"标题不能超过 {MAX_TITLE} 个字。"
    if len(text) > MAX_TEXT:
        errors["text"] = f"正文不能超过 {MAX_TEXT} 个字。"
    elif unknown := drafting.unknown_fields(text):
        errors["text"] = ("无法识别的数字字段：" + "、".join(f"{{{n}}}" for n in unknown)
                          + "。请从页面上“可用的数字字段”中选用，或删去花括号。")
    return errors


def save_section(section: SummarySection, title: str, text: str, user_id: int | None) -> None:
    """Save the section as typed, as a new version (nothing happens when nothing changed)."""
    errors = check_section(title, text)
    if errors:
        raise ServiceError("本节有需要修改的地方。", errors)
    title, text = title.strip(), text.strip()
    if (title, text) == (section.title, section.text):
        return
    section.title, section.text = title, text
    _add_version(section, "保存", user_id)


def restore(section: SummarySection, number: int, user_id: int | None) -> SectionVersion:
    """Make an older version the section's text again: a new version, the history kept."""
    old = version_of(section, number)
    section.title, section.text = old.title, old.text
    return _add_version(section, f"恢复第{old.number}版", user_id)


def regenerate(section: SummarySection, user_id: int | None) -> SectionVersion:
    """The system's draft of the section again (its earlier texts stay in the versions)."""
    summary = section.summary
    kind = drafting.SECTION_KINDS[section.key]
    section.title = kind.title
    section.text = kind.draft(summary.year, we(court_ids_of(summary.court, summary.with_lower)))
    return _add_version(section, "重新生成", user_id)


def refresh(summary: AnnualSummary) -> list[tuple[str, str, str]]:
    """Recompute the figures from the records; no section's text changes. The fields whose number moved, with the
    number before and after."""
    before = dict((summary.figures or {}).get("values", {}))
    snapshot = compute(court_ids_of(summary.court, summary.with_lower), summary.year)
    summary.figures, summary.figures_as_of, summary.figures_at = snapshot.as_json(), snapshot.as_of, snapshot.at
    quoted = {name for s in summary.sections for name in drafting.fields_in(s.text)}
    return [(name, before.get(name, "—"), value) for name, value in snapshot.values.items()
            if name in quoted and before.get(name) != value]


# --- what the page and the document show -----------------------------------------------------------------------

@dataclass
class ShownSection:
    key: str
    title: str
    text: str  # with the fields
    paragraphs: list[list[drafting.Part]]
    table: dict | None
    fields: list[str]
    id: int | None = None
    version: int | None = None
    versions: int = 0


@dataclass
class Draft:
    """A summary as read: saved (``summary``) or generated now and not saved."""

    title: str
    court_label: str
    year: int
    values: dict[str, str]
    as_of: date
    at: datetime
    sections: list[ShownSection] = field(default_factory=list)
    summary: AnnualSummary | None = None


def _shown(key: str, title: str, text: str, values: dict, tables: dict, **kw) -> ShownSection:
    return ShownSection(key=key, title=title, text=text, paragraphs=drafting.parts(text, values),
                        table=tables.get(key), fields=drafting.fields_in(text), **kw)


def draft_of(summary: AnnualSummary) -> Draft:
    values, tables = summary.figures.get("values", {}), summary.figures.get("tables", {})
    sections = [_shown(s.key, s.title, s.text, values, tables, id=s.id, version=s.version,
                       versions=len(s.versions)) for s in summary.sections]
    return Draft(title_of(court_title(summary), summary.year), scope_label(summary), summary.year, values,
                 summary.figures_as_of, summary.figures_at, sections, summary)


def fresh_draft(court_scope: CourtScope, year: int) -> Draft:
    """The draft as it would be generated now, not saved (for a court scope without a saved summary)."""
    snapshot = compute(court_scope.court_ids, year)
    speaker = we(court_scope.court_ids)
    sections = [_shown(kind.key, kind.title, kind.draft(year, speaker), snapshot.values, snapshot.tables)
                for kind in drafting.SECTIONS]
    return Draft(title_of(court_scope.title, year), court_scope.label, year, snapshot.values, snapshot.as_of,
                 snapshot.at, sections)


def draft_for(court_scope: CourtScope, year: int) -> Draft:
    """The saved draft of the scope and year, else a freshly generated one: what the export sends."""
    summary = find(court_scope, year)
    return draft_of(summary) if summary is not None else fresh_draft(court_scope, year)


def field_legend() -> list[tuple[str, str]]:
    return [(name, label) for name, (label, _read) in drafting.fields().items()]


def years() -> list[int]:
    """The years offered: this year and the four before it."""
    this = clock.today().year
    return list(range(this, this - 5, -1))
