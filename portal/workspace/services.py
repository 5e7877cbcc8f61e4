"""The workspace's data: the year chosen, every area's panel, and the performance archive (履职档案)."""
from __future__ import annotations

from dataclasses import dataclass, field

from portal import clock, params
from portal.areas import ArchiveSection, Panel, collect, deputy_panels
from portal.register.models import Deputy, DeputyStatus
from portal.workspace.documents import ArchiveDocument

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
    sections: list[ArchiveSection] = field(default_factory=list)  # tables areas add (向选民述职情况…)
    panels: list[Panel] = field(default_factory=list)


def archive(deputy: Deputy, year: int) -> Archive:
    """The deputy's performance archive for ``year``: each area's counts, and the tables areas add."""
    panels = deputy_panels(deputy, year)
    counts = [(label, n) for panel in panels for label, n in panel.archive]
    return Archive(deputy=deputy, year=year, counts=counts, sections=collect("archive_section", deputy, year),
                   panels=panels)


def archive_document(data: Archive) -> ArchiveDocument:
    """The archive as its Word copy shows it."""
    d = data.deputy
    return ArchiveDocument(
        name=d.name, identity=d.identity_line, year=data.year, generated_on=clock.today(),
        facts=[("性别", d.gender.label), ("工作单位及职务", f"{d.work_unit} {d.post}".strip() or "—"),
               ("任职", "；".join(m.label + ("（已离任）" if m.status == DeputyStatus.RETIRED else "")
                                 for m in d.mandates) or "—"),
               ("选区", "、".join(dict.fromkeys(m.constituency for m in d.active_mandates if m.constituency)) or "—"),
               ("状态", d.status.label)],
        counts=data.counts, sections=data.sections)
