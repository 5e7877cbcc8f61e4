"""The hearings' Word documents: invitation letters (邀请函) from a Word template staff can edit, the attendance
and forum record of a hearing (旁听庭审记录), and the period's list (旁听庭审情况统计表).

The letter template is an ordinary .docx with placeholders such as {{代表姓名}} and {{案号}} in its text, kept per
court as an attachment (``TEMPLATE_OWNER``; the default one is laid out here). Word often splits what one types
into several runs; a placeholder spanning runs is put together in the first of them, which keeps that run's
formatting. Values go in as plain text (python-docx escapes them), cleaned of characters XML cannot hold. Letters
for many invitees go into one file, each letter in its own section starting on a new page with its page number
restarting at 1.

The record and the list are plain data objects, built from the database here and laid out in the GB/T 9704
official layout (``portal.documents.gbt9704``) by ``build_record_docx`` and ``build_period_docx``.
"""
from __future__ import annotations

import copy
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.run import Run
from flask_login import current_user
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import FileStorage

from portal import clock, uploads
from portal.attachments import Attachment, remove_file, save_files
from portal.auth.models import Court
from portal.documents.gbt9704 import OfficialDocument, clean_text, format_date
from portal.documents.xlsx import Sheet, build_workbook, list_title
from portal.extensions import db
from portal.hearings import services
from portal.hearings.models import (
    SCORE_FIELDS,
    Hearing,
    HearingInvitation,
    HearingOpinion,
    HearingStatus,
    InvitationStatus,
)
from portal.items.models import ItemOrigin
from portal.items.services import items_from
from portal.privacy import shown_mobile
from portal.register.models import Deputy, DeputyKind
from portal.uploads import check_upload

TEMPLATE_OWNER = "hearing_letter_template"
TEMPLATE_MAX_BYTES = 5 * 1024 * 1024
S = InvitationStatus


# --- letters: the placeholders and the time as a letter writes it -----------------------------------------------

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


def hearing_time_text(moment: datetime) -> str:
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
    document.signature(court_name or "人民法院", date(2025, 12, 31))
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


def _local(moment: datetime) -> datetime:
    return clock.to_local(moment)


def _minutes(moment: datetime | None) -> str:
    return f"{_local(moment):%H:%M}" if moment else ""


def _time_range(hearing: Hearing) -> str:
    start, end = _local(hearing.starts_at), _local(hearing.ends_at)
    until = f"{end:%H:%M}" if start.date() == end.date() else f"{format_date(end.date())} {end:%H:%M}"
    return f"{format_date(start.date())} {start:%H:%M}至{until}"


# --- the court's letter template (stored as an attachment) -------------------------------------------------------

def current_template(court_id: int) -> Attachment | None:
    return db.session.scalar(select(Attachment).where(Attachment.owner_type == TEMPLATE_OWNER,
                                                      Attachment.owner_id == court_id)
                             .order_by(Attachment.id.desc()).limit(1))


def template_bytes(court: Court) -> bytes:
    """The court's uploaded template, or the default one laid out for its name."""
    attachment = current_template(court.id)
    if attachment is not None:
        data = uploads.read("attachments", attachment.stored_name)
        if data is not None:
            return data
    return default_template(court.name)


def template_upload_problem(upload: FileStorage | None) -> str | None:
    problem = check_upload(upload, (".docx",), TEMPLATE_MAX_BYTES)
    if problem:
        return problem
    data = upload.stream.read()
    upload.stream.seek(0)
    return template_problem(data)


def save_template(court_id: int, upload: FileStorage) -> Attachment:
    """Keep the uploaded template as the court's; the one it replaces is removed."""
    old = list(db.session.scalars(select(Attachment).where(Attachment.owner_type == TEMPLATE_OWNER,
                                                           Attachment.owner_id == court_id)))
    (attachment,) = save_files([upload], TEMPLATE_OWNER, court_id)
    for previous in old:
        remove_file(previous)
    return attachment


def reset_template(court_id: int) -> int:
    old = list(db.session.scalars(select(Attachment).where(Attachment.owner_type == TEMPLATE_OWNER,
                                                           Attachment.owner_id == court_id)))
    for attachment in old:
        remove_file(attachment)
    return len(old)


# --- letters ----------------------------------------------------------------------------------------------------

def letter_values(invitation: HearingInvitation, today: date | None = None) -> dict[str, str]:
    hearing, deputy = invitation.hearing, invitation.deputy
    contact = invitation.invited_by or (current_user if current_user and current_user.is_authenticated else None)
    return {
        "代表姓名": deputy.name,
        "称谓": "委员" if deputy.kind == DeputyKind.CPPCC else "代表",
        "案号": hearing.case_number,
        "案由": hearing.cause,
        "案件类型": hearing.case_type.label,
        "开庭时间": hearing_time_text(_local(hearing.starts_at)),
        "法庭": hearing.court_room,
        "审判长": hearing.presiding_judge,
        "承办部门": hearing.department.name if hearing.department else "",
        "邀请事由": hearing.invite_reason.rstrip("。；;，, ") + "。" if hearing.invite_reason.strip() else "",
        "法院名称": hearing.court.name,
        "联系人": contact.display_name if contact else "",
        "联系电话": contact.phone if contact else "",
        "日期": format_date(today or clock.today()),
    }


def letters_docx(hearing: Hearing, invitations: list[HearingInvitation]) -> bytes:
    return fill_letters(template_bytes(hearing.court), [letter_values(i) for i in invitations])


def letter_recipients(hearing: Hearing) -> list[HearingInvitation]:
    """Everyone invited who has not declined, by name."""
    return list(db.session.scalars(
        select(HearingInvitation).join(Deputy, Deputy.id == HearingInvitation.deputy_id)
        .options(selectinload(HearingInvitation.deputy), selectinload(HearingInvitation.invited_by))
        .where(HearingInvitation.hearing_id == hearing.id, HearingInvitation.status != S.DECLINED)
        .order_by(Deputy.name_pinyin, HearingInvitation.id)))


# --- the attendance and forum record ----------------------------------------------------------------------------

def _answer_text(invitation: HearingInvitation) -> str:
    text = invitation.status.label
    if invitation.status == S.DECLINED and invitation.decline_reason:
        text += f"（{invitation.decline_reason}）"
    return text


def hearing_record(hearing: Hearing) -> HearingRecord:
    board = services.board(hearing)
    counts = board.counts
    facts = [("案由", hearing.cause), ("案件类型", hearing.case_type.label),
             ("承办部门", hearing.department.name if hearing.department else "—"),
             ("审判长", hearing.presiding_judge), ("开庭时间", _time_range(hearing)), ("法庭", hearing.court_room),
             ("审理方式", "公开审理" if hearing.public else "不公开审理"), ("庭审状态", hearing.status.label)]
    if hearing.original_starts_at and hearing.original_starts_at != hearing.starts_at:
        facts.append(("原定开庭时间", f"{format_date(_local(hearing.original_starts_at).date())} "
                                 f"{_minutes(hearing.original_starts_at)}"))
    if hearing.change_note:
        facts.append(("变更说明", hearing.change_note))
    if hearing.invite_reason:
        facts.append(("邀请事由", hearing.invite_reason))
    attendance = [AttendanceRow(name=i.deputy.name, kind=i.deputy.kind.label, level=i.deputy.level.label,
                                work=" ".join(p for p in (i.deputy.work_unit, i.deputy.post) if p),
                                answer=_answer_text(i), checked_in=_minutes(i.checked_in_at))
                  for i in board.invitations]
    counts_text = (f"共邀请代表委员 {counts.total} 人，接受 {counts.accepted + counts.attended + counts.absent} 人，"
                   f"谢绝 {counts.declined} 人，实际出席 {counts.attended} 人" +
                   (f"，缺席 {counts.absent} 人" if counts.absent else "") +
                   (f"，尚未答复 {counts.invited} 人" if counts.invited else "") + "。")
    forum_facts = []
    if hearing.forum_on:
        forum_facts = [("座谈时间", format_date(hearing.forum_on)), ("座谈地点", hearing.forum_place),
                       ("法院参加人员", hearing.forum_speakers)]
    opinions = services.opinions_of(hearing.id)
    items = items_from(ItemOrigin.HEARING, [o.id for o in opinions])
    entries = []
    for opinion in opinions:
        item = (items[opinion.id] or [None])[0]
        title = "委员" if opinion.deputy.kind == DeputyKind.CPPCC else "代表"
        entries.append(OpinionEntry(speaker=f"{opinion.deputy.name}{title}", text=opinion.opinion,
                                    outcome=f"该意见已转为督办件（编号 {item.number}，{item.state.label}）。" if item else ""))
    mediation = [f"{i.deputy.name}" + (f"：{i.mediation_note}" if i.mediation_note else "")
                 for i in board.invitations if i.joined_mediation]
    rating_count, averages = services.hearing_rating_averages(hearing.id)
    comments = [f"{i.deputy.name}：{i.rating.review_comment}" for i in board.invitations
                if i.rating is not None and i.rating.review_comment]
    return HearingRecord(court_name=hearing.court.name, case_number=hearing.case_number, facts=facts,
                         counts_text=counts_text, attendance=attendance, forum_facts=forum_facts,
                         forum_summary=hearing.forum_summary, opinions=entries, mediation=mediation,
                         rating_count=rating_count,
                         rating_averages=[(label, value) for (_, label), value in zip(SCORE_FIELDS, averages)],
                         rating_comments=comments, generated_on=clock.today())


# --- the period list --------------------------------------------------------------------------------------------

def period_report(query: Select, scope, filters: services.HearingFilters) -> HearingPeriodReport:
    """The hearings of ``query`` (the list's, as filtered: ``services.filtered_hearings``) that were not cancelled,
    with invitations and attendance counted in SQL; ``scope`` (portal.access.CourtScope) names the courts."""
    i, h = HearingInvitation, Hearing
    hearings = list(db.session.scalars(query.where(h.status != HearingStatus.CANCELLED).order_by(h.starts_at, h.id)))
    ids = [x.id for x in hearings]
    counts = services.invitation_counts(ids)
    attendees: dict[int, list[str]] = {x: [] for x in ids}
    if ids:
        rows = db.session.execute(select(i.hearing_id, Deputy.name).join(Deputy, Deputy.id == i.deputy_id)
                                  .where(i.hearing_id.in_(ids), i.status == S.ATTENDED)
                                  .order_by(i.hearing_id, Deputy.name_pinyin))
        for hearing_id, name in rows:
            attendees[hearing_id].append(name)
    hearing_rows = [PeriodHearingRow(starts=f"{format_date(_local(x.starts_at).date())}\n{_minutes(x.starts_at)}",
                                     case_number=x.case_number, cause=x.cause,
                                     department=_department(x, scope.spans_courts), judge=x.presiding_judge,
                                     invited=counts[x.id].total, attended=counts[x.id].attended,
                                     attendees="、".join(attendees[x.id])) for x in hearings]
    deputy_rows, npc, cppcc = [], 0, 0
    if ids:
        attended = func.count(case((i.status == S.ATTENDED, 1)))
        rows = db.session.execute(  # a line per person, described by their principal mandate
            select(Deputy, func.count(i.id), attended)
            .join(i, i.deputy_id == Deputy.id).where(i.hearing_id.in_(ids))
            .group_by(Deputy.id)
            .order_by(attended.desc(), Deputy.name_pinyin))
        for deputy, invited, came in rows:
            kind = deputy.kind
            deputy_rows.append(PeriodDeputyRow(name=deputy.name, kind=kind.label if kind else "",
                                               level=deputy.level.label if deputy.level else "",
                                               work=" ".join(p for p in (deputy.work_unit, deputy.post) if p),
                                               invited=invited, attended=came))
            if kind == DeputyKind.CPPCC:
                cppcc += came
            else:
                npc += came
    filter_line = "；".join(p for p in (f"范围：{scope.label}", filters.summary) if p)
    return HearingPeriodReport(court_name=scope.title, signer=scope.court.name, period=filters.period.label,
                               filter_line=filter_line, hearings=hearing_rows, deputies=deputy_rows,
                               npc_attended=npc, cppcc_attended=cppcc)


def _department(hearing: Hearing, with_court: bool) -> str:
    """The department; on a table spanning courts, the court too (every court has a 民一庭)."""
    name = hearing.department.name if hearing.department else ""
    return f"{hearing.court.name.removesuffix('人民法院')}\n{name}".strip() if with_court else name


def opinions_with_items(hearing: Hearing) -> list[tuple[HearingOpinion, object]]:
    opinions = services.opinions_of(hearing.id)
    items = items_from(ItemOrigin.HEARING, [o.id for o in opinions])
    return [(o, (items[o.id] or [None])[0]) for o in opinions]


# --- the record and the period list, laid out --------------------------------------------------------------------

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
    generated_on: date


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
    generated_on: date = field(default_factory=clock.today)

    @property
    def invited_total(self) -> int:
        return sum(h.invited for h in self.hearings)

    @property
    def attended_total(self) -> int:
        return sum(h.attended for h in self.hearings)


def period_docx(report: HearingPeriodReport, *, stream: bool = True) -> OfficialDocument:
    """The period's 统计表: the hearings, then the deputies who were invited, with totals.

    ``stream``: the big table is written row by row from its template row when the document is saved, not built
    as a python-docx tree (``stream=False``: the tree as before, for comparison).
    """
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
                         report.attended_total, ""), stream=stream)
    doc.heading("二、代表委员旁听情况", 1)
    if report.deputies:
        doc.table(["序号", "姓名", "类别", "层级", "工作单位及职务", "受邀次数", "出席次数"],
                  [(n, d.name, d.kind, d.level, d.work, d.invited, d.attended)
                   for n, d in enumerate(report.deputies, 1)],
                  widths_mm=[12, 24, 24, 28, 89, 24, 24], font_size_pt=10.5,
                  aligns=["center", "left", "left", "left", "left", "center", "center"],
                  total_row=("合计", f"{len(report.deputies)} 人", "", "", "", report.invited_total,
                             report.attended_total), stream=stream)
    else:
        doc.paragraph("本期没有邀请代表委员旁听庭审。")
    doc.signature(report.signer, report.generated_on)
    return doc


def build_period_docx(report: HearingPeriodReport) -> bytes:
    """The bytes of the .docx of ``period_docx``."""
    return period_docx(report).to_bytes()


# --- the sign-in sheet (签到表) -------------------------------------------------------------------------------

@dataclass
class SignInSheet:
    court_name: str
    case_number: str
    cause: str
    time: str
    court_room: str
    rows: list[tuple[str, str, str]]  # name, identity, work unit and post


def sign_in_sheet(hearing: Hearing) -> SignInSheet:
    """Every invitee expected in the gallery (not those who declined), in the board's order."""
    people = [i.deputy for i in services.board(hearing).invitations if i.status != InvitationStatus.DECLINED]
    return SignInSheet(court_name=hearing.court.name, case_number=hearing.case_number, cause=hearing.cause,
                       time=_time_range(hearing), court_room=hearing.court_room,
                       rows=[(d.name, d.identity_line, " ".join(p for p in (d.work_unit, d.post) if p))
                             for d in people])


def build_sign_in_docx(sheet: SignInSheet) -> bytes:
    doc = OfficialDocument()
    doc.title("代表委员旁听庭审签到表")
    doc.subtitle(f"{sheet.case_number} {sheet.cause}")
    doc.paragraph(f"开庭时间：{sheet.time}；法庭：{sheet.court_room}。")
    rows = [(n, name, identity, work, "", "") for n, (name, identity, work) in enumerate(sheet.rows, 1)]
    rows += [(len(rows) + n, "", "", "", "", "") for n in range(1, 4)]  # for someone not on the list
    doc.table(["序号", "姓名", "身份", "工作单位及职务", "签名", "签到时间"], rows,
              widths_mm=[12, 18, 40, 38, 28, 20], aligns=["center", "left", "left", "left", "left", "center"])
    doc.split_line(f"共 {len(sheet.rows)} 人", f"{sheet.court_name}制")
    return doc.to_bytes()


# --- the list in Excel ------------------------------------------------------------------------------------------

# The invitations counted by their present state (an invitee who came is 已出席, no longer 已接受).
HEARING_HEADERS = ["开庭时间", "法院", "案号", "案由", "案件类型", "承办部门", "审判长", "法庭", "状态", "邀请人数",
                   "待答复", "已接受", "已谢绝", "已出席", "缺席"]
INVITATION_HEADERS = ["开庭时间", "法院", "案号", "案由", "代表委员", "类别", "手机号码", "邀请方式", "答复",
                      "答复时间", "谢绝原因", "签到时间", "参与调解"]


def _local_naive(moment: datetime | None) -> datetime | None:
    return clock.to_local(moment).replace(tzinfo=None) if moment else None


def list_xlsx(query: Select, scope, filters: services.HearingFilters) -> bytes:
    """The hearings of ``query`` (the list's, as filtered: ``services.filtered_hearings``), cancelled ones too as
    the list shows them, on one sheet with their invitations counted, and every invitation with the deputy's
    answer and attendance on another; the number of queries does not grow with the rows."""
    h, i = Hearing, HearingInvitation
    hearings = list(db.session.scalars(query.order_by(h.starts_at, h.id)))
    ids = [x.id for x in hearings]
    counts = services.invitation_counts(ids)
    hearing_rows = [[_local_naive(x.starts_at), x.court.name, x.case_number, x.cause, x.case_type.label,
                     x.department.name if x.department else "", x.presiding_judge, x.court_room, x.status.label,
                     counts[x.id].total, counts[x.id].invited, counts[x.id].accepted, counts[x.id].declined,
                     counts[x.id].attended, counts[x.id].absent] for x in hearings]
    by_id = {x.id: x for x in hearings}
    invitations = []
    for start in range(0, len(ids), 500):  # stay under database parameter limits
        invitations += db.session.scalars(
            select(i).join(Deputy, Deputy.id == i.deputy_id).options(selectinload(i.deputy))
            .where(i.hearing_id.in_(ids[start:start + 500])).order_by(i.hearing_id, Deputy.name_pinyin, i.id))
    invitations.sort(key=lambda x: (by_id[x.hearing_id].starts_at, x.hearing_id))  # stable: by name within each
    invitation_rows = []
    for x in invitations:
        hearing, deputy = by_id[x.hearing_id], x.deputy
        invitation_rows.append([
            _local_naive(hearing.starts_at), hearing.court.name, hearing.case_number, hearing.cause, deputy.name,
            deputy.kind.label if deputy.kind else "", shown_mobile(deputy.mobile), x.invite_method.label, x.status.label,
            _local_naive(x.answered_at), x.decline_reason, _local_naive(x.checked_in_at),
            "是" if x.joined_mediation else ""])
    return build_workbook([Sheet("庭审", HEARING_HEADERS, hearing_rows),
                           Sheet("邀请与出席", INVITATION_HEADERS, invitation_rows)],
                          title=list_title(scope.title, "邀请代表委员旁听庭审", filters.period.label, filters.summary))
