"""The performance archive (履职档案) in Word: the register entry, every area's counts, and the tables areas add."""
import datetime
from dataclasses import dataclass, field

from portal.areas import ArchiveSection
from portal.documents.gbt9704 import OfficialDocument, format_date

CHINESE_NUMERALS = "一二三四五六七八九十"


@dataclass
class ArchiveDocument:
    name: str
    identity: str  # e.g. 县（区）级人大代表（第十八届） · 城东街道代表组
    year: int
    generated_on: datetime.date
    facts: list[tuple[str, str]] = field(default_factory=list)  # (label, value) of the register entry
    counts: list[tuple[str, int]] = field(default_factory=list)  # (label, count) from every area
    sections: list[ArchiveSection] = field(default_factory=list)

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
    for number, section in enumerate(data.sections, 3):
        document.heading(f"{CHINESE_NUMERALS[number - 1]}、{section.title}", 1)
        if section.rows:
            document.table(section.headers, section.rows, widths_mm=section.widths_mm or None,
                           aligns=section.aligns or None)
        else:
            document.paragraph(section.empty)
    document.split_line("", f"制表日期：{format_date(data.generated_on)}")
    return document.to_bytes()
