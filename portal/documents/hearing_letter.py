"""The invitation letter (邀请函) as a Word template staff can edit, and letters filled from it.

A template is an ordinary .docx with placeholders such as {{代表姓名}} and {{案号}} in its text. Word often splits
what one types into several runs; a placeholder spanning runs is put together in the first of them, which keeps
that run's formatting. Values go in as plain text (python-docx escapes them), cleaned of characters XML cannot
hold. Letters for many invitees go into one file, each letter in its own section starting on a new page with
its page number restarting at 1.
"""
from __future__ import annotations

import copy
import datetime
import io
import re
import zipfile
from dataclasses import dataclass

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.run import Run

from portal.documents.gbt9704 import OfficialDocument, clean_text, format_date

PLACEHOLDERS = {
    "代表姓名": "受邀代表委员的姓名",
    "称谓": "“代表”或“委员”",
    "案号": "如（2024）桂0981民初1234号",
    "案由": "如民间借贷纠纷",
    "案件类型": "刑事、民事、行政或执行",
    "开庭时间": "如2025年3月1日（星期六）上午9时30分",
    "法庭": "开庭的法庭",
    "审判长": "审判长姓名",
    "承办部门": "承办的审判庭",
    "邀请事由": "邀请旁听的事由",
    "法院名称": "承办法院的名称",
    "联系人": "发出邀请的联络员",
    "联系电话": "联络员的电话",
    "日期": "生成邀请函的日期",
}
REQUIRED = ("代表姓名",)
_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")
_SECTPR_AFTER_TYPE = ("w:pgSz", "w:pgMar", "w:paperSrc", "w:pgBorders", "w:lnNumType", "w:pgNumType", "w:cols",
                      "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection", "w:bidi",
                      "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")
_SECTPR_AFTER_PGNUM = _SECTPR_AFTER_TYPE[_SECTPR_AFTER_TYPE.index("w:pgNumType") + 1:]
WEEKDAYS = "一二三四五六日"


@dataclass
class LetterValues:
    """One letter's placeholder values."""

    values: dict[str, str]


def hearing_time_text(moment: datetime.datetime) -> str:
    """2025年3月1日（星期六）上午9时30分, as letters write a local time."""
    half = "上午" if moment.hour < 12 else "下午"
    hour = moment.hour if moment.hour <= 12 else moment.hour - 12
    minutes = f"{moment.minute}分" if moment.minute else ""
    return f"{format_date(moment.date())}（星期{WEEKDAYS[moment.weekday()]}）{half}{hour}时{minutes}"


# --- the default template ---------------------------------------------------------------------------------------

def default_template(court_name: str) -> bytes:
    """The letter in the GB/T 9704 layout with placeholders; the signature is laid out for ``court_name``."""
    document = OfficialDocument()
    document.title("邀请函")
    document.salutation("尊敬的{{代表姓名}}{{称谓}}：")
    document.paragraph("为进一步拓宽人大代表、政协委员监督司法工作的渠道，增进对人民法院审判工作的了解，"
                       "我院定于{{开庭时间}}在{{法庭}}开庭审理{{案号}}{{案由}}一案，审判长{{审判长}}。")
    document.paragraph("{{邀请事由}}")
    document.paragraph("诚挚邀请您莅临旁听庭审，并参加庭后座谈，对我院审判工作提出宝贵意见和建议。"
                       "请于开庭前二十分钟到达我院签到；如不能出席，请及时告知。")
    document.paragraph("联系人：{{联系人}}　联系电话：{{联系电话}}")
    # Laid out with the court's real name (the issuer's width sets where the date goes), then made placeholders.
    document.signature(court_name or "人民法院", datetime.date(2025, 12, 31))
    paragraphs = document.doc.paragraphs
    issuer, day = paragraphs[-2], paragraphs[-1]
    issuer.runs[0].text = "{{法院名称}}"
    day.runs[0].text = "{{日期}}"
    document.doc.core_properties.title = "邀请函"
    return document.to_bytes()


# --- checking an uploaded template ------------------------------------------------------------------------------

def _paragraph_runs(p) -> list:
    return [r for r in p if r.tag == qn("w:r")]


def _text_parts(document) -> list:
    """Every paragraph element of the body, headers and footers."""
    paragraphs = list(document.element.body.iter(qn("w:p")))
    for rel in document.part.rels.values():
        if rel.reltype in (RT.HEADER, RT.FOOTER) and not rel.is_external:
            paragraphs += list(rel.target_part.element.iter(qn("w:p")))
    return paragraphs


def placeholders_in(data: bytes) -> set[str]:
    document = docx.Document(io.BytesIO(data))
    found = set()
    for p in _text_parts(document):
        text = "".join(Run(r, None).text for r in _paragraph_runs(p))
        found.update(m.group(1) for m in _PLACEHOLDER.finditer(text))
    return found


def template_problem(data: bytes) -> str | None:
    """Why ``data`` cannot serve as the letter template (in Chinese), or None."""
    try:
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise ValueError
        found = placeholders_in(data)
    except Exception:  # python-docx raises many kinds of errors on a file that is not a Word document
        return "文件不是有效的 Word（.docx）文档，请用 Word 或 WPS 另存为 .docx 后再上传。"
    unknown = sorted(found - set(PLACEHOLDERS))
    if unknown:
        names = "、".join("{{" + name + "}}" for name in unknown)
        return f"模板中有无法识别的占位符：{names}。可用的占位符见页面说明。"
    missing = [name for name in REQUIRED if name not in found]
    if missing:
        return "模板中没有 {{" + missing[0] + "}}，无法为每位代表委员生成各自的邀请函。"
    return None


# --- filling ----------------------------------------------------------------------------------------------------

def fill_paragraph(p, values: dict[str, str]) -> None:
    """Replace the known placeholders of one paragraph element, even when Word split them across runs."""
    runs = [Run(r, None) for r in _paragraph_runs(p)]
    if not runs:
        return
    texts = [run.text for run in runs]
    joined = "".join(texts)
    if "{{" not in joined:
        return
    starts, offset = [], 0
    for text in texts:
        starts.append(offset)
        offset += len(text)

    def run_at(position: int) -> int:
        index = 0
        for k, start in enumerate(starts):
            if start <= position and len(texts[k]) > 0:
                index = k
        return index

    for match in reversed(list(_PLACEHOLDER.finditer(joined))):
        name = match.group(1)
        if name not in values:
            continue
        first, last = run_at(match.start()), run_at(match.end() - 1)
        value = clean_text(values[name])
        head = runs[first].text[: match.start() - starts[first]]
        if first == last:
            tail = runs[first].text[match.end() - starts[first]:]
            runs[first].text = head + value + tail
        else:
            runs[first].text = head + value
            for k in range(first + 1, last):
                runs[k].text = ""
            runs[last].text = runs[last].text[match.end() - starts[last]:]


def _fill_tree(element, values: dict[str, str]) -> None:
    for p in list(element.iter(qn("w:p"))):
        fill_paragraph(p, values)


def _section_break(body_sectpr):
    """A copy of the document's section properties that starts a new page and restarts page numbers."""
    sectpr = copy.deepcopy(body_sectpr)
    for tag in ("w:type", "w:pgNumType"):
        old = sectpr.find(qn(tag))
        if old is not None:
            sectpr.remove(old)
    _insert_before(sectpr, _page_numbers_from_one(), _SECTPR_AFTER_PGNUM)
    kind = OxmlElement("w:type")
    kind.set(qn("w:val"), "nextPage")
    _insert_before(sectpr, kind, _SECTPR_AFTER_TYPE)
    return sectpr


def _page_numbers_from_one():
    element = OxmlElement("w:pgNumType")
    element.set(qn("w:start"), "1")
    return element


def _insert_before(parent, child, successors: tuple[str, ...]) -> None:
    for tag in successors:
        found = parent.find(qn(tag))
        if found is not None:
            found.addprevious(child)
            return
    parent.append(child)


def fill_letters(template: bytes, letters: list[dict[str, str]]) -> bytes:
    """One file with a letter per entry of ``letters``, each filled from ``template`` and starting a new page."""
    if not letters:
        raise ValueError("no letters to write")
    document = docx.Document(io.BytesIO(template))
    body = document.element.body
    body_sectpr = body.find(qn("w:sectPr"))
    content = [el for el in body if el.tag != qn("w:sectPr")]
    for el in content:
        body.remove(el)
    for n, values in enumerate(letters):
        copies = [copy.deepcopy(el) for el in content]
        for el in copies:
            _fill_tree(el, values)
        if n < len(letters) - 1 and body_sectpr is not None:
            last = copies[-1] if copies and copies[-1].tag == qn("w:p") else None
            if last is None:
                last = OxmlElement("w:p")
                copies.append(last)
            ppr = last.find(qn("w:pPr"))
            if ppr is None:
                ppr = OxmlElement("w:pPr")
                last.insert(0, ppr)
            ppr.append(_section_break(body_sectpr))
        for el in copies:
            if body_sectpr is not None:
                body_sectpr.addprevious(el)
            else:
                body.append(el)
    if body_sectpr is not None and len(letters) > 1:
        old = body_sectpr.find(qn("w:pgNumType"))
        if old is not None:
            body_sectpr.remove(old)
        _insert_before(body_sectpr, _page_numbers_from_one(), _SECTPR_AFTER_PGNUM)
    # Headers and footers are shared by every letter: only values common to all letters belong there.
    common = {k: v for k, v in letters[0].items() if all(letter.get(k) == v for letter in letters)}
    for rel in document.part.rels.values():
        if rel.reltype in (RT.HEADER, RT.FOOTER) and not rel.is_external:
            _fill_tree(rel.target_part.element, common)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
