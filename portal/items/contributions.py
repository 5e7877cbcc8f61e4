"""What tracked items show on other areas' pages (portal.areas): the deputy's workspace panel with the year's counts
for the archive (履职档案), the supervision notice (督办提醒) on the staff home page, and deadlines on the work
calendar."""
from datetime import date

from flask import url_for
from sqlalchemy import select

from portal.areas import Entry, Panel
from portal.auth.models import Role
from portal.extensions import db
from portal.items.models import Item, ItemKind, item_deputy
from portal.items.queries import rated_by, supervision_counts, visible_condition, year_counts
from portal.items.supervision import SUPERVISED

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


def home_panel(user) -> Panel | None:
    """How many items near or past their deadline need this staff member (督办提醒); None when none do.

    ``extra`` holds the counts, {"overdue": n, "soon": m}, as the queue's banner takes them.
    """
    if not user.is_authenticated or user.role == Role.DEPUTY:
        return None
    counts = supervision_counts(user)
    if not counts["overdue"] and not counts["soon"]:
        return None
    return Panel(title="督办提醒", template="items/_home_notice.html", order=10, link=url_for("items.queue"),
                 extra=counts)


# --- the work calendar -----------------------------------------------------------------------------------------

AGENDA_KINDS = {"item_deadline": "办理期限"}


def agenda_entries(user, first: date, last: date, court_ids: list[int]) -> list[Entry]:
    """The deadlines of items still being handled that the user sees (a deputy's own items are not theirs to
    handle: none)."""
    if user.role == Role.DEPUTY:
        return []
    query = (select(Item).where(Item.deadline >= first, Item.deadline <= last, Item.court_id.in_(court_ids),
                                Item.state.in_(SUPERVISED), visible_condition(user))
             .order_by(Item.deadline, Item.id))
    return [Entry(uid=f"item-deadline-{i.id}-{i.round}", kind="item_deadline", kind_label="办理期限", day=i.deadline,
                  title=f"{i.number}《{i.title}》", court_id=i.court_id, url=url_for("items.detail", item_id=i.id))
            for i in db.session.scalars(query)]
