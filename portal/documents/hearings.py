"""Documents of hearing invitations: the attendance and forum record of a hearing, and the period list."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from portal import clock
from portal.documents.gbt9704 import OfficialDocument

NUMERALS = "一二三四五六七八九十"


@dataclass
class AttendanceRow:
    name: str
    kind: str
    level: str
    work: str
    answer: str  # 已出席 / 已谢绝（出差）…
    checked_in: str  # 9:05 or ""


@dataclass
class OpinionEntry:
    speaker: str  # 张三代表
    text: str
    outcome: str = ""  # 已转为督办件 2025-0012（办理中）


@dataclass
class HearingRecord:
    court_name: str
    case_number: str
    facts: list[tuple[str, str]]  # (label, value): 案由, 案件类型, 承办部门, 审判长, 开庭时间, 法庭, …
    counts_text: str
    attendance: list[AttendanceRow]
    forum_facts: list[tuple[str, str]]  # empty when no forum was held
    forum_summary: str
    opinions: list[OpinionEntry]
    mediation: list[str]
    rating_count: int
    rating_averages: list[tuple[str, float]]
    rating_comments: list[str]
    generated_on: datetime.date


def build_record_docx(record: HearingRecord) -> bytes:
    doc = OfficialDocument()
    doc.title("邀请代表委员旁听庭审记录")
    doc.subtitle(record.case_number)
    doc.heading("一、庭审基本情况", 1)
    doc.table(["项目", "内容"], record.facts, widths_mm=[36, 120])
    doc.heading("二、邀请及出席情况", 1)
    doc.paragraph(record.counts_text)
    if record.attendance:
        doc.table(["序号", "姓名", "类别", "层级", "工作单位及职务", "答复", "签到时间"],
                  [(n, r.name, r.kind, r.level, r.work, r.answer, r.checked_in)
                   for n, r in enumerate(record.attendance, 1)],
                  widths_mm=[13, 18, 22, 17, 43, 20, 23], aligns=["center", "left", "left", "left", "left", "left",
                                                                   "center"])
    doc.heading("三、庭后座谈", 1)
    if record.forum_facts:
        for label, value in record.forum_facts:
            doc.paragraph(f"{label}：{value or '—'}")
        if record.forum_summary:
            doc.paragraph(record.forum_summary)
    else:
        doc.paragraph("未举行庭后座谈。")
    if record.opinions:
        for n, opinion in enumerate(record.opinions):
            number = NUMERALS[n] if n < len(NUMERALS) else str(n + 1)
            doc.heading(f"（{number}）{opinion.speaker}", 2)
            doc.paragraph(opinion.text)
            if opinion.outcome:
                doc.paragraph(opinion.outcome)
    elif record.forum_facts:
        doc.paragraph("代表委员未提出具体意见。")
    doc.heading("四、参与调解情况", 1)
    doc.paragraph("；".join(record.mediation) + "。" if record.mediation else "无代表委员参与调解。")
    doc.heading("五、庭审点评", 1)
    if record.rating_count:
        doc.paragraph(f"共收到庭审点评表 {record.rating_count} 份，各项平均分如下（满分 5 分）。")
        doc.table(["点评项目", "平均分"], [(label, f"{value:.2f}") for label, value in record.rating_averages],
                  widths_mm=[90, 66], aligns=["left", "center"])
        for comment in record.rating_comments:
            doc.paragraph(comment)
    else:
        doc.paragraph("尚未收到庭审点评表。")
    doc.signature(record.court_name, record.generated_on)
    return doc.to_bytes()


@dataclass
class PeriodHearingRow:
    starts: str
    case_number: str
    cause: str
    department: str
    judge: str
    invited: int
    attended: int
    attendees: str


@dataclass
class PeriodDeputyRow:
    name: str
    kind: str
    level: str
    work: str
    invited: int
    attended: int


@dataclass
class HearingPeriodReport:
    court_name: str  # the courts covered, as the text says them ("…中级人民法院及下级法院")
    signer: str  # the court that issues the table
    period: str  # 2025年1月1日至2025年12月31日
    filter_line: str  # the court scope and the list's filters
    hearings: list[PeriodHearingRow]
    deputies: list[PeriodDeputyRow] = field(default_factory=list)
    npc_attended: int = 0
    cppcc_attended: int = 0
    generated_on: datetime.date = field(default_factory=clock.today)

    @property
    def invited_total(self) -> int:
        return sum(h.invited for h in self.hearings)

    @property
    def attended_total(self) -> int:
        return sum(h.attended for h in self.hearings)


def build_period_docx(report: HearingPeriodReport) -> bytes:
    doc = OfficialDocument(landscape=True)
    doc.title("邀请代表委员旁听庭审情况统计表")
    doc.subtitle(f"（{report.period}）")
    doc.paragraph(report.filter_line)
    doc.paragraph(f"本期{report.court_name}共邀请代表委员旁听庭审 {len(report.hearings)} 场，邀请 {report.invited_total} "
                  f"人次，实际出席 {report.attended_total} 人次（人大代表 {report.npc_attended} 人次，政协委员 "
                  f"{report.cppcc_attended} 人次）。")
    doc.heading("一、庭审情况", 1)
    doc.table(["序号", "开庭时间", "案号", "案由", "承办部门", "审判长", "邀请人数", "出席人次", "出席的代表委员"],
              [(n, h.starts, h.case_number, h.cause, h.department, h.judge, h.invited, h.attended, h.attendees)
               for n, h in enumerate(report.hearings, 1)],
              widths_mm=[11, 31, 46, 28, 24, 16, 12, 12, 45], font_size_pt=10.5,
              aligns=["center", "left", "left", "left", "left", "left", "center", "center", "left"],
              total_row=("合计", f"{len(report.hearings)} 场", "", "", "", "", report.invited_total,
                         report.attended_total, ""))
    doc.heading("二、代表委员旁听情况", 1)
    if report.deputies:
        doc.table(["序号", "姓名", "类别", "层级", "工作单位及职务", "受邀次数", "出席次数"],
                  [(n, d.name, d.kind, d.level, d.work, d.invited, d.attended)
                   for n, d in enumerate(report.deputies, 1)],
                  widths_mm=[12, 24, 24, 28, 89, 24, 24], font_size_pt=10.5,
                  aligns=["center", "left", "left", "left", "left", "center", "center"],
                  total_row=("合计", f"{len(report.deputies)} 人", "", "", "", report.invited_total,
                             report.attended_total))
    else:
        doc.paragraph("本期没有邀请代表委员旁听庭审。")
    doc.signature(report.signer, report.generated_on)
    return doc.to_bytes()
