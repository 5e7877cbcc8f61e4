"""What voter work shows elsewhere: the deputy's workspace panel (the latest activities and letters, the year's
counts for the archive and the flag under two) and the 履职档案's table 联系选民情况. NPC deputies only."""
from flask import url_for

from portal.areas import ArchiveSection, Panel
from portal.documents.gbt9704 import format_date
from portal.register.models import DeputyKind
from portal.voters.models import MIN_CONTACTS
from portal.voters.services import contacts_of, letters_of, year_counts

LATEST = 3


def deputy_panel(deputy, year: int | None) -> Panel | None:
    if deputy.kind != DeputyKind.NPC:
        return None
    counts = year_counts(deputy.id, year)
    return Panel(title="联系选民", template="voters/_deputy_panel.html", order=45,
                 rows=contacts_of(deputy.id, year, limit=LATEST), link=url_for("voters.mine", year=year or ""),
                 archive=[("联系选民活动", counts.contacts), ("代表信箱来信", counts.letters), ("已办结", counts.closed)],
                 extra={"letters": letters_of(deputy.id, year, limit=LATEST), "counts": counts,
                        "too_few": year is not None and counts.too_few, "minimum": MIN_CONTACTS})


def archive_section(deputy, year: int) -> ArchiveSection | None:
    """联系选民情况: one row per activity of the year."""
    if deputy.kind != DeputyKind.NPC:
        return None
    rows = [(format_date(c.held_on), c.kind.label, c.place, c.voters, c.raised)
            for c in reversed(contacts_of(deputy.id, year))]
    return ArchiveSection(title="联系选民情况", headers=["日期", "形式", "地点", "选民人数", "反映的问题和意见"],
                          rows=rows, empty="本年度尚无联系选民活动。", widths_mm=[30, 14, 34, 18, 60],
                          aligns=["center", "center", "left", "center", "left"], order=20)
