"""Panels of the deputy's workspace (代表委员工作台), contributed by each feature area.

An area that has something to show a deputy provides ``portal/<area>/workspace.py`` with
``deputy_panel(deputy, year) -> Panel | None``. The workspace shows the panels by ``order``, and the
performance archive (履职档案) adds up every panel's ``archive`` counts for the year.
"""
import importlib
import importlib.util
from dataclasses import dataclass, field


@dataclass
class Panel:
    title: str  # e.g. "我的邀请"
    template: str  # rendered with ``panel`` in its context, e.g. "hearings/_deputy_panel.html"
    order: int = 50  # smaller first
    rows: list = field(default_factory=list)  # what the template lists (keep it short: the latest few)
    link: str | None = None  # "查看全部" page of the area, if any
    archive: list[tuple[str, int]] = field(default_factory=list)  # (label, count) for the year's archive
    extra: dict = field(default_factory=dict)  # anything else the area's template needs


def deputy_panels(deputy, year: int | None) -> list[Panel]:
    """Every area's panel for ``deputy`` (for ``year``, or all years when None), in order."""
    from portal import AREAS

    panels = []
    for area in AREAS:
        if importlib.util.find_spec(f"portal.{area}.workspace"):
            panel = importlib.import_module(f"portal.{area}.workspace").deputy_panel(deputy, year)
            if panel is not None:
                panels.append(panel)
    return sorted(panels, key=lambda p: p.order)
