"""The deputy's workspace panel: their suggestions and letters, and the year's counts for the archive (履职档案)."""
from datetime import date

from flask import url_for
from sqlalchemy import select

from portal.areas import Panel
from portal.extensions import db
from portal.items.models import Item, ItemKind, item_deputy
from portal.items.services import rated_by, year_counts

ARCHIVE_LABELS = {ItemKind.SUGGESTION: "提出建议", ItemKind.PROPOSAL: "提出提案", ItemKind.LETTER: "反映来信",
                  ItemKind.CONCERNED_CASE: "关注案件"}


def deputy_panel(deputy, year: int | None) -> Panel | None:
    """The latest five items of ``deputy`` (of ``year`` when given) and the year's counts by kind."""
    query = select(Item).where(Item.id.in_(select(item_deputy.c.item_id).where(item_deputy.c.deputy_id == deputy.id)))
    if year:
        query = query.where(Item.received_on >= date(year, 1, 1), Item.received_on <= date(year, 12, 31))
    rows = list(db.session.scalars(query.order_by(Item.received_on.desc(), Item.id.desc()).limit(5)))
    counts = year_counts(deputy.id, year)
    archive = [(label, counts[kind]) for kind, label in ARCHIVE_LABELS.items() if counts.get(kind)]
    return Panel(title="我的建议和来信", template="items/_deputy_panel.html", order=30, rows=rows,
                 link=url_for("items.mine"), archive=archive, extra={"rated": rated_by(deputy.id, rows)})
