"""What the hearings area shows on other areas' pages: the panel of the deputy's workspace (the latest invitations
and the year's counts), the hearing a tracked item came from, hearings on the work calendar, and attended hearings
as contacts for pairing."""
from datetime import date, datetime, timedelta

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal import clock
from portal.addresses import address
from portal.areas import Contact, Entry, Panel
from portal.auth.models import Role
from portal.extensions import db
from portal.hearings import messages
from portal.hearings.models import (
    Hearing,
    HearingInvitation,
    HearingOpinion,
    HearingRating,
    HearingStatus,
    InvitationStatus,
)
from portal.hearings.services import deputy_year_counts
from portal.items.models import ItemOrigin


def deputy_panel(deputy, year: int | None) -> Panel | None:
    """The deputy's five latest invitations (of ``year``, when given) and, for the archive, how many there were
    and how many hearings they attended."""
    query = (select(HearingInvitation).join(Hearing, Hearing.id == HearingInvitation.hearing_id)
             .options(selectinload(HearingInvitation.hearing), selectinload(HearingInvitation.rating))
             .where(HearingInvitation.deputy_id == deputy.id))
    if year:
        query = query.where(Hearing.starts_at >= clock.start_of_day(date(year, 1, 1)),
                            Hearing.starts_at < clock.start_of_day(date(year + 1, 1, 1)))
    rows = list(db.session.scalars(query.order_by(Hearing.starts_at.desc(), HearingInvitation.id.desc()).limit(5)))
    counts = deputy_year_counts(deputy.id, year)
    return Panel(title="旁听庭审邀请", template="hearings/_deputy_panel.html", order=20, rows=rows,
                 link=url_for("hearings.mine"),
                 archive=[("受邀旁听庭审", counts["invited"]), ("旁听庭审", counts["attended"])])


def item_origin_url(item) -> str | None:
    """The hearing's page, for an item registered from it: a forum opinion (``origin_id`` is the opinion's id) or a
    rating's low score (no ``origin_id``: the rating names the item)."""
    if item.origin != ItemOrigin.HEARING:
        return None
    if item.origin_id is not None:
        hearing_id = db.session.scalar(select(HearingOpinion.hearing_id).where(HearingOpinion.id == item.origin_id))
    else:
        hearing_id = db.session.scalar(select(HearingInvitation.hearing_id).join(HearingRating)
                                       .where(HearingRating.low_score_item_id == item.id))
    return url_for("hearings.detail", hearing_id=hearing_id) if hearing_id else None


# --- the work calendar and pairing -------------------------------------------------------------------------------

AGENDA_KINDS = {"hearing": "庭审"}


def agenda_entries(user, first: date, last: date, court_ids: list[int]) -> list[Entry]:
    """Hearings on those days: staff see their courts' (not cancelled); a deputy those they are invited to and
    have not declined."""
    query = (select(Hearing).where(Hearing.starts_at >= clock.start_of_day(first),
                                   Hearing.starts_at < clock.start_of_day(last + timedelta(days=1)),
                                   Hearing.status != HearingStatus.CANCELLED))
    deputy = user.role == Role.DEPUTY
    if deputy:
        mine = dict(db.session.execute(select(HearingInvitation.hearing_id, HearingInvitation.id).where(
            HearingInvitation.deputy_id == (user.deputy_id or -1),
            HearingInvitation.status != InvitationStatus.DECLINED)).all())
        query = query.where(Hearing.id.in_(mine))
    else:
        query = query.where(Hearing.court_id.in_(court_ids))
    return [Entry(uid=f"hearing-{h.id}", kind="hearing", kind_label="庭审", day=clock.local_date(h.starts_at),
                  title=f"{h.case_number} {h.cause}" + (f"（{h.status.label}）" if h.status != HearingStatus.SCHEDULED
                                                       else ""),
                  place=h.court_room, starts=h.starts_at, ends=h.ends_at, court_id=h.court_id,
                  url=address("hearings.mine_detail", invitation_id=mine[h.id]) if deputy
                  else address("hearings.detail", hearing_id=h.id))
            for h in db.session.scalars(query.order_by(Hearing.starts_at))]


def _attended(*columns):
    """SQL: ``columns`` of every hearing a deputy attended (a contact on its day)."""
    return (select(*columns).join(Hearing, Hearing.id == HearingInvitation.hearing_id)
            .where(HearingInvitation.status == InvitationStatus.ATTENDED))


def last_contacts(deputy_ids: list[int]) -> dict[int, Contact]:
    """A hearing a deputy attended is a contact on its day."""
    rows = db.session.execute(_attended(HearingInvitation.deputy_id, func.max(Hearing.starts_at))
                              .where(HearingInvitation.deputy_id.in_(deputy_ids)).group_by(HearingInvitation.deputy_id))
    return {deputy_id: Contact(clock.local_date(at), "旁听庭审") for deputy_id, at in rows}


def contacted_since(day: date):
    """SQL: the deputies who attended a hearing on ``day`` or later (pairing coverage)."""
    return _attended(HearingInvitation.deputy_id).where(Hearing.starts_at >= clock.start_of_day(day))


def figures(scope):
    """Hearings held in the period (开庭日期 in it, 已开庭), the invitations to them and the 人次 who attended, per
    court and in total: the list's own query (``filtered_hearings``) grouped by court; one more for the trend."""
    from portal import periods
    from portal.figures.definitions import FigureGroup, Rate, by_month, count_if, figure, in_year, month_of, tally
    from portal.hearings.services import HearingFilters, filtered_hearings

    filters = HearingFilters(when="all", status=HearingStatus.HELD.value,
                             period=periods.parse(scope.start.isoformat(), scope.end.isoformat()))
    chosen = filtered_hearings(filters, scope.court_ids).with_only_columns(Hearing.id).order_by(None)
    counted = tally(db.session.execute(
        select(Hearing.court_id, func.count(func.distinct(Hearing.id)), func.count(HearingInvitation.id),
               count_if(HearingInvitation.status == InvitationStatus.ATTENDED),
               count_if(HearingInvitation.status == InvitationStatus.DECLINED))
        .outerjoin(HearingInvitation, HearingInvitation.hearing_id == Hearing.id)
        .where(Hearing.id.in_(chosen)).group_by(Hearing.court_id)), ["held", "invited", "attended", "declined"])
    links = scope.links("hearings.index", **filters.as_args())
    invited, attended = figure("invited", "邀请人次", counted["invited"], links), figure(
        "attended", "旁听人次", counted["attended"], links)
    group = FigureGroup("hearings", "邀请旁听庭审", order=30, figures=[
        figure("held", "旁听庭审场次", counted["held"], links), invited, attended,
        figure("declined", "谢绝人次", counted["declined"], links), Rate("attended_rate", "出席率", attended, invited)])
    month = month_of(Hearing.starts_at, scope.year, timestamp=True)
    group.trend = {"旁听人次": by_month(db.session.execute(
        select(month, func.count()).join(HearingInvitation, HearingInvitation.hearing_id == Hearing.id)
        .where(Hearing.court_id.in_(scope.court_ids), HearingInvitation.status == InvitationStatus.ATTENDED,
               in_year(Hearing.starts_at, scope.year, timestamp=True)).group_by(month)))}
    return group


def home_panel(user) -> Panel | None:
    """For the liaison office: invitations to hearings still to come that the deputies have not answered (待答复),
    to chase by phone; None when there are none."""
    from portal.access import EDITOR_ROLES, visible_court_ids

    if not user.is_authenticated or user.role not in EDITOR_ROLES:
        return None
    waiting = db.session.scalar(
        select(func.count(HearingInvitation.id)).join(Hearing, Hearing.id == HearingInvitation.hearing_id)
        .where(Hearing.court_id.in_(visible_court_ids(user)), Hearing.starts_at > clock.now(),
               Hearing.status != HearingStatus.CANCELLED, HearingInvitation.status == InvitationStatus.INVITED))
    if not waiting:
        return None
    return Panel(title="旁听邀请待答复", template="hearings/_home_panel.html", order=20,
                 link=url_for("hearings.index", when="upcoming"), extra={"waiting": waiting})


def scheduled_notices(now: datetime) -> int:
    """The day-before reminder of each invitation, queued by the notices worker's passes."""
    return messages.queue_reminders(now)
