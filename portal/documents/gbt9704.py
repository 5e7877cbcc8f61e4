"""The shared Word engine: documents in the GB/T 9704-2012 official-document layout.

Every document of the product is built with `OfficialDocument`: A4 with the standard's margins, body 3号
仿宋_GB2312 on a 22-line grid, titles, three heading levels, signature, fast tables and "— N —" page numbers
alternating right and left. The numbers and python-docx settings come from /work/shared/WORD.md, where they were
measured with LibreOffice; styles carry the formatting, so paragraphs hold only their text and style.
"""

from __future__ import annotations

import copy
import datetime
import io
import re
import secrets
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import IO

import docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt
from docx.styles.style import ParagraphStyle
from docx.table import Table
from docx.text.paragraph import Paragraph

FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_HEI = "黑体"
FONT_KAI = "楷体_GB2312"
FONT_SONG = "宋体"
LATIN = "Times New Roman"

BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
PAGE_NUMBER_PT = 14  # 4号
LINE = Pt(28.95)  # one grid line: w:line="579" exact
LINE_PITCH = 579  # the same in twips, for w:docGrid
TITLE_LINE = Pt(35)
TWIPS_PER_CHAR = BODY_PT * 20
CHAR_SPACING = -5  # twips: each body character is squeezed 0.25 pt
TWIPS_PER_MM = 1440 / 25.4

# (top, bottom, left, right) in mm.
PORTRAIT_MARGINS_MM = (37, 35, 28, 26)
LANDSCAPE_MARGINS_MM = (28, 26, 37, 35)
# The page number's line sits 7 mm below the type area; its 14 pt line is about 6 mm high.
FOOTER_ABOVE_BOTTOM_MM = 13

STYLE_BODY = "GB Body"
STYLE_TITLE = "GB Title"
STYLE_SUBTITLE = "GB Subtitle"
STYLE_DOC_NUMBER = "GB Doc Number"
STYLE_HEADINGS = ("GB Heading 1", "GB Heading 2", "GB Heading 3")
STYLE_TABLE_TEXT = "GB Table Text"

_ALIGN = {
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}
_JC = {"justify": "both", "left": "left", "center": "center", "right": "right"}

# Characters XML 1.0 cannot hold: python-docx raises ValueError on the first group and UnicodeEncodeError on
# lone surrogates when saving.
_INVALID_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

_THEME_FONT_ATTRS = tuple(qn(f"w:{a}") for a in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"))
_T = qn("w:t")

# Child order of w:pPr and w:rPr (ECMA-376), so inserted elements land where Word expects them.
_PPR_SEQ = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl", "w:numPr",
    "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
    "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
    "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
_RPR_SEQ = (
    "w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike", "w:dstrike",
    "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid", "w:vanish", "w:webHidden",
    "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect",
    "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
    "w:specVanish", "w:oMath",
)  # fmt: skip

_SECTPR_SEQ = (
    "w:headerReference", "w:footerReference", "w:footnotePr", "w:endnotePr", "w:type", "w:pgSz", "w:pgMar",
    "w:paperSrc", "w:pgBorders", "w:lnNumType", "w:pgNumType", "w:cols", "w:formProt", "w:vAlign",
    "w:noEndnote", "w:titlePg", "w:textDirection", "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings",
    "w:sectPrChange",
)  # fmt: skip


def clean_text(value: object) -> str:
    """Return `value` as text that Word can store: None becomes "", anything else goes through str().

    Characters XML cannot hold (C0 controls except tab and newline, U+FFFE, U+FFFF, lone surrogates) are
    dropped; "\\r\\n" and "\\r" become "\\n".
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _INVALID_XML.sub("", text)


def format_date(d: datetime.date) -> str:
    """Format a date the way official documents write it: 2025年3月1日 (no leading zeros)."""
    return f"{d.year}年{d.month}月{d.day}日"


def format_datetime(dt: datetime.datetime) -> str:
    """Format a moment as 2025年3月1日 14:05 (24-hour clock)."""
    return f"{format_date(dt)} {dt:%H:%M}"


def _child(parent, seq: tuple[str, ...], tag: str, **attrs: str):
    """Return `parent`'s `tag` child, created in schema order if missing, with `attrs` set (w: namespace)."""
    el = parent.find(qn(tag))
    if el is None:
        el = OxmlElement(tag)
        parent.insert_element_before(el, *seq[seq.index(tag) + 1 :])
    for name, value in attrs.items():
        el.set(qn(f"w:{name}"), value)
    return el


def _set_fonts(rpr, east_asia: str, latin: str = LATIN) -> None:
    """Set explicit Latin and East Asian fonts on a w:rPr and drop theme fonts, which would override them."""
    rfonts = _child(rpr, _RPR_SEQ, "w:rFonts")
    for attr in _THEME_FONT_ATTRS:
        rfonts.attrib.pop(attr, None)
    for attr in ("ascii", "hAnsi", "cs"):
        rfonts.set(qn(f"w:{attr}"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)


def _set_size(rpr, points: float) -> None:
    half_points = str(round(points * 2))
    _child(rpr, _RPR_SEQ, "w:sz", val=half_points)
    _child(rpr, _RPR_SEQ, "w:szCs", val=half_points)


def _first_line_indent(ppr) -> None:
    """Indent the first line by two characters; firstLineChars keeps it right if the font size changes."""
    _child(ppr, _PPR_SEQ, "w:ind", firstLine=str(2 * TWIPS_PER_CHAR), firstLineChars="200")


def _indent(paragraph: Paragraph, *, left: int = 0, right: int = 0) -> None:
    """Set a paragraph's left and right indents in twips."""
    _child(paragraph._p.get_or_add_pPr(), _PPR_SEQ, "w:ind", left=str(max(left, 0)), right=str(max(right, 0)))


def _no_autospace(paragraph: Paragraph) -> None:
    """Drop the automatic gaps between Chinese and Latin or digits, so the line's width is predictable."""
    ppr = paragraph._p.get_or_add_pPr()
    _child(ppr, _PPR_SEQ, "w:autoSpaceDE", val="0")
    _child(ppr, _PPR_SEQ, "w:autoSpaceDN", val="0")


def _width_twips(text: str) -> int:
    """Printed width of a body-text line without automatic CJK/Latin gaps, each character squeezed 0.25 pt."""
    wide = sum(1 for c in text if unicodedata.east_asian_width(c) in "WFA")
    narrow = len(text) - wide
    return wide * (TWIPS_PER_CHAR + CHAR_SPACING) + narrow * (TWIPS_PER_CHAR // 2 + CHAR_SPACING)


def _mm_to_twips(mm: float) -> int:
    return round(mm * TWIPS_PER_MM)


def _fill_run(t, text: str) -> None:
    """Put `text` into the run holding `t`, turning "\\n" into line breaks and "\\t" into tabs."""
    if "\n" not in text and "\t" not in text:
        t.text = text
        return
    run = t.getparent()
    run.remove(t)
    for part in re.split(r"(\n|\t)", text):
        if part == "\n":
            run.append(OxmlElement("w:br"))
        elif part == "\t":
            run.append(OxmlElement("w:tab"))
        elif part:
            el = OxmlElement("w:t")
            el.set(qn("xml:space"), "preserve")
            el.text = part
            run.append(el)


def _escape(text: str) -> str:
    """Escape text for an element's content exactly as lxml serialises it (quotes stay as they are)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_BREAK_XML = {"\n": "<w:br/>", "\t": "<w:tab/>"}


def _run_content_xml(text: str) -> str:
    """The children of a table cell's run holding `text` (already cleaned), serialised as `_fill_run` leaves them."""
    if "\n" not in text and "\t" not in text:
        return f'<w:t xml:space="preserve">{_escape(text)}</w:t>'
    return "".join(_BREAK_XML.get(part) or f'<w:t xml:space="preserve">{_escape(part)}</w:t>'
                   for part in re.split(r"(\n|\t)", text) if part)


# Rows of a streamed table written to the zip at once: large enough to keep the write calls few, small enough that
# memory does not grow with the table.
_STREAM_BATCH = 500


@dataclass
class _StreamedTable:
    """A table whose data rows are written at save time from `rows`, each a copy of the template row in the XML."""

    markers: list[str]  # the placeholder text of each cell of the template row, in order
    rows: Iterable[Sequence[object]]


_BLANKS: dict[bool, bytes] = {}  # the set-up empty document, portrait (False) and landscape (True)


class OfficialDocument:
    """A GB/T 9704-2012 document under construction; call the builders in reading order, then `to_bytes()` or
    `write()`.

    `doc` is the underlying python-docx document for rare extras. Large tables can be streamed (`table(...,
    stream=True)`): their rows are only read, and written, when the document is saved, so memory does not grow
    with them; text that depends on those rows (a count under the table) comes from `later()`.
    """

    doc: DocxDocument

    def __init__(self, *, landscape: bool = False) -> None:
        """Start an empty A4 document, portrait or landscape, with the official styles and page numbers."""
        self.landscape = landscape
        _, _, left, right = LANDSCAPE_MARGINS_MM if landscape else PORTRAIT_MARGINS_MM
        self.text_width_mm: float = (297 if landscape else 210) - left - right
        self._title_paragraph: Paragraph | None = None
        # Placeholders are private-use characters around a random token, so no stored text can look like one.
        self._token = secrets.token_hex(8)
        self._streams: list[_StreamedTable] = []
        self._laters: dict[str, Callable[[], object]] = {}
        blank = _BLANKS.get(landscape)
        if blank is None:
            self.doc = docx.Document()
            self._setup_page()
            self._setup_styles()
            self._setup_settings()
            self._setup_page_numbers()
            _BLANKS[landscape] = blank = self._saved()
        # Setting up the page and styles takes a python-docx document ~30 ms; opening the result, a quarter of it.
        self.doc = docx.Document(io.BytesIO(blank))
        props = self.doc.core_properties
        props.author = props.last_modified_by = ""
        props.language = "zh-CN"
        props.created = props.modified = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)

    # -- setup ---------------------------------------------------------------------------------------------

    def _setup_page(self) -> None:
        section = self.doc.sections[0]
        if self.landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Mm(297), Mm(210)
            top, bottom, left, right = LANDSCAPE_MARGINS_MM
        else:
            section.orientation = WD_ORIENT.PORTRAIT
            section.page_width, section.page_height = Mm(210), Mm(297)
            top, bottom, left, right = PORTRAIT_MARGINS_MM
        section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
        section.left_margin, section.right_margin = Mm(left), Mm(right)
        section.gutter = Mm(0)
        section.header_distance = Mm(15)
        section.footer_distance = Mm(bottom - FOOTER_ABOVE_BOTTOM_MM)
        grid = _child(section._sectPr, _SECTPR_SEQ, "w:docGrid")
        grid.attrib.pop(qn("w:charSpace"), None)
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(LINE_PITCH))

    def _setup_styles(self) -> None:
        styles = self.doc.styles
        root = styles.element
        defaults = root.find(qn("w:docDefaults"))
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        _set_fonts(rpr, FONT_BODY)
        _set_size(rpr, BODY_PT)
        _child(rpr, _RPR_SEQ, "w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA")
        ppr = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}")
        old = ppr.find(qn("w:spacing"))
        if old is not None:
            ppr.remove(old)
        _child(ppr, _PPR_SEQ, "w:spacing", before="0", after="0", line="240", lineRule="auto")

        # Theme fonts override explicit ones in Word, and the template's theme is Latin/Japanese: replace every
        # theme reference, and give paragraph and table styles explicit fonts.
        for rfonts in root.iter(qn("w:rFonts")):
            if any(a in rfonts.attrib for a in _THEME_FONT_ATTRS):
                _set_fonts(rfonts.getparent(), FONT_BODY, rfonts.get(qn("w:ascii"), LATIN))
        for style in root.iterfind(qn("w:style")):
            if style.get(qn("w:type")) in ("paragraph", "table"):
                rpr = style.get_or_add_rPr()
                rfonts = rpr.find(qn("w:rFonts"))
                if rfonts is None:
                    _set_fonts(rpr, FONT_BODY)
                elif rfonts.get(qn("w:eastAsia")) is None:
                    rfonts.set(qn("w:eastAsia"), FONT_BODY)

        normal = styles["Normal"]
        self._style_fonts(normal, FONT_BODY, BODY_PT)
        # −0.25 pt per character brings 28 characters onto the 156 mm line (WORD.md).
        _child(normal.element.get_or_add_rPr(), _RPR_SEQ, "w:spacing", val=str(CHAR_SPACING))
        pf = normal.paragraph_format
        pf.space_before = pf.space_after = Pt(0)
        pf.line_spacing = LINE
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        # The standard wants 22 lines on every page; widow control would end pages a line early.
        pf.widow_control = False

        body = self._new_style(STYLE_BODY, FONT_BODY, BODY_PT)
        _first_line_indent(body.element.get_or_add_pPr())

        title = self._new_style(STYLE_TITLE, FONT_TITLE, TITLE_PT, align="center", keep_next=True)
        title.paragraph_format.line_spacing = TITLE_LINE
        title.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        # Off the grid, or LibreOffice gives each 35 pt title line two 28.95 pt grid lines.
        _child(title.element.get_or_add_pPr(), _PPR_SEQ, "w:snapToGrid", val="0")
        self._new_style(STYLE_SUBTITLE, FONT_KAI, BODY_PT, align="center", keep_next=True)
        self._new_style(STYLE_DOC_NUMBER, FONT_BODY, BODY_PT, align="center", keep_next=True)

        for level, (name, font) in enumerate(zip(STYLE_HEADINGS, (FONT_HEI, FONT_KAI, FONT_BODY))):
            heading = self._new_style(name, font, BODY_PT, keep_next=True, bold=level == 2)
            heading.next_paragraph_style = body
            ppr = heading.element.get_or_add_pPr()
            _first_line_indent(ppr)
            _child(ppr, _PPR_SEQ, "w:outlineLvl", val=str(level))

        table_text = self._new_style(STYLE_TABLE_TEXT, FONT_BODY, 12, align="left")
        self._single_spaced_off_grid(table_text)

        footer = styles["Footer"]
        self._style_fonts(footer, FONT_SONG, PAGE_NUMBER_PT, latin=FONT_SONG)
        self._single_spaced_off_grid(footer)

    def _setup_settings(self) -> None:
        settings = self.doc.settings.element
        # A justified line ending in a manual line break ("\n") must not be stretched across the page.
        compat = settings.find(qn("w:compat"))
        if compat is not None and compat.find(qn("w:doNotExpandShiftReturn")) is None:
            compat.insert(0, OxmlElement("w:doNotExpandShiftReturn"))
        lang = settings.find(qn("w:themeFontLang"))
        if lang is not None:
            lang.set(qn("w:eastAsia"), "zh-CN")

    def _style_fonts(self, style, east_asia: str, size_pt: float, *, latin: str = LATIN) -> None:
        rpr = style.element.get_or_add_rPr()
        _set_fonts(rpr, east_asia, latin)
        _set_size(rpr, size_pt)

    def _new_style(
        self,
        name: str,
        east_asia: str,
        size_pt: float,
        *,
        align: str | None = None,
        keep_next: bool = False,
        bold: bool = False,
    ) -> ParagraphStyle:
        style = self.doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = self.doc.styles["Normal"]
        style.quick_style = True
        self._style_fonts(style, east_asia, size_pt)
        if bold:
            style.font.bold = True
        if align:
            style.paragraph_format.alignment = _ALIGN[align]
        if keep_next:
            style.paragraph_format.keep_with_next = True
        return style

    @staticmethod
    def _single_spaced_off_grid(style) -> None:
        """Single line spacing, no character squeeze, off the line grid (else lines snap to 28.95 pt)."""
        pf = style.paragraph_format
        pf.line_spacing = 1.0
        pf.space_before = pf.space_after = Pt(0)
        _child(style.element.get_or_add_pPr(), _PPR_SEQ, "w:snapToGrid", val="0")
        _child(style.element.get_or_add_rPr(), _RPR_SEQ, "w:spacing", val="0")

    def _setup_page_numbers(self) -> None:
        self.doc.settings.odd_and_even_pages_header_footer = True
        section = self.doc.sections[0]
        for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
            p = footer.paragraphs[0]
            p.style = self.doc.styles["Footer"]
            if odd:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                p.paragraph_format.right_indent = Pt(PAGE_NUMBER_PT)
            else:
                p.alignment = WD_ALIGN_PARAGRAPH.LEFT
                p.paragraph_format.left_indent = Pt(PAGE_NUMBER_PT)
            p.add_run("— ")
            for xml in (
                '<w:fldChar w:fldCharType="begin"/>',
                '<w:instrText xml:space="preserve"> PAGE </w:instrText>',
                '<w:fldChar w:fldCharType="separate"/>',
                "<w:t>1</w:t>",
                '<w:fldChar w:fldCharType="end"/>',
            ):
                p._p.append(parse_xml(f"<w:r {nsdecls('w')}>{xml}</w:r>"))
            p.add_run(" —")

    # -- content -------------------------------------------------------------------------------------------

    def _add(self, text: object, style: str) -> Paragraph:
        return self.doc.add_paragraph(clean_text(text), style=self.doc.styles[style])

    def title(self, text: str) -> None:
        """Add the title: 2号 方正小标宋简体, centred, one blank line before the body ("\\n" breaks lines)."""
        p = self._add(text, STYLE_TITLE)
        p.paragraph_format.space_after = LINE
        self._title_paragraph = p
        if not self.doc.core_properties.title:
            self.doc.core_properties.title = clean_text(text).replace("\n", "")

    def subtitle(self, text: str) -> None:
        """Add a line under the title such as "（2024年1月1日至2024年12月31日）": 3号 楷体, centred."""
        p = self._add(text, STYLE_SUBTITLE)
        self._move_blank_line_to(p)

    def doc_number(self, text: str) -> None:
        """Add the issuing number (发文字号, e.g. 某法院〔2025〕12号), centred, with a blank line after it."""
        p = self._add(text, STYLE_DOC_NUMBER)
        p.paragraph_format.space_after = LINE

    def _move_blank_line_to(self, p: Paragraph) -> None:
        """Keep the blank line after the whole title block rather than between title and subtitle."""
        previous = p._p.getprevious()
        if self._title_paragraph is not None and previous is self._title_paragraph._p:
            self._title_paragraph.paragraph_format.space_after = Pt(0)
            p.paragraph_format.space_after = LINE
            self._title_paragraph = p

    def heading(self, text: str, level: int) -> None:
        """Add a heading; the caller numbers it. Level 1 黑体 "一、", 2 楷体 "（一）", 3 仿宋 bold "1."."""
        if level not in (1, 2, 3):
            raise ValueError(f"heading level must be 1, 2 or 3, not {level!r}")
        self._add(text, STYLE_HEADINGS[level - 1])

    def paragraph(self, text: str, *, indent: bool = True, align: str = "justify") -> None:
        """Add a body paragraph (3号 仿宋_GB2312 on the line grid); "\\n" in `text` becomes a line break.

        `indent` gives the first line a two-character indent; `align` is justify, left, center or right.
        """
        if align not in _ALIGN:
            raise ValueError(f"align must be one of {sorted(_ALIGN)}, not {align!r}")
        p = self._add(text, STYLE_BODY if indent else "Normal")
        if align != "justify":
            p.alignment = _ALIGN[align]

    def salutation(self, text: str) -> None:
        """Add the addressee line (主送), e.g. "张三代表：", flush left."""
        self._add(text, "Normal")

    def split_line(self, left: str, right: str) -> None:
        """Add one body line with `left` flush left and `right` flush right (e.g. "共 12 人" and a date)."""
        p = self._add(f"{clean_text(left)}\t{clean_text(right)}", "Normal")
        p.paragraph_format.tab_stops.add_tab_stop(Mm(self.text_width_mm), WD_TAB_ALIGNMENT.RIGHT)

    def signature(self, issuer: str, date: datetime.date) -> None:
        """Add the issuer and date of an unsealed document, one blank line under the body.

        The issuer ends two characters from the right margin; the date starts two characters right of the
        issuer's first character, unless that would bring it nearer than two characters to the margin, in
        which case the date ends two characters from the margin and the issuer moves left (GB/T 9704 7.3.5.2).
        """
        issuer_text, date_text = clean_text(issuer), format_date(date)
        line = round(self.text_width_mm * TWIPS_PER_MM)
        two_chars = 2 * TWIPS_PER_CHAR
        issuer_width, date_width = _width_twips(issuer_text), _width_twips(date_text)
        issuer_p = self._add(issuer_text, "Normal")
        issuer_p.paragraph_format.space_before = LINE
        date_p = self._add(date_text, "Normal")
        # Right alignment pins an end exactly; the other line is placed by its measured width, with a character
        # to spare so that a font wider than the measured one (digits, above all) cannot wrap it.
        if date_width + two_chars + TWIPS_PER_CHAR <= issuer_width:
            issuer_p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _indent(issuer_p, right=two_chars)
            date_p.alignment = WD_ALIGN_PARAGRAPH.LEFT
            _indent(date_p, left=line - issuer_width)
        else:
            date_p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _indent(date_p, right=two_chars)
            issuer_p.alignment = WD_ALIGN_PARAGRAPH.LEFT
            _indent(issuer_p, left=line - 2 * two_chars - date_width)
        for p in (issuer_p, date_p):
            _no_autospace(p)

    def page_break(self) -> None:
        """Start a new page."""
        self.doc.add_page_break()

    def table(
        self,
        headers: list[str],
        rows: Iterable[Sequence[object]],
        *,
        widths_mm: list[float] | None = None,
        font_size_pt: float = 12,
        total_row: Sequence[object] | None = None,
        aligns: list[str] | None = None,
        stream: bool = False,
    ) -> Table:
        """Add a bordered table: a bold header row repeated on every page, then `rows`, then `total_row` in bold.

        Values go through `clean_text` (None is empty; "\\n" breaks the line). `widths_mm` defaults to equal
        columns across the type area; `aligns` (left, center, right, justify per column) defaults to left.
        Rows never split across pages. Rows are copies of one prepared row, so thousands take milliseconds.
        Returns the python-docx table for rare extras.

        `stream`: `rows` (any iterable, e.g. a generator over a query) is read only when the document is saved,
        and each row is written straight into the file as the prepared row's XML with the cell texts put in: the
        document is the same, but neither the rows nor their XML are held in memory. The returned table then
        holds the header, one placeholder row and the total row; do not change the placeholder row.
        """
        n = len(headers)
        if widths_mm is None:
            widths_mm = [self.text_width_mm / n] * n
        aligns = aligns or ["left"] * n
        if len(widths_mm) != n or len(aligns) != n:
            raise ValueError("headers, widths_mm and aligns must have the same length")
        if not set(aligns) <= set(_JC):
            raise ValueError(f"aligns must be among {sorted(_JC)}, not {aligns!r}")
        widths = [_mm_to_twips(w) for w in widths_mm]

        body = self.doc.element.body
        last = body.sectPr.getprevious() if body.sectPr is not None else None
        if last is not None and last.tag == qn("w:tbl"):
            self.doc.add_paragraph()  # two adjacent tables would merge into one

        grid_style = self.doc.styles["Table Grid"].style_id
        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
        tbl = parse_xml(
            f"<w:tbl {nsdecls('w')}><w:tblPr>"
            f'<w:tblStyle w:val="{grid_style}"/><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
            '<w:jc w:val="center"/><w:tblLayout w:type="fixed"/>'
            '<w:tblLook w:val="0420" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0"'
            ' w:noHBand="1" w:noVBand="1"/>'
            f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid></w:tbl>"
        )
        body._insert_tbl(tbl)

        def prototype(*, bold: bool, header: bool, cell_aligns: list[str]):
            return parse_xml(self._row_xml(widths, cell_aligns, font_size_pt, bold=bold, header=header))

        head = prototype(bold=True, header=True, cell_aligns=["center"] * n)
        self._fill_row(head, headers, n)
        tbl.append(head)
        proto = prototype(bold=False, header=False, cell_aligns=aligns)
        if stream:
            markers = [self._marker(f"c{len(self._streams)}.{j}") for j in range(n)]
            self._fill_row(proto, markers, n)
            tbl.append(proto)
            self._streams.append(_StreamedTable(markers, rows))
        else:
            for values in rows:
                tr = copy.deepcopy(proto)
                self._fill_row(tr, values, n)
                tbl.append(tr)
        if total_row is not None:
            tr = prototype(bold=True, header=False, cell_aligns=aligns)
            self._fill_row(tr, total_row, n)
            tbl.append(tr)
        return self.doc.tables[-1]

    def _row_xml(self, widths: list[int], aligns: list[str], size_pt: float, *, bold: bool, header: bool) -> str:
        style_id = self.doc.styles[STYLE_TABLE_TEXT].style_id
        half_points = round(size_pt * 2)
        b = "<w:b/><w:bCs/>" if bold else ""
        cells = "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
            f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/><w:snapToGrid w:val="0"/><w:jc w:val="{_JC[a]}"/></w:pPr>'
            f'<w:r><w:rPr>{b}<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr>'
            '<w:t xml:space="preserve"></w:t></w:r></w:p></w:tc>'
            for w, a in zip(widths, aligns)
        )
        tr_pr = "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if header else "<w:trPr><w:cantSplit/></w:trPr>"
        return f"<w:tr {nsdecls('w')}>{tr_pr}{cells}</w:tr>"

    @staticmethod
    def _fill_row(tr, values: Sequence[object], n: int) -> None:
        if len(values) != n:
            raise ValueError(f"a table row needs {n} values, got {len(values)}: {values!r}")
        for t, value in zip(list(tr.iter(_T)), values):
            _fill_run(t, clean_text(value))

    def _marker(self, name: str) -> str:
        return f"\ue000{self._token}:{name}\ue001"

    def later(self, value: Callable[[], object]) -> str:
        """A placeholder for text known only once the streamed tables before it are written (e.g. "共 N 人" counted
        while their rows were read): put it in any text given to the builders; on saving, `value()` (one line,
        through `clean_text`) replaces it. Without streamed tables it is resolved on saving too.
        """
        marker = self._marker(f"l{len(self._laters)}")
        self._laters[marker] = value
        return marker

    def _saved(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()

    def to_bytes(self) -> bytes:
        """Return the finished .docx file."""
        buffer = io.BytesIO()
        self.write(buffer)
        return buffer.getvalue()

    def write(self, target: IO[bytes]) -> None:
        """Write the finished .docx file to a binary file (a temporary file for a large streamed table).

        Without streamed tables or `later()` texts this is python-docx's own save. Otherwise python-docx saves the
        (small) document with the placeholder rows, and the zip is copied part by part, word/document.xml
        streamed: the XML before each placeholder row, the table's rows made from that row, the XML after it.
        """
        if not self._streams and not self._laters:
            self.doc.save(target)
            return
        package = io.BytesIO()
        self.doc.save(package)
        with zipfile.ZipFile(package) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for info in source.infolist():
                if info.filename == "word/document.xml":
                    with out.open(info.filename, "w") as part:
                        self._write_document_xml(source.read(info).decode("utf-8"), part)
                else:
                    out.writestr(info, source.read(info))
        self._streams.clear()  # their rows are read: the document cannot be saved twice

    def _write_document_xml(self, xml: str, part: IO[bytes]) -> None:
        position = 0
        for table in self._streams:
            first, last = xml.find(table.markers[0]), xml.find(table.markers[-1])
            start = max(xml.rfind("<w:tr>", 0, first), xml.rfind("<w:tr ", 0, first))
            end = xml.find("</w:tr>", last) + len("</w:tr>")
            if not position <= start < first <= last < end:
                raise RuntimeError("the streamed table's placeholder row is missing or was changed")
            part.write(self._resolve_laters(xml[position:start]).encode("utf-8"))
            self._write_rows(xml[start:end], table, part)
            position = end
        part.write(self._resolve_laters(xml[position:]).encode("utf-8"))

    @staticmethod
    def _write_rows(row: str, table: _StreamedTable, part: IO[bytes]) -> None:
        """Write a row per item of `table.rows`: the template `row` with each cell's placeholder `<w:t>` replaced
        by the cell's text as `_fill_run` would have made it."""
        pieces, position = [], 0
        for marker in table.markers:
            at = row.index(marker)
            t_start, t_end = row.rindex("<w:t ", 0, at), row.index("</w:t>", at) + len("</w:t>")
            pieces.append(row[position:t_start])
            position = t_end
        tail = row[position:]
        n = len(pieces)
        batch: list[str] = []
        for values in table.rows:
            if len(values) != n:
                raise ValueError(f"a table row needs {n} values, got {len(values)}: {values!r}")
            for piece, value in zip(pieces, values):
                batch.append(piece)
                batch.append(_run_content_xml(clean_text(value)))
            batch.append(tail)
            if len(batch) >= _STREAM_BATCH * (2 * n + 1):
                part.write("".join(batch).encode("utf-8"))
                batch.clear()
        part.write("".join(batch).encode("utf-8"))

    def _resolve_laters(self, xml: str) -> str:
        if "\ue000" not in xml:
            return xml
        for marker, value in self._laters.items():
            if marker in xml:
                text = clean_text(value())
                if "\n" in text or "\t" in text:
                    raise ValueError(f"later() text must be one line, not {text!r}")
                xml = xml.replace(marker, _escape(text))
        return xml

