"""The quarterly list of letters and outcomes (季度来信及办理情况) of one deputy's mailbox, as Word in the
GB/T 9704 layout."""
from portal import clock
from portal.documents.gbt9704 import OfficialDocument, format_date
from portal.voters.models import QUARTERS, LetterState

HEADERS = ["序号", "收信日期", "来信人", "来信事由", "办理情况", "办理结果", "状态"]
# Millimetres, summing to the 156 mm portrait type area; 收信日期 holds "2025年12月31日" at 10.5 pt.
WIDTHS_MM = [10, 28, 18, 32, 30, 24, 14]
ALIGNS = ["center", "center", "center", "left", "left", "left", "center"]


def quarter_title(year: int, quarter: int) -> str:
    return f"{year}年{QUARTERS[quarter]}"


def build_quarter_docx(deputy, year: int, quarter: int, letters) -> bytes:
    document = OfficialDocument()
    document.title(f"{deputy.name}代表信箱\n季度来信及办理情况")
    document.subtitle(f"（{quarter_title(year, quarter)}）")
    document.table(
        HEADERS,
        ((i, format_date(letter.received_on), letter.sender_label, letter.subject, letter.handling or "—",
          letter.outcome or "—", letter.state.label) for i, letter in enumerate(letters, start=1)),
        widths_mm=WIDTHS_MM, aligns=ALIGNS, font_size_pt=10.5,
    )
    closed = sum(1 for letter in letters if letter.state == LetterState.CLOSED)
    document.split_line(f"本季度收到来信 {len(letters)} 件，已办结 {closed} 件",
                        f"制表日期：{format_date(clock.today())}")
    return document.to_bytes()
