"""A deputy's performance archive (履职档案) for one year."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from portal.documents.gbt9704 import OfficialDocument, format_date


@dataclass
class ArchiveDocument:
    name: str
    identity: str  # e.g. 县（区）级人大代表（第十八届） · 城东街道代表组
    year: int
    generated_on: datetime.date
    facts: list[tuple[str, str]] = field(default_factory=list)  # (label, value) of the register entry
    counts: list[tuple[str, int]] = field(default_factory=list)  # (label, count) from every area
    reports: list[tuple[str, str, str, str, str]] = field(default_factory=list)  # title, kind, state, session, verdict
    reports_to_voters: bool = True  # People's Congress deputies; CPPCC members have no duty reports

    @property
    def title(self) -> str:
        return f"{self.name}{self.year}年度履职档案"


def build_archive_docx(data: ArchiveDocument) -> bytes:
    document = OfficialDocument()
    document.title(data.title)
    document.subtitle(f"（{data.identity}）")
    document.heading("一、基本情况", 1)
    document.paragraph("；".join(f"{label}：{value}" for label, value in data.facts) + "。")
    document.heading("二、履职情况统计", 1)
    if data.counts:
        document.table(["序号", "履职事项", "数量"], [(n, label, count) for n, (label, count) in enumerate(data.counts, 1)],
                       widths_mm=[20, 96, 40], aligns=["center", "left", "center"])
    else:
        document.paragraph("本年度暂无履职记录。")
    if data.reports_to_voters:
        document.heading("三、向选民述职情况", 1)
        if data.reports:
            document.table(["报告", "述职方式", "报告状态", "述职会", "选民评议"], data.reports,
                           widths_mm=[32, 22, 22, 42, 38], aligns=["left", "center", "center", "left", "left"])
        else:
            document.paragraph("本年度尚无述职报告。")
    document.split_line("", f"制表日期：{format_date(data.generated_on)}")
    return document.to_bytes()
