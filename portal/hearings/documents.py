"""The data of the hearings' Word documents, and the staff-editable letter template (stored as an attachment)."""
from datetime import date, datetime

from flask_login import current_user
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import FileStorage

from portal import clock
from portal.attachments import Attachment, delete_file, save_files
from portal.auth.models import Court
from portal.documents import hearing_letter
from portal.documents.gbt9704 import format_date
from portal.documents.hearings import (
    AttendanceRow,
    HearingPeriodReport,
    HearingRecord,
    OpinionEntry,
    PeriodDeputyRow,
    PeriodHearingRow,
)
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
from portal.register.models import Deputy, DeputyKind
from portal.uploads import check_upload, stored_path

TEMPLATE_OWNER = "hearing_letter_template"
TEMPLATE_MAX_BYTES = 5 * 1024 * 1024
S = InvitationStatus


def _local(moment: datetime) -> datetime:
    return clock.to_local(moment)


def _minutes(moment: datetime | None) -> str:
    return f"{_local(moment):%H:%M}" if moment else ""


def _time_range(hearing: Hearing) -> str:
    start, end = _local(hearing.starts_at), _local(hearing.ends_at)
    until = f"{end:%H:%M}" if start.date() == end.date() else f"{format_date(end.date())} {end:%H:%M}"
    return f"{format_date(start.date())} {start:%H:%M}至{until}"


# --- the letter template ----------------------------------------------------------------------------------------

def current_template(court_id: int) -> Attachment | None:
    return db.session.scalar(select(Attachment).where(Attachment.owner_type == TEMPLATE_OWNER,
                                                      Attachment.owner_id == court_id)
                             .order_by(Attachment.id.desc()).limit(1))


def template_bytes(court: Court) -> bytes:
    """The court's uploaded template, or the default one laid out for its name."""
    attachment = current_template(court.id)
    if attachment is not None:
        path = stored_path("attachments", attachment.stored_name)
        if path is not None:
            return path.read_bytes()
    return hearing_letter.default_template(court.name)


def template_upload_problem(upload: FileStorage | None) -> str | None:
    problem = check_upload(upload, (".docx",), TEMPLATE_MAX_BYTES)
    if problem:
        return problem
    data = upload.stream.read()
    upload.stream.seek(0)
    return hearing_letter.template_problem(data)


def save_template(court_id: int, upload: FileStorage) -> Attachment:
    """Keep the uploaded template as the court's; the one it replaces is removed."""
    old = list(db.session.scalars(select(Attachment).where(Attachment.owner_type == TEMPLATE_OWNER,
                                                           Attachment.owner_id == court_id)))
    (attachment,) = save_files([upload], TEMPLATE_OWNER, court_id)
    for previous in old:
        delete_file(previous)
    return attachment


def reset_template(court_id: int) -> int:
    old = list(db.session.scalars(select(Attachment).where(Attachment.owner_type == TEMPLATE_OWNER,
                                                           Attachment.owner_id == court_id)))
    for attachment in old:
        delete_file(attachment)
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
        "开庭时间": hearing_letter.hearing_time_text(_local(hearing.starts_at)),
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
    return hearing_letter.fill_letters(template_bytes(hearing.court), [letter_values(i) for i in invitations])


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
