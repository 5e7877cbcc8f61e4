"""The workspace's data: the year chosen, every area's panel, and the performance archive (履职档案)."""
from __future__ import annotations

from dataclasses import dataclass, field

from portal import clock, params
from portal.areas import Panel, deputy_panels
from portal.duty.contributions import ArchiveReport, archive_reports
from portal.duty.documents import ArchiveDocument, deputy_line
from portal.register.models import Deputy, DeputyKind, DeputyStatus

YEARS_SHOWN = 6


def year_choices() -> list[int]:
    this = clock.today().year
    return list(range(this, this - YEARS_SHOWN, -1))


def parse_year(value: str | None, *, allow_all: bool) -> int | None:
    """The year asked for: this year by default, None for "all" where allowed."""
    if allow_all and value == "all":
        return None
    return params.parse_int(value, minimum=2000, maximum=2100) or clock.today().year


@dataclass
class Archive:
    deputy: Deputy
    year: int
    counts: list[tuple[str, int]] = field(default_factory=list)  # from every area's panel, in panel order
    reports: list[ArchiveReport] = field(default_factory=list)
    panels: list[Panel] = field(default_factory=list)


def archive(deputy: Deputy, year: int) -> Archive:
    """The deputy's performance archive for ``year``: each area's counts, and the year's duty reporting."""
    panels = deputy_panels(deputy, year)
    counts = [(label, n) for panel in panels for label, n in panel.archive]
    return Archive(deputy=deputy, year=year, counts=counts, reports=archive_reports(deputy, year), panels=panels)


def archive_document(data: Archive) -> ArchiveDocument:
    d = data.deputy
    return ArchiveDocument(
        name=d.name, identity=deputy_line(d), year=data.year, generated_on=clock.today(),
        facts=[("性别", d.gender.label), ("工作单位及职务", f"{d.work_unit} {d.post}".strip() or "—"),
               ("任职", "；".join(m.label + ("（已离任）" if m.status == DeputyStatus.RETIRED else "")
                                 for m in d.mandates) or "—"),
               ("选区", "、".join(dict.fromkeys(m.constituency for m in d.active_mandates if m.constituency)) or "—"),
               ("状态", d.status.label)],
        counts=data.counts,
        reports=[(r.title, r.kind, r.state, r.session or "—", r.evaluation or "—") for r in data.reports],
        reports_to_voters=d.kind == DeputyKind.NPC)
