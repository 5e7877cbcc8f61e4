"""A survey's results (测评结果统计) as Word in the GB/T 9704 layout: the response rate, a table of counts and
percentages for every choice and scale question, and the free-text answers listed under theirs."""
from __future__ import annotations

from portal import clock
from portal.documents.gbt9704 import OfficialDocument, format_date
from portal.surveys.services import Results

WIDTHS_MM = [96, 30, 30]  # the 156 mm portrait type area
NUMERALS = "一二三四五六七八九十"


def numeral(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (surveys have a few dozen questions at most)."""
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else NUMERALS[tens - 1]) + "十" if tens else "") + (NUMERALS[ones - 1] if ones else "")


def build_results_docx(results: Results) -> bytes:
    survey = results.survey
    document = OfficialDocument()
    document.title(f"{survey.title}\n结果统计")
    document.subtitle(f"（{survey.court.name}，截至{format_date(clock.today())}）")
    paper = f"（其中纸质答卷 {results.paper} 份）" if results.paper else ""
    document.paragraph(f"本次{survey.kind.label}于{format_date(clock.local_date(survey.opened_at)) if survey.opened_at else ''}"
                       f"发出，截止日期{format_date(survey.deadline)}。共发送 {results.recipients} 人，"
                       f"收回答卷 {results.responses} 份{paper}，答复率 {results.rate}%。")
    for n, result in enumerate(results.questions, start=1):
        question = result.question
        document.heading(f"{numeral(n)}、{question.text}", 1)
        if result.options:
            document.table(["选项", "人数", "占比"],
                           ((o.label, o.count, f"{o.percent}%") for o in result.options),
                           widths_mm=WIDTHS_MM, aligns=["left", "center", "center"],
                           total_row=("作答人数", result.answered, ""))
            if result.satisfaction is not None:
                document.paragraph(f"满意率（满意与基本满意）{result.satisfaction}%。", indent=False)
            if question.kind.value == "multiple":
                document.paragraph("（多选题，占比以作答人数为基数。）", indent=False)
        elif result.texts:
            for index, answer in enumerate(result.texts, start=1):
                tracked = f"（已转跟踪事项 {answer.item.number}）" if answer.item else ""
                document.paragraph(f"{index}. {answer.response.deputy.name}：{answer.text}{tracked}")
        else:
            document.paragraph("无文字意见。")
    document.split_line(f"答复率 {results.rate}%", f"制表日期：{format_date(clock.today())}")
    return document.to_bytes()
