"""Duty-report documents: a deputy's report, a session's evaluation results, and a year's reporting overview."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from portal.documents.gbt9704 import OfficialDocument, format_date

CHINESE_NUMBERS = "一二三四五六七八九十"


def _paragraphs(document: OfficialDocument, text: str, empty: str = "无。") -> None:
    """One body paragraph per non-empty line of ``text`` (deputies type one paragraph a line)."""
    lines = [line.strip() for line in (text or "").split("\n") if line.strip()]
    for line in lines or [empty]:
        document.paragraph(line)


# --- a deputy's report ---------------------------------------------------------------------------------------

@dataclass
class ReportDocument:
    deputy_name: str
    deputy_line: str  # e.g. 云岭市第十六届人民代表大会代表（云城区代表团）
    year: int
    in_person: bool
    sections: list[tuple[str, str]]  # (heading, text)
    dated: datetime.date
    draft: bool = False

    @property
    def title(self) -> str:
        kind = "述职报告" if self.in_person else "书面履职情况报告"
        return f"{self.deputy_name}代表{self.year}年度{kind}"


def build_report_docx(data: ReportDocument) -> bytes:
    """The report: title, the deputy's line, the five sections as 一、… headings, the deputy's name and date."""
    document = OfficialDocument()
    document.title(data.title + ("（草稿）" if data.draft else ""))
    document.subtitle(data.deputy_line)
    for n, (heading, text) in enumerate(data.sections):
        document.heading(f"{CHINESE_NUMBERS[n]}、{heading}", 1)
        _paragraphs(document, text)
    document.signature(data.deputy_name, data.dated)
    return document.to_bytes()


# --- a session's evaluation results --------------------------------------------------------------------------

@dataclass
class RectificationLine:
    deputy: str
    content: str
    owner: str
    deadline: str
    result: str


@dataclass
class EvaluationLine:
    name: str
    satisfied: int
    basically: int
    unsatisfied: int
    rate: str  # 满意率 as text, "—" without votes
    comments: str


@dataclass
class SessionResultsDocument:
    court_name: str
    group_name: str
    group_label: str
    year: int
    held_on: datetime.date
    place: str
    organiser: str
    voters_present: int
    state_label: str
    compiled_on: datetime.date
    evaluations: list[EvaluationLine] = field(default_factory=list)
    rectifications: list[RectificationLine] = field(default_factory=list)


def build_session_results_docx(data: SessionResultsDocument) -> bytes:
    document = OfficialDocument()
    document.title(f"{data.group_name}{data.year}年代表述职评议结果")
    document.subtitle(f"（{data.group_label}）")
    organiser = f"{data.organiser}在" if data.organiser else "在"
    document.paragraph(f"{format_date(data.held_on)}，{organiser}{data.place}召开代表述职会，"
                       f"{len(data.evaluations)}名代表当面述职，{data.voters_present}名选民参加并进行评议。"
                       f"评议结果如下（述职会状态：{data.state_label}）。")
    document.heading("一、评议结果", 1)
    document.table(["序号", "代表", "满意", "基本满意", "不满意", "满意率"],
                   [(n, e.name, e.satisfied, e.basically, e.unsatisfied, e.rate)
                    for n, e in enumerate(data.evaluations, 1)],
                   widths_mm=[15, 37, 25, 28, 25, 26], aligns=["center"] * 6)
    document.heading("二、选民评议意见", 1)
    for n, e in enumerate(data.evaluations):
        document.heading(f"（{CHINESE_NUMBERS[n % 10]}）{e.name}", 2)
        _paragraphs(document, e.comments, "选民未提出意见。")
    document.heading("三、整改事项", 1)
    if data.rectifications:
        document.table(["序号", "代表", "整改事项", "责任人", "期限", "结果"],
                       [(n, r.deputy, r.content, r.owner, r.deadline, r.result)
                        for n, r in enumerate(data.rectifications, 1)],
                       widths_mm=[12, 20, 54, 20, 24, 26], aligns=["center", "center", "left", "center", "center", "left"])
    else:
        document.paragraph("无整改事项。")
    compiled = f"制表：{data.court_name}　" if data.court_name else "制表日期："
    document.paragraph(compiled + format_date(data.compiled_on), indent=False, align="right")
    return document.to_bytes()


# --- the reporting overview of a group or a whole year -------------------------------------------------------

@dataclass
class OverviewGroupLine:
    group: str
    members: int
    in_person: int
    share: str
    written: int
    filed: int
    note: str


@dataclass
class OverviewDeputyLine:
    group: str
    name: str
    kind: str
    state: str
    session: str
    evaluation: str


@dataclass
class OverviewDocument:
    court_name: str
    court_scope: str  # 某某市中级人民法院（含下级法院）
    year: int
    scope: str  # a group's label, or "" for the whole year
    generated_on: datetime.date
    groups: list[OverviewGroupLine] = field(default_factory=list)
    deputies: list[OverviewDeputyLine] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.year}年代表述职情况汇总"


def build_overview_docx(data: OverviewDocument) -> bytes:
    """Landscape: the groups' figures, then every deputy who reported (in person or in writing) and the results."""
    document = OfficialDocument(landscape=True)
    document.title(data.title)
    document.subtitle(f"（{data.scope}）" if data.scope else "（全部代表组）")
    document.paragraph(f"范围：{data.court_scope}")
    document.heading("一、各代表组述职情况", 1)
    document.table(["代表组", "在任代表", "当面述职", "占比", "书面报告", "已备案", "说明"],
                   [(g.group, g.members, g.in_person, g.share, g.written, g.filed, g.note) for g in data.groups],
                   widths_mm=[64, 22, 22, 20, 22, 20, 55],
                   aligns=["left", "center", "center", "center", "center", "center", "left"],
                   total_row=("合计", sum(g.members for g in data.groups), sum(g.in_person for g in data.groups),
                              "", sum(g.written for g in data.groups), sum(g.filed for g in data.groups), ""))
    document.heading("二、代表述职明细", 1)
    if data.deputies:
        document.table(["序号", "代表组", "代表", "述职方式", "报告状态", "述职会", "评议结果"],
                       [(n, d.group, d.name, d.kind, d.state, d.session, d.evaluation)
                        for n, d in enumerate(data.deputies, 1)],
                       widths_mm=[13, 48, 22, 22, 28, 36, 56],
                       aligns=["center", "left", "center", "center", "center", "center", "left"])
    else:
        document.paragraph("本年度尚无代表述职。")
    document.split_line(f"共 {len(data.deputies)} 人", f"制表日期：{format_date(data.generated_on)}")
    return document.to_bytes()
