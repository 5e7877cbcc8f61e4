"""What the hearings area shows on other areas' pages: the panel of the deputy's workspace (the latest invitations
and the year's counts), and the hearing a tracked item came from."""
from datetime import date

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import clock
from portal.areas import Panel
from portal.extensions import db
from portal.hearings.models import Hearing, HearingInvitation, HearingOpinion, HearingRating
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
