"""The annual work summary as Word, in the GB/T 9704 layout: the title naming the courts and the year, the "as of"
line, one 一、 heading per section, its paragraphs with the numbers in place (a paragraph opening with （一） is a
second-level heading), the section's table where it has one, and the issuer with the date."""
from __future__ import annotations

import re

from portal import clock
from portal.documents.gbt9704 import OfficialDocument, format_date
from portal.summary import drafting
from portal.summary.services import Draft

NUMERALS = "一二三四五六七八九十"
SUBHEADING = re.compile(r"^（[一二三四五六七八九十]+）")


def numeral(n: int) -> str:
    """1 → 一, 12 → 十二 (sections stay below twenty)."""
    if n <= 10:
        return NUMERALS[n - 1]
    return "十" + NUMERALS[n - 11]


def build_docx(draft: Draft, issuer: str) -> bytes:
    document = OfficialDocument()
    document.title(draft.title)
    document.subtitle(f"（数字统计截至{format_date(draft.as_of)}）")
    for n, section in enumerate(draft.sections, start=1):
        document.heading(f"{numeral(n)}、{section.title}", 1)
        for line in drafting.rendered(section.text, draft.values).split("\n"):
            line = line.strip()
            if not line:
                continue
            heading = SUBHEADING.match(line)
            if heading and len(line) <= 40:
                document.heading(line, 2)
            else:
                document.paragraph(line)
        if section.table:
            table = section.table
            n_cols = len(table["headers"])
            first = 156 - 22 * (n_cols - 1) if n_cols > 3 else 156 - 36 * (n_cols - 1)
            widths = [first] + [(156 - first) / (n_cols - 1)] * (n_cols - 1)
            document.table(table["headers"], table["rows"], widths_mm=widths, total_row=table.get("total"),
                           aligns=["left"] + ["center"] * (n_cols - 1))
    document.signature(issuer, clock.today())
    return document.to_bytes()
