"""Queries and writes for hearings, invitations, the forum and ratings. Services flush; the request commits."""
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from flask import current_app
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import Select, case, false, func, or_, select
from sqlalchemy.orm import selectinload

from portal import clock, events, params, periods
from portal.access import EDITOR_ROLES, current_user_id, visible_court_ids
from portal.auth.models import Court, Department, Role
from portal.errors import Forbidden, NotFound, ServiceError
from portal.extensions import db
from portal.hearings.draw import Candidate, DrawResult, draw, reason_for
from portal.hearings.models import (
    EXPECTING,
    LOW_SCORE,
    NOTICE_STATUSES,
    SCORE_FIELDS,
    CaseType,
    Hearing,
    HearingInvitation,
    HearingOpinion,
    HearingRating,
    HearingStatus,
    InvitationStatus,
    InviteMethod,
)
from portal.items.models import Item, ItemKind, ItemOrigin
from portal.items.services import create_item, items_from
from portal.models import like_pattern, utcnow
from portal.pagination import Page, paginate
from portal.register.models import Deputy, DeputyKind, DeputyLevel, DeputyStatus, Mandate
from portal.trash import services as trash

S = InvitationStatus


# --- access -----------------------------------------------------------------------------------------------------

def get_hearing_or_404(hearing_id: int, for_edit: bool = False) -> Hearing:
    """A hearing of a court the staff user sees; editing needs the liaison or admin role. Deputies never get here."""
    hearing = db.session.get(Hearing, hearing_id)
    if hearing is None or current_user.role == Role.DEPUTY or hearing.court_id not in visible_court_ids(current_user):
        raise NotFound()
    if for_edit and current_user.role not in EDITOR_ROLES:
        raise Forbidden()
    return hearing


def get_invitation_or_404(invitation_id: int, for_edit: bool = False) -> HearingInvitation:
    invitation = db.session.get(HearingInvitation, invitation_id)
    if invitation is None:
        raise NotFound()
    get_hearing_or_404(invitation.hearing_id, for_edit=for_edit)
    return invitation


def get_my_invitation_or_404(invitation_id: int) -> HearingInvitation:
    """The deputy's own invitation; anyone else's is 404."""
    invitation = db.session.get(HearingInvitation, invitation_id)
    if invitation is None or current_user.deputy_id is None or invitation.deputy_id != current_user.deputy_id:
        raise NotFound()
    return invitation


def get_opinion_or_404(opinion_id: int, for_edit: bool = False) -> HearingOpinion:
    opinion = db.session.get(HearingOpinion, opinion_id)
    if opinion is None:
        raise NotFound()
    get_hearing_or_404(opinion.hearing_id, for_edit=for_edit)
    return opinion


def get_rating_or_404(rating_id: int, for_edit: bool = False) -> HearingRating:
    rating = db.session.get(HearingRating, rating_id)
    if rating is None:
        raise NotFound()
    get_invitation_or_404(rating.invitation_id, for_edit=for_edit)
    return rating


def may_download_materials(hearing: Hearing) -> bool:
    """Staff of the hearing's courts, and the deputies invited to it who have not declined."""
    if current_user.role == Role.DEPUTY:
        return current_user.deputy_id is not None and db.session.scalar(
            select(HearingInvitation.id).where(HearingInvitation.hearing_id == hearing.id,
                                               HearingInvitation.deputy_id == current_user.deputy_id,
                                               HearingInvitation.status != InvitationStatus.DECLINED)) is not None
    return hearing.court_id in visible_court_ids(current_user)


def editable_courts() -> list[Court]:
    ids = visible_court_ids(current_user)
    return list(db.session.scalars(select(Court).where(Court.id.in_(ids)).order_by(Court.code)))


def departments_of(court_ids: list[int]) -> list[Department]:
    return list(db.session.scalars(select(Department).options(selectinload(Department.court))
                                   .where(Department.court_id.in_(court_ids), Department.active.is_(True))
                                   .order_by(Department.court_id, Department.id)))


# --- the hearing list -------------------------------------------------------------------------------------------

WHEN = {"upcoming": "即将开庭", "past": "已过开庭时间", "all": "全部"}


@dataclass
class HearingFilters:
    when: str = "upcoming"
    q: str = ""
    case_type: str = ""
    department_id: int | None = None
    status: str = ""
    period: periods.Period = field(default_factory=lambda: periods.parse("", ""))

    @classmethod
    def from_args(cls, args, *, when: str = "upcoming") -> "HearingFilters":
        """The list's filters; ``when`` is the tab without one in ``args`` (an export's default is "all"). The
        period (开庭日期) is the session's (see ``portal.periods``)."""
        filters = cls(when=args.get("when", when), q=params.clean_query(args.get("q"), 60),
                      case_type=args.get("case_type", ""), department_id=params.parse_id(args.get("department_id")),
                      status=args.get("status", ""), period=periods.from_request(args))
        if filters.when not in WHEN:
            filters.when = when
        if filters.case_type not in CaseType.__members__.values():
            filters.case_type = ""
        if filters.status not in HearingStatus.__members__.values():
            filters.status = ""
        return filters

    def as_args(self, **overrides) -> dict:
        values = {"when": self.when, "q": self.q, "case_type": self.case_type, "department_id": self.department_id,
                  "status": self.status, **self.period.as_args()}
        values.update(overrides)
        return {k: v for k, v in values.items() if v or k in ("from", "to")}

    @property
    def summary(self) -> str:
        """What the filters choose, for the list's line and the document's filter line."""
        parts = [WHEN[self.when]] if self.when != "all" else []
        if self.case_type:
            parts.append(CaseType(self.case_type).label)
        if self.status:
            parts.append(HearingStatus(self.status).label)
        if self.q:
            parts.append(f"含“{self.q}”")
        return "，".join(parts)


def filtered_hearings(filters: HearingFilters, court_ids: list[int]) -> Select:
    query = select(Hearing).options(selectinload(Hearing.department), selectinload(Hearing.court)).where(
        Hearing.court_id.in_(court_ids))
    now = utcnow()
    if filters.when == "upcoming":
        query = query.where(Hearing.ends_at >= now)
    elif filters.when == "past":
        query = query.where(Hearing.ends_at < now)
    if filters.q:
        pattern = like_pattern(filters.q)
        query = query.where(or_(Hearing.case_number.like(pattern, escape="\\"),
                                Hearing.cause.like(pattern, escape="\\"),
                                Hearing.presiding_judge.like(pattern, escape="\\")))
    if filters.case_type:
        query = query.where(Hearing.case_type == CaseType(filters.case_type))
    if filters.department_id:
        query = query.where(Hearing.department_id == filters.department_id)
    if filters.status:
        query = query.where(Hearing.status == HearingStatus(filters.status))
    period = filters.period
    if period.problem:
        query = query.where(false())  # the list shows the period's problem instead of rows
    if period.start:
        query = query.where(Hearing.starts_at >= clock.start_of_day(period.start))
    if period.end:
        query = query.where(Hearing.starts_at < clock.start_of_day(period.end + timedelta(days=1)))
    return query


def list_hearings(filters: HearingFilters, court_ids: list[int], *, cursor: str | None, per_page: int,
                  total: int | None, number: int) -> Page:
    """Upcoming hearings soonest first; past and all hearings latest first."""
    return paginate(filtered_hearings(filters, court_ids), [Hearing.starts_at, Hearing.id], cursor=cursor,
                    per_page=per_page, descending=filters.when != "upcoming", total=total, number=number)


@dataclass
class Counts:
    total: int = 0
    invited: int = 0
    accepted: int = 0
    declined: int = 0
    attended: int = 0
    absent: int = 0
    needs_notice: int = 0


def invitation_counts(hearing_ids: list[int]) -> dict[int, Counts]:
    """Invitations by state for each hearing, in one aggregate query."""
    found = {hearing_id: Counts() for hearing_id in hearing_ids}
    if not hearing_ids:
        return found
    i = HearingInvitation
    rows = db.session.execute(select(
        i.hearing_id, func.count(i.id),
        *[func.count(case((i.status == state, 1))) for state in
          (S.INVITED, S.ACCEPTED, S.DECLINED, S.ATTENDED, S.ABSENT)],
        func.count(case((i.needs_notice.is_(True), 1))),
    ).where(i.hearing_id.in_(hearing_ids)).group_by(i.hearing_id))
    for hearing_id, *numbers in rows:
        found[hearing_id] = Counts(*numbers)
    return found


# --- writing a hearing ------------------------------------------------------------------------------------------

HEARING_FIELDS = ("court_id", "case_number", "cause", "case_type", "department_id", "presiding_judge", "court_room",
                  "starts_at", "ends_at", "invite_reason", "public")


def create_hearing(values: dict) -> Hearing:
    hearing = Hearing(**{k: values[k] for k in HEARING_FIELDS}, status=HearingStatus.SCHEDULED,
                      scheduled_by_id=current_user_id())
    db.session.add(hearing)
    db.session.flush()
    return hearing


def update_hearing(hearing: Hearing, values: dict) -> int:
    """Save the form's values; a new time counts as moving the hearing. Returns how many invitees must be told.

    A new time or court room once invitations went out is announced as ``hearing.moved``."""
    moved = values["starts_at"] != hearing.starts_at or values["ends_at"] != hearing.ends_at
    new_room = values["court_room"] != hearing.court_room
    old_start = hearing.starts_at
    for key in HEARING_FIELDS:
        if key not in ("starts_at", "ends_at"):
            setattr(hearing, key, values[key])
    told = 0
    if moved:
        hearing.starts_at, hearing.ends_at = values["starts_at"], values["ends_at"]
        if hearing.status in (HearingStatus.SCHEDULED, HearingStatus.ADJOURNED, HearingStatus.MOVED):
            hearing.status = HearingStatus.MOVED
        told = _needs_notice(hearing, old_start)
    db.session.flush()
    if (moved or new_room) and hearing.invitations:
        _announce_moved(hearing, told)
    return told


def _announce_moved(hearing: Hearing, told: int) -> None:
    events.announce("hearing.moved", hearing, starts_at=hearing.starts_at.isoformat(),
                    court_room=hearing.court_room, told=told)


def change_status(hearing: Hearing, status: HearingStatus, *, starts_at: datetime | None = None,
                  ends_at: datetime | None = None, note: str = "") -> int:
    """Adjourn, move, cancel, mark held or reschedule; returns how many invitees must now be told."""
    old_start = hearing.starts_at
    time_changed = bool(starts_at and ends_at and (starts_at, ends_at) != (hearing.starts_at, hearing.ends_at))
    if time_changed:
        hearing.starts_at, hearing.ends_at = starts_at, ends_at
    previous = hearing.status
    hearing.status = status
    if note.strip():
        hearing.change_note = note.strip()
    told = 0
    if status in NOTICE_STATUSES or (time_changed and status == HearingStatus.SCHEDULED) or (
            status == HearingStatus.SCHEDULED and previous in NOTICE_STATUSES):
        told = _needs_notice(hearing, old_start)
    db.session.flush()
    if status == HearingStatus.CANCELLED and previous != status:
        events.announce("hearing.cancelled", hearing, note=hearing.change_note, told=told)
    elif status == HearingStatus.ADJOURNED and previous != status:
        events.announce("hearing.adjourned", hearing, note=hearing.change_note, told=told)
    elif time_changed and hearing.invitations:
        _announce_moved(hearing, told)
    return told


def _needs_notice(hearing: Hearing, old_start: datetime) -> int:
    if hearing.original_starts_at is None and hearing.starts_at != old_start:
        hearing.original_starts_at = old_start
    told = 0
    for invitation in hearing.invitations:
        if invitation.status in EXPECTING:
            invitation.needs_notice = True
            invitation.notified_at = None
            told += 1
    db.session.flush()
    return told


def _notified_at(invitation: HearingInvitation, on) -> datetime:
    return clock.act_time(on, "通知", invitation.invited_at, "邀请")


def mark_notified(invitation: HearingInvitation, on=None) -> None:
    """Record that the deputy was told of the change on ``on`` (default today)."""
    invitation.notified_at = _notified_at(invitation, on)
    invitation.needs_notice = False
    db.session.flush()


def mark_all_notified(hearing: Hearing, on=None) -> int:
    """Mark every deputy waiting for the change notice as told on ``on``; how many. The day is checked against
    every invitation before any is marked (the board shows a refusal without rolling back the request)."""
    waiting = [(i, _notified_at(i, on)) for i in hearing.invitations if i.needs_notice]
    for invitation, at in waiting:
        invitation.notified_at, invitation.needs_notice = at, False
    db.session.flush()
    return len(waiting)


# --- inviting ---------------------------------------------------------------------------------------------------

def invited_deputy_ids(hearing: Hearing) -> set[int]:
    return set(db.session.scalars(select(HearingInvitation.deputy_id).where(
        HearingInvitation.hearing_id == hearing.id)))


def last_invited(deputy_ids: list[int] | None = None) -> dict[int, date]:
    """The day each deputy was last invited to any hearing (Beijing time), in one query."""
    query = select(HearingInvitation.deputy_id, func.max(HearingInvitation.invited_at)).group_by(
        HearingInvitation.deputy_id)
    if deputy_ids is not None:
        if not deputy_ids:
            return {}
        query = query.where(HearingInvitation.deputy_id.in_(deputy_ids))
    return {deputy_id: clock.local_date(_aware(at)) for deputy_id, at in db.session.execute(query) if at}


def _aware(value: datetime) -> datetime:
    """func.max() skips the column type, so SQLite hands back a naive UTC datetime (or a string)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


@dataclass
class Clash:
    hearing_id: int
    case_number: str
    starts_at: datetime


def clashes(hearing: Hearing, deputy_ids) -> dict[int, list[Clash]]:
    """Other hearings overlapping this one in time that these deputies have accepted."""
    deputy_ids = list(deputy_ids)
    found: dict[int, list[Clash]] = {}
    if not deputy_ids:
        return found
    rows = db.session.execute(
        select(HearingInvitation.deputy_id, Hearing.id, Hearing.case_number, Hearing.starts_at)
        .join(Hearing, Hearing.id == HearingInvitation.hearing_id)
        .where(HearingInvitation.deputy_id.in_(deputy_ids), HearingInvitation.status == S.ACCEPTED,
               Hearing.id != hearing.id, Hearing.status != HearingStatus.CANCELLED,
               Hearing.starts_at < hearing.ends_at, Hearing.ends_at > hearing.starts_at)
        .order_by(Hearing.starts_at))
    for deputy_id, hearing_id, case_number, starts_at in rows:
        found.setdefault(deputy_id, []).append(Clash(hearing_id, case_number, starts_at))
    return found


@dataclass
class InviteResult:
    created: list[HearingInvitation] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # Chinese reasons, per deputy


def invite(hearing: Hearing, deputy_ids, *, method: InviteMethod = InviteMethod.MANUAL,
           reasons: dict[int, str] | None = None) -> InviteResult:
    """Invite these deputies; those retired or already invited are skipped with a reason."""
    result = InviteResult()
    wanted = list(dict.fromkeys(int(d) for d in deputy_ids))
    if not wanted:
        return result
    already = invited_deputy_ids(hearing)
    deputies = {d.id: d for d in db.session.scalars(select(Deputy).where(Deputy.id.in_(wanted)))}
    reasons = reasons or {}
    for deputy_id in wanted:
        deputy = deputies.get(deputy_id)
        if deputy is None:
            continue
        if deputy_id in already:
            result.skipped.append(f"{deputy.name}已受邀，不重复邀请")
            continue
        if deputy.status == DeputyStatus.RETIRED:
            result.skipped.append(f"{deputy.name}已离任")
            continue
        invitation = HearingInvitation(hearing_id=hearing.id, deputy=deputy, status=S.INVITED, invite_method=method,
                                       draw_reason=reasons.get(deputy_id, "")[:120], invited_by_id=current_user_id(),
                                       invited_at=utcnow())
        db.session.add(invitation)
        result.created.append(invitation)
        already.add(deputy_id)
    db.session.flush()
    for invitation in result.created:
        events.announce("invitation.sent", invitation, hearing_id=hearing.id, deputy_id=invitation.deputy_id,
                        method=method.value)
    return result


def draw_candidates(hearing: Hearing) -> list[Candidate]:
    """Every mandate in office of the people not yet invited to this hearing, with the day each person was last
    invited (the draw takes a person once, see ``draw.draw``)."""
    last = (select(HearingInvitation.deputy_id, func.max(HearingInvitation.invited_at).label("last"))
            .group_by(HearingInvitation.deputy_id).subquery())
    taken = select(HearingInvitation.deputy_id).where(HearingInvitation.hearing_id == hearing.id)
    rows = db.session.execute(
        select(Deputy.id, Deputy.name, Mandate.level, Mandate.kind, last.c.last)
        .join(Mandate, Mandate.deputy_id == Deputy.id)
        .outerjoin(last, last.c.deputy_id == Deputy.id)
        .where(Mandate.status == DeputyStatus.ACTIVE, Deputy.id.not_in(taken)))
    return [Candidate(deputy_id=i, name=name, level=level, kind=kind,
                      last_invited=clock.local_date(_aware(at)) if at else None) for i, name, level, kind, at in rows]


@dataclass
class DrawPreview:
    result: DrawResult
    clashes: dict[int, list[Clash]]
    deputies: dict[int, Deputy]
    levels: list[DeputyLevel]
    kinds: list[DeputyKind]


def run_draw(hearing: Hearing, count: int, levels: list[DeputyLevel], kinds: list[DeputyKind],
             rng: random.Random | None = None) -> DrawPreview:
    result = draw(draw_candidates(hearing), count, levels=levels, kinds=kinds, rng=rng or random.SystemRandom(),
                  today=clock.today())
    ids = [d.candidate.deputy_id for d in result.drawn]
    deputies = {d.id: d for d in db.session.scalars(select(Deputy).where(Deputy.id.in_(ids)))} if ids else {}
    return DrawPreview(result=result, clashes=clashes(hearing, ids), deputies=deputies, levels=levels, kinds=kinds)


def confirm_draw(hearing: Hearing, deputy_ids: list[int]) -> InviteResult:
    """Invite the drawn deputies staff kept; the reason is worked out again from the register as it stands."""
    ids = [int(d) for d in deputy_ids]
    last = last_invited(ids)
    deputies = db.session.scalars(select(Deputy).where(Deputy.id.in_(ids))) if ids else []
    reasons = {d.id: reason_for(Candidate(d.id, d.name, d.level, d.kind, last.get(d.id)))
               for d in deputies}
    return invite(hearing, ids, method=InviteMethod.DRAW, reasons=reasons)


@dataclass
class PickerRow:
    deputy: Deputy
    invited: bool
    clashes: list[Clash]
    last_invited: date | None
    ticked: bool = False


def picker_rows(hearing: Hearing, deputies: list[Deputy], ticked: set[int] = frozenset()) -> list[PickerRow]:
    """Annotate a page of the register for choosing by hand: already invited, clashes, last invited, ticked."""
    ids = [d.id for d in deputies]
    already = invited_deputy_ids(hearing)
    clash = clashes(hearing, ids)
    last = last_invited(ids)
    return [PickerRow(d, d.id in already, clash.get(d.id, []), last.get(d.id), d.id in ticked) for d in deputies]


def ticked_elsewhere(hearing: Hearing, ticked: set[int], shown: list[Deputy]) -> list[Deputy]:
    """Deputies ticked in earlier searches and not in this one's results: they stay ticked for the invitation."""
    wanted = ticked - {d.id for d in shown} - invited_deputy_ids(hearing)
    if not wanted:
        return []
    return list(db.session.scalars(select(Deputy).where(Deputy.id.in_(wanted), Deputy.in_office())
                                   .order_by(Deputy.name_pinyin)))


# --- the invitation board ---------------------------------------------------------------------------------------

STATUS_ORDER = {S.ATTENDED: 0, S.ACCEPTED: 1, S.INVITED: 2, S.ABSENT: 3, S.DECLINED: 4}


@dataclass
class Board:
    invitations: list[HearingInvitation]
    counts: Counts
    clashes: dict[int, list[Clash]]

    @property
    def pending(self) -> list[HearingInvitation]:
        return [i for i in self.invitations if i.status == S.INVITED]

    @property
    def to_notify(self) -> list[HearingInvitation]:
        return [i for i in self.invitations if i.needs_notice]


def board(hearing: Hearing) -> Board:
    invitations = list(db.session.scalars(
        select(HearingInvitation).options(selectinload(HearingInvitation.deputy),
                                          selectinload(HearingInvitation.rating),
                                          selectinload(HearingInvitation.invited_by))
        .where(HearingInvitation.hearing_id == hearing.id)))
    invitations.sort(key=lambda i: (STATUS_ORDER[i.status], i.deputy.name_pinyin, i.id))
    return Board(invitations=invitations, counts=invitation_counts([hearing.id])[hearing.id],
                 clashes=clashes(hearing, [i.deputy_id for i in invitations]))


def hearing_started(hearing: Hearing) -> bool:
    return hearing.starts_at <= utcnow()


def check_in_open(hearing: Hearing) -> bool:
    """Check-in opens on the day of the hearing and stays open afterwards (late entry from the sign-in sheet)."""
    return hearing.status != HearingStatus.CANCELLED and clock.local_date(hearing.starts_at) <= clock.today()


def check_in(invitation: HearingInvitation) -> None:
    """Mark the deputy present."""
    if not check_in_open(invitation.hearing):
        raise ServiceError("开庭当天才能签到。")
    if invitation.status == S.DECLINED:
        raise ServiceError(f"{invitation.deputy.name}已谢绝邀请；如确实到场，请先改为接受再签到。")
    invitation.status = S.ATTENDED
    # On the day a click is the moment; entered later from the sign-in sheet, it is the hearing's own day.
    starts = invitation.hearing.starts_at
    invitation.checked_in_at = utcnow() if clock.local_date(starts) == clock.today() else starts
    invitation.checked_in_by_id = current_user_id()
    if invitation.hearing.status != HearingStatus.HELD:
        invitation.hearing.status = HearingStatus.HELD  # someone is in the gallery: the hearing takes place
    db.session.flush()


CHECK_IN_SALT = "hearing-check-in"


def check_in_code(hearing: Hearing) -> str:
    """The secret in the hearing's check-in QR code: signed, so that the hearing's number alone opens nothing (the
    code is shown in the courtroom, not guessed from home)."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=CHECK_IN_SALT).dumps(hearing.id)


def hearing_of_code(code: str) -> Hearing:
    try:
        hearing_id = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=CHECK_IN_SALT).loads(code)
    except BadSignature:
        raise NotFound("签到二维码无效，请扫描法庭现场张贴的二维码。") from None
    hearing = db.session.get(Hearing, hearing_id) if isinstance(hearing_id, int) else None
    if hearing is None:
        raise NotFound("签到二维码无效，请扫描法庭现场张贴的二维码。")
    return hearing


def own_invitation_to_check_in(hearing: Hearing, deputy_id: int | None) -> HearingInvitation:
    """The deputy's invitation that a scan of the hearing's code would check in, or ServiceError with the reason
    it cannot: not invited, cancelled, not the hearing's day, declined. Writes nothing."""
    invitation = db.session.scalar(select(HearingInvitation).where(HearingInvitation.hearing_id == hearing.id,
                                                                   HearingInvitation.deputy_id == (deputy_id or -1)))
    if invitation is None:
        raise ServiceError("您不在本场庭审的受邀名单中，无法签到。如受邀请，请联系法院联络部门。", status=403)
    if hearing.status == HearingStatus.CANCELLED:
        raise ServiceError("本场庭审已取消，无需签到。", status=409)
    if clock.local_date(hearing.starts_at) != clock.today():
        raise ServiceError(f"只能在开庭当天（{clock.local_date(hearing.starts_at).isoformat()}）签到。", status=409)
    if invitation.status == S.DECLINED:
        raise ServiceError("您已谢绝本场庭审的邀请；如已到场，请联系现场工作人员签到。", status=409)
    return invitation


def own_check_in(hearing: Hearing, deputy_id: int | None) -> HearingInvitation:
    """A deputy checks in by the QR code (a second scan changes nothing)."""
    invitation = own_invitation_to_check_in(hearing, deputy_id)
    if invitation.status != S.ATTENDED:
        check_in(invitation)
    return invitation


def undo_check_in(invitation: HearingInvitation) -> None:
    if invitation.status == S.ATTENDED:
        invitation.status = S.ACCEPTED
        invitation.checked_in_at = None
        invitation.checked_in_by_id = None
        db.session.flush()


def mark_absent(invitation: HearingInvitation) -> None:
    if not hearing_started(invitation.hearing):
        raise ServiceError("开庭后才能标记缺席。")
    if invitation.status not in EXPECTING:
        raise ServiceError(f"{invitation.deputy.name}当前为“{invitation.status.label}”，不能标记缺席。")
    invitation.status = S.ABSENT
    db.session.flush()


def remind(invitation: HearingInvitation, on=None) -> None:
    """Record a phone reminder given on ``on`` (default today)."""
    invitation.reminded_at = clock.act_time(on, "提醒", invitation.reminded_at or invitation.invited_at,
                                       "上次提醒" if invitation.reminded_at else "邀请")
    invitation.reminded_by_id = current_user_id()
    db.session.flush()


def answer(invitation: HearingInvitation, accept: bool, reason: str = "", *, by_staff: bool = False,
           on=None) -> None:
    """Accept or decline; a deputy may change their mind until the hearing starts. Staff record an answer given
    by phone with the day it was given (``on``, default today); a deputy answering in the portal answers now."""
    hearing = invitation.hearing
    at = clock.act_time(on, "答复", invitation.invited_at, "邀请") if by_staff else utcnow()
    if hearing.status in (HearingStatus.CANCELLED, HearingStatus.HELD) or (hearing_started(hearing) and not by_staff):
        raise ServiceError("庭审已开始、已结束或已取消，不能再答复。")
    if invitation.status not in (S.INVITED, S.ACCEPTED, S.DECLINED):
        raise ServiceError(f"该邀请已{invitation.status.label}，不能再答复。")
    invitation.status = S.ACCEPTED if accept else S.DECLINED
    invitation.decline_reason = "" if accept else reason.strip()
    invitation.answered_at = at
    invitation.answered_by_staff = by_staff
    if invitation.needs_notice:  # whoever answered now knows of the change: the deputy saw it, or staff said it
        invitation.needs_notice = False
        invitation.notified_at = invitation.answered_at
    db.session.flush()
    events.announce("invitation.answered", invitation, accepted=accept, by_staff=by_staff)


def withdraw(invitation: HearingInvitation) -> None:
    """Take back an invitation sent by mistake, before the deputy answered."""
    if invitation.status != S.INVITED:
        raise ServiceError(f"{invitation.deputy.name}已答复（{invitation.status.label}），不能撤回邀请。")
    db.session.delete(invitation)
    db.session.flush()


def set_mediation(invitation: HearingInvitation, joined: bool, note: str) -> None:
    invitation.joined_mediation = joined
    invitation.mediation_note = note.strip() if joined else ""
    db.session.flush()


# --- the forum --------------------------------------------------------------------------------------------------

def save_forum(hearing: Hearing, values: dict) -> None:
    hearing.forum_on = values["forum_on"]
    for key in ("forum_place", "forum_speakers", "forum_summary"):
        setattr(hearing, key, (values.get(key) or "").strip())
    db.session.flush()


def opinions_of(hearing_id: int) -> list[HearingOpinion]:
    return list(db.session.scalars(select(HearingOpinion).options(selectinload(HearingOpinion.deputy))
                                   .where(HearingOpinion.hearing_id == hearing_id).order_by(HearingOpinion.id)))


def add_opinion(hearing: Hearing, deputy_id: int, text: str) -> HearingOpinion:
    opinion = HearingOpinion(hearing_id=hearing.id, deputy_id=deputy_id, opinion=text.strip(),
                             recorded_by_id=current_user_id())
    db.session.add(opinion)
    db.session.flush()
    return opinion


def opinion_item(opinion: HearingOpinion) -> Item | None:
    found = items_from(ItemOrigin.HEARING, [opinion.id])[opinion.id]
    return found[0] if found else None


def delete_opinion(opinion: HearingOpinion) -> None:
    if opinion_item(opinion):
        raise ServiceError("该意见已转为督办件，不能删除。")
    hearing = opinion.hearing
    trash.discard(opinion, kind="hearing_opinion", court_id=hearing.court_id,
                  label=f"庭审旁听意见：{opinion.deputy.name}（{hearing}）")


def _hearing_page(hearing_id: int) -> tuple[str, dict]:
    return "hearings.detail", {"hearing_id": hearing_id}


trash.register("hearing_opinion", "庭审旁听意见",
               link=lambda values: ("hearings.forum", {"hearing_id": values["hearing_id"]}))
trash.owner_page("hearing", _hearing_page)  # the hearing's materials (portal.hearings.routes.MATERIALS)


def opinion_to_item(opinion: HearingOpinion, kind: ItemKind) -> tuple[Item, bool]:
    """The tracked item of this opinion, registered now unless it already was; True when new."""
    existing = opinion_item(opinion)
    if existing:
        return existing, False
    hearing = opinion.hearing
    item = create_item(court_id=hearing.court_id, kind=kind, title=f"旁听庭审意见：{hearing.case_number} {hearing.cause}"[:200],
                       content=opinion.opinion, deputies=[opinion.deputy], origin=ItemOrigin.HEARING,
                       origin_id=opinion.id, received_on=hearing.forum_on or clock.today(),
                       case_number=hearing.case_number)
    return item, True


# --- ratings ----------------------------------------------------------------------------------------------------

def can_rate(invitation: HearingInvitation) -> bool:
    return invitation.status == S.ATTENDED


def save_rating(invitation: HearingInvitation, scores: dict[str, int], comment: str, *, by_staff: bool) -> HearingRating:
    rating = invitation.rating
    if rating is None:
        rating = HearingRating(invitation=invitation)
        db.session.add(rating)
    for name, _ in SCORE_FIELDS:
        setattr(rating, name, scores[name])
    rating.review_comment = comment.strip()
    rating.entered_by_id = current_user_id()
    rating.entered_by_staff = by_staff
    db.session.flush()
    return rating


def rating_to_item(rating: HearingRating, kind: ItemKind) -> tuple[Item, bool]:
    if rating.low_score_item is not None:
        return rating.low_score_item, False
    invitation = rating.invitation
    hearing = invitation.hearing
    lines = [f"{label}：{score} 分" for _, label, score in rating.scores]
    content = f"{invitation.deputy.name}旁听{hearing.case_number}{hearing.cause}一案庭审后点评：" + "；".join(lines) + "。"
    if rating.review_comment:
        content += f"\n点评意见：{rating.review_comment}"
    item = create_item(court_id=hearing.court_id, kind=kind, title=f"庭审点评低分：{hearing.case_number}"[:200],
                       content=content, deputies=[invitation.deputy], origin=ItemOrigin.HEARING, origin_id=None,
                       case_number=hearing.case_number)
    rating.low_score_item_id = item.id
    db.session.flush()
    return item, True


@dataclass
class RatingRow:
    key: str  # what the row is about: a case number, a judge, a department
    hearing_id: int | None
    count: int
    averages: list[float]  # in SCORE_FIELDS order


RATING_GROUPS = {"hearing": "按庭审", "judge": "按审判长", "department": "按部门"}


def rating_summary(court_ids: list[int], group: str, day_from: date | None = None,
                   day_to: date | None = None) -> list[RatingRow]:
    """Average scores per hearing, presiding judge or department, computed by the database."""
    r, i, h = HearingRating, HearingInvitation, Hearing
    averages = [func.avg(getattr(r, name)) for name, _ in SCORE_FIELDS]
    query = (select().select_from(r).join(i, i.id == r.invitation_id).join(h, h.id == i.hearing_id)
             .where(h.court_id.in_(court_ids)))
    if day_from:
        query = query.where(h.starts_at >= clock.start_of_day(day_from))
    if day_to:
        query = query.where(h.starts_at < clock.start_of_day(day_to + timedelta(days=1)))
    if group == "judge":
        query = query.add_columns(h.presiding_judge, func.count(r.id), *averages).group_by(h.presiding_judge)
        order = h.presiding_judge
    elif group == "department":
        query = (query.outerjoin(Department, Department.id == h.department_id)
                 .add_columns(func.coalesce(Department.name, "（未指定部门）"), func.count(r.id), *averages)
                 .group_by(Department.name))
        order = Department.name
    else:
        query = query.add_columns(h.id, h.case_number, func.count(r.id), *averages).group_by(h.id, h.case_number,
                                                                                            h.starts_at)
        order = h.starts_at.desc()
    rows = []
    for row in db.session.execute(query.order_by(order)):
        if group == "hearing":
            hearing_id, key, count, *avgs = row
        else:
            hearing_id, (key, count, *avgs) = None, row
        rows.append(RatingRow(key=key, hearing_id=hearing_id, count=count,
                              averages=[round(float(a), 2) for a in avgs]))
    return rows


def low_ratings(court_ids: list[int], day_from: date | None = None, day_to: date | None = None) -> list[HearingRating]:
    r, i, h = HearingRating, HearingInvitation, Hearing
    low = or_(*[getattr(r, name) <= LOW_SCORE for name, _ in SCORE_FIELDS])
    query = (select(r).join(i, i.id == r.invitation_id).join(h, h.id == i.hearing_id)
             .options(selectinload(r.invitation).selectinload(i.deputy),
                      selectinload(r.invitation).selectinload(i.hearing), selectinload(r.low_score_item))
             .where(h.court_id.in_(court_ids), low))
    if day_from:
        query = query.where(h.starts_at >= clock.start_of_day(day_from))
    if day_to:
        query = query.where(h.starts_at < clock.start_of_day(day_to + timedelta(days=1)))
    return list(db.session.scalars(query.order_by(h.starts_at.desc(), r.id)))


def hearing_rating_averages(hearing_id: int) -> tuple[int, list[float]]:
    r, i = HearingRating, HearingInvitation
    row = db.session.execute(select(func.count(r.id), *[func.avg(getattr(r, name)) for name, _ in SCORE_FIELDS])
                             .join(i, i.id == r.invitation_id).where(i.hearing_id == hearing_id)).one()
    count, *avgs = row
    return count, [round(float(a), 2) if a is not None else 0.0 for a in avgs]


# --- the deputy's side ------------------------------------------------------------------------------------------

def my_invitations(deputy_id: int, *, cursor: str | None, per_page: int, total: int | None, number: int) -> Page:
    query = (select(HearingInvitation).options(selectinload(HearingInvitation.hearing).selectinload(Hearing.court))
             .where(HearingInvitation.deputy_id == deputy_id))
    return paginate(query, [HearingInvitation.id], cursor=cursor, per_page=per_page, descending=True, total=total,
                    number=number)


def my_opinions(deputy_id: int, hearing_id: int) -> list[tuple[HearingOpinion, Item | None]]:
    opinions = list(db.session.scalars(select(HearingOpinion).where(HearingOpinion.deputy_id == deputy_id,
                                                                    HearingOpinion.hearing_id == hearing_id)
                                       .order_by(HearingOpinion.id)))
    items = items_from(ItemOrigin.HEARING, [o.id for o in opinions])
    return [(o, (items[o.id] or [None])[0]) for o in opinions]


def deputy_year_counts(deputy_id: int, year: int | None) -> dict[str, int]:
    """Invitations, attendances and opinions of a deputy (in ``year`` by the hearing's start), in one query."""
    i, h = HearingInvitation, Hearing
    query = (select(func.count(i.id), func.count(case((i.status == S.ATTENDED, 1))),
                    func.count(case((i.status == S.INVITED, 1))))
             .join(h, h.id == i.hearing_id).where(i.deputy_id == deputy_id))
    if year:
        query = query.where(h.starts_at >= clock.start_of_day(date(year, 1, 1)),
                            h.starts_at < clock.start_of_day(date(year + 1, 1, 1)))
    invited, attended, pending = db.session.execute(query).one()
    return {"invited": invited, "attended": attended, "pending": pending}

