"""The GB/T 9704 Word engine and the register document: build into bytes, reopen with python-docx, check."""

from __future__ import annotations

import datetime
import io
import re
import zipfile

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from portal.documents.gbt9704 import (
    FONT_BODY,
    FONT_HEI,
    FONT_KAI,
    FONT_TITLE,
    LATIN,
    OfficialDocument,
    clean_text,
    format_date,
    format_datetime,
)
from portal.register.documents import RegisterDocument, RegisterRow, build_register_docx

DIRTY = "\x00\x01\x0b\ud800 张三 & <李四>"


def reopen(document: OfficialDocument) -> DocxDocument:
    """Save the document to bytes and open those bytes again, as a reader of the file would."""
    return docx.Document(io.BytesIO(document.to_bytes()))


def styles_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("word/styles.xml").decode("utf-8")


def east_asia_font(style) -> str | None:
    rfonts = style.element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    return None if rfonts is None else rfonts.get(qn("w:eastAsia"))


def paragraph_of(doc: DocxDocument, text: str):
    return next(p for p in doc.paragraphs if p.text == text)


@pytest.fixture
def sample() -> DocxDocument:
    """A small document using every builder once."""
    d = OfficialDocument()
    d.doc_number("某法院〔2025〕12号")
    d.title("关于代表联络工作的报告")
    d.subtitle("（2024年1月1日至2024年12月31日）")
    d.salutation("张三代表：")
    d.heading("一、总体情况", 1)
    d.heading("（一）接待工作", 2)
    d.heading("1.来访接待", 3)
    d.paragraph("本院全年接待代表委员123人次。")
    d.paragraph("第一行\n第二行", indent=False, align="center")
    d.signature("某某市中级人民法院", datetime.date(2025, 3, 1))
    return reopen(d)


@pytest.mark.parametrize(
    ("landscape", "size", "margins"),
    [(False, (210, 297), (37, 35, 28, 26)), (True, (297, 210), (28, 26, 37, 35))],
)
def test_page_is_a4_with_official_margins(landscape: bool, size: tuple, margins: tuple) -> None:
    section = reopen(OfficialDocument(landscape=landscape)).sections[0]
    assert section.orientation == (WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT)
    assert (section.page_width.mm, section.page_height.mm) == pytest.approx(size, abs=0.5)
    got = (section.top_margin.mm, section.bottom_margin.mm, section.left_margin.mm, section.right_margin.mm)
    assert got == pytest.approx(margins, abs=0.5)


def test_line_grid_is_22_lines_of_28_95_pt() -> None:
    section = reopen(OfficialDocument()).sections[0]
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines"
    assert grid.get(qn("w:linePitch")) == "579"
    assert grid.get(qn("w:charSpace")) is None  # linesAndChars renders 14 characters a line in LibreOffice


def test_body_style_is_16pt_fangsong_exact_28_95(sample: DocxDocument) -> None:
    normal = sample.styles["Normal"]
    assert normal.font.size == Pt(16)
    assert east_asia_font(normal) == FONT_BODY
    assert normal.font.name == LATIN
    assert normal.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert normal.paragraph_format.line_spacing == Pt(28.95)
    assert normal.element.find(f"{qn('w:rPr')}/{qn('w:spacing')}").get(qn("w:val")) == "-5"
    assert normal.paragraph_format.widow_control is False  # else pages end a line short of 22

    body = paragraph_of(sample, "本院全年接待代表委员123人次。")
    ind = body.style.element.find(f"{qn('w:pPr')}/{qn('w:ind')}")
    assert body.style.paragraph_format.first_line_indent == Pt(32)
    assert ind.get(qn("w:firstLineChars")) == "200"


def test_styles_carry_no_theme_fonts_and_chinese_language() -> None:
    data = OfficialDocument().to_bytes()
    xml = styles_xml(data)
    assert not re.search(r"w:(ascii|hAnsi|eastAsia)Theme=|w:cstheme=", xml)
    doc = docx.Document(io.BytesIO(data))
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    lang = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    assert lang.get(qn("w:eastAsia")) == "zh-CN"
    spacing = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
    assert spacing.get(qn("w:after")) == "0"
    for style in doc.styles:
        if style.type is not None and style.element.get(qn("w:type")) == "paragraph":
            assert east_asia_font(style), f"{style.name} has no East Asian font"


def test_title_subtitle_and_doc_number(sample: DocxDocument) -> None:
    title = paragraph_of(sample, "关于代表联络工作的报告")
    assert title.style.font.size == Pt(22)
    assert title.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert east_asia_font(title.style) == FONT_TITLE
    subtitle = paragraph_of(sample, "（2024年1月1日至2024年12月31日）")
    assert east_asia_font(subtitle.style) == FONT_KAI
    assert subtitle.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    # The blank line sits after the subtitle, not between title and subtitle.
    assert title.paragraph_format.space_after == Pt(0)
    assert subtitle.paragraph_format.space_after == Pt(28.95)
    assert paragraph_of(sample, "某法院〔2025〕12号").style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert sample.core_properties.title == "关于代表联络工作的报告"


@pytest.mark.parametrize(
    ("text", "font", "level", "bold"),
    [("一、总体情况", FONT_HEI, "0", None), ("（一）接待工作", FONT_KAI, "1", None), ("1.来访接待", FONT_BODY, "2", True)],
)
def test_headings_have_own_styles_with_outline_levels(
    sample: DocxDocument, text: str, font: str, level: str, bold: bool | None
) -> None:
    style = paragraph_of(sample, text).style
    assert style.name.startswith("GB Heading")
    assert east_asia_font(style) == font
    assert style.font.bold is bold
    assert style.element.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}").get(qn("w:val")) == level
    assert style.paragraph_format.first_line_indent == Pt(32)


def test_heading_level_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError):
        OfficialDocument().heading("四级", 4)


def test_paragraph_line_breaks_and_alignment(sample: DocxDocument) -> None:
    p = paragraph_of(sample, "第一行\n第二行")
    assert p.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert p._p.xpath(".//w:br")
    assert p.style.name == "Normal"
    salutation = paragraph_of(sample, "张三代表：")
    assert salutation.style.paragraph_format.first_line_indent is None


def test_signature_issuer_then_date_right_of_it(sample: DocxDocument) -> None:
    texts = [p.text for p in sample.paragraphs]
    i = texts.index("某某市中级人民法院")
    assert texts[i + 1] == "2025年3月1日"
    issuer, date = sample.paragraphs[i], sample.paragraphs[i + 1]
    assert issuer.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert issuer.paragraph_format.right_indent == Pt(32)
    assert issuer.paragraph_format.space_before == Pt(28.95)
    # The issuer (9 characters of 15.75 pt) starts two characters plus its width left of the margin; the date
    # two characters right of that.
    assert date.paragraph_format.left_indent == pytest.approx(Mm(156) - Pt(9 * 15.75), abs=Pt(1))


def test_short_issuer_keeps_the_date_two_characters_from_the_margin() -> None:
    d = OfficialDocument()
    d.signature("某县法院", datetime.date(2025, 12, 31))
    issuer, date = reopen(d).paragraphs[-2:]
    assert date.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert date.paragraph_format.right_indent == Pt(32)
    assert issuer.alignment == WD_ALIGN_PARAGRAPH.LEFT


def test_page_numbers_alternate_right_and_left() -> None:
    doc = reopen(OfficialDocument())
    assert doc.settings.odd_and_even_pages_header_footer
    section = doc.sections[0]
    right, left = WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.LEFT
    for footer, alignment in ((section.footer, right), (section.even_page_footer, left)):
        assert not footer.is_linked_to_previous
        p = footer.paragraphs[0]
        assert p.alignment == alignment
        xml = p._p.xml
        assert "PAGE" in "".join(p._p.xpath(".//w:instrText/text()"))
        assert 'w:fldCharType="begin"' in xml and 'w:fldCharType="end"' in xml
        assert p.text.startswith("— ") and p.text.endswith(" —")
    assert section.footer.paragraphs[0].paragraph_format.right_indent == Pt(14)
    assert section.even_page_footer.paragraphs[0].paragraph_format.left_indent == Pt(14)
    footer_style = doc.styles["Footer"]
    assert footer_style.font.size == Pt(14)
    assert east_asia_font(footer_style) == "宋体"


INVALID_CODE_POINTS = [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF, 0xD800, 0xDC00, 0xDFFF]


@pytest.mark.parametrize("bad", [chr(c) for c in INVALID_CODE_POINTS])
def test_clean_text_strips_invalid_characters(bad: str) -> None:
    assert clean_text(f"a{bad}b") == "ab"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, ""), (12, "12"), (1.5, "1.5"), ("a\tb\nc", "a\tb\nc"), ("a\r\nb\rc", "a\nb\nc"), ("😀 张三", "😀 张三")],
)
def test_clean_text_keeps_valid_text(value: object, expected: str) -> None:
    assert clean_text(value) == expected


def test_dirty_text_exports_and_reads_back() -> None:
    d = OfficialDocument()
    d.title(DIRTY)
    d.paragraph(DIRTY)
    d.table(["姓名", "备注"], [[DIRTY, None]])
    doc = reopen(d)
    assert [p.text for p in doc.paragraphs[:2]] == [" 张三 & <李四>"] * 2
    assert doc.tables[0].cell(1, 0).text == " 张三 & <李四>"
    assert doc.tables[0].cell(1, 1).text == ""


def test_table_layout_and_content() -> None:
    d = OfficialDocument()
    rows = [[i, f"张{i}", "某某单位\n办公室", 1.5] for i in range(1, 61)]
    d.table(["序号", "姓名", "单位", "分数"], rows, widths_mm=[15, 30, 80, 31], total_row=["合计", "60人", "", ""])
    table = reopen(d).tables[0]
    assert table.style.name == "Table Grid"
    assert len(table.rows) == 62
    assert [c.text for c in table.rows[0].cells] == ["序号", "姓名", "单位", "分数"]
    assert table.cell(5, 1).text == "张5"
    assert table.cell(5, 2).text == "某某单位\n办公室"
    assert table.cell(61, 0).text == "合计"

    trs = table._tbl.tr_lst
    assert trs[0].xpath("./w:trPr/w:tblHeader") and not trs[1].xpath("./w:trPr/w:tblHeader")
    assert all(tr.xpath("./w:trPr/w:cantSplit") for tr in trs)
    assert trs[0].xpath(".//w:r/w:rPr/w:b") and not trs[1].xpath(".//w:r/w:rPr/w:b")
    assert trs[-1].xpath(".//w:r/w:rPr/w:b")

    grid = [int(w) for w in table._tbl.xpath("./w:tblGrid/w:gridCol/@w:w")]
    assert grid == [round(mm * 1440 / 25.4) for mm in (15, 30, 80, 31)]
    assert [int(w) for w in trs[3].xpath("./w:tc/w:tcPr/w:tcW/@w:w")] == grid
    assert all(p.xpath("./w:pPr/w:snapToGrid[@w:val='0']") for p in trs[3].xpath(".//w:p"))
    assert trs[3].xpath(".//w:sz/@w:val")[0] == "24"


def test_default_widths_fill_the_type_area_and_tables_stay_apart() -> None:
    d = OfficialDocument()
    d.table(["甲", "乙"], [["1", "2"]])
    d.table(["丙", "丁"], [["3", "4"]])
    doc = reopen(d)
    assert len(doc.tables) == 2
    total = sum(int(w) for w in doc.tables[0]._tbl.xpath("./w:tblGrid/w:gridCol/@w:w"))
    assert total == pytest.approx(156 * 1440 / 25.4, abs=2)


@pytest.mark.parametrize(
    "kwargs",
    [{"rows": [["only one"]]}, {"rows": [], "widths_mm": [10]}, {"rows": [], "aligns": ["left", "middle"]}],
)
def test_table_arguments_that_do_not_fit_are_refused(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        OfficialDocument().table(["甲", "乙"], **kwargs)


def test_five_thousand_rows_build() -> None:
    d = OfficialDocument()
    d.table(["序号", "姓名", "单位", "电话"], ([i, "张三", "某某单位", "13800138000"] for i in range(5000)))
    table = reopen(d).tables[0]
    assert len(table.rows) == 5001
    assert table._tbl.tr_lst[-1].xpath(".//w:t/text()")[0] == "4999"


def test_page_break() -> None:
    d = OfficialDocument()
    d.paragraph("前")
    d.page_break()
    assert reopen(d).element.body.xpath(".//w:br[@w:type='page']")


def test_format_date_and_datetime() -> None:
    assert format_date(datetime.date(2025, 3, 1)) == "2025年3月1日"
    assert format_date(datetime.date(2024, 12, 30)) == "2024年12月30日"
    assert format_datetime(datetime.datetime(2025, 3, 1, 14, 5)) == "2025年3月1日 14:05"
    assert format_datetime(datetime.datetime(2025, 3, 1, 9, 5)) == "2025年3月1日 09:05"


def make_row(name: str) -> RegisterRow:
    return RegisterRow(
        name=name, gender="女", kind="人大代表", level="市级", term="第十四届", group="某某代表组",
        work_unit_post="某某公司 总经理", mobile="13800138000", status="在任",
    )  # fmt: skip


def test_register_document() -> None:
    data = RegisterDocument(
        court_name="某某市中级人民法院",
        filter_summary="人大代表 · 市级 · 在任",
        generated_on=datetime.date(2025, 3, 1),
        rows=[make_row("王芳"), make_row("李娜"), make_row("张 & <伟>")],
    )
    doc = docx.Document(io.BytesIO(build_register_docx(data)))
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width.mm == pytest.approx(297, abs=0.5)
    texts = [p.text for p in doc.paragraphs]
    assert "某某市中级人民法院人大代表、政协委员联络名册" in texts
    assert "人大代表 · 市级 · 在任" in texts
    assert "共 3 人\t制表日期：2025年3月1日" in texts
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == [
        "序号", "姓名", "性别", "类别", "层级", "届次", "代表组/界别", "工作单位及职务", "联系电话", "状态",
    ]  # fmt: skip
    assert len(table.rows) == 4
    assert [table.cell(i, 1).text for i in (1, 2, 3)] == ["王芳", "李娜", "张 & <伟>"]
    assert [table.cell(i, 0).text for i in (1, 2, 3)] == ["1", "2", "3"]
    widths_mm = [int(w) / 1440 * 25.4 for w in table._tbl.xpath("./w:tblGrid/w:gridCol/@w:w")]
    assert sum(widths_mm) == pytest.approx(297 - 37 - 35, abs=0.5)


def test_register_mobile_column_fits_eleven_digits_on_one_line() -> None:
    """11 digits at 12 pt in the widest fallback for Times New Roman (DejaVu Serif, 0.64 em a digit, which
    LibreOffice uses where Times is missing) plus Word's default cell margins (2 × 0.19 cm)."""
    doc = docx.Document(io.BytesIO(build_register_docx(RegisterDocument(
        court_name="", filter_summary="", generated_on=datetime.date(2025, 1, 2), rows=[make_row("王芳")]))))
    table = doc.tables[0]
    column = [c.text for c in table.rows[0].cells].index("联系电话")
    assert table.cell(1, column).text == "13800138000"
    size_pt = int(table.cell(1, column)._tc.xpath(".//w:sz/@w:val")[0]) / 2
    needed_mm = 11 * 0.64 * size_pt * 25.4 / 72 + 3.8
    grid_mm = int(table._tbl.xpath("./w:tblGrid/w:gridCol/@w:w")[column]) / 1440 * 25.4
    cell_mm = int(table.cell(1, column)._tc.xpath("./w:tcPr/w:tcW/@w:w")[0]) / 1440 * 25.4
    assert grid_mm >= needed_mm and cell_mm >= needed_mm, (grid_mm, needed_mm)


def test_register_without_court_or_filter() -> None:
    data = RegisterDocument(court_name="", filter_summary="", generated_on=datetime.date(2025, 1, 2), rows=[])
    doc = docx.Document(io.BytesIO(build_register_docx(data)))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "人大代表、政协委员名册"
    assert "共 0 人\t制表日期：2025年1月2日" in texts
    assert len(doc.tables[0].rows) == 1
