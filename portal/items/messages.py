"""What the tracked-items area tells people through notices.

- An item assigned (``item.assigned``): its handler, or else the department's head, in the portal and by SMS.
- An item overdue (``item.escalated``): the handler, then the responsible leader (分管副院长).
- A final reply (``item.reply_final``): the deputies who raised the item, with the page where they rate it.
- An item falling due within ``ITEM_DUE_SOON_DAYS``: its handler, once per assignment (``queue_reminders``, called by
  the notices worker through ``contributions.scheduled_notices``).

The listeners run inside the transaction of the change: the messages commit with it or not at all.
"""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal import clock, events
from portal.auth.models import Department
from portal.extensions import db
from portal.items.models import Item
from portal.items.services import due_soon_condition
from portal.notices import services as notices
from portal.register.models import Deputy

DUE_SOON = "督办件即将到期"


def _item_line(item: Item) -> str:
    return f"{item.number}《{item.title[:30]}》"


@events.on("item.assigned", in_transaction=True)
def item_assigned(event: events.Event) -> None:
    """The handler, or else the department's head, learns of the item, in the portal and by SMS."""
    item = db.session.get(Item, event.subject_id)
    receiver = item.handler
    if receiver is None and item.department_id:
        receiver = db.session.get(Department, item.department_id).head
    if receiver is None:
        return
    deadline = f"，办理期限 {item.deadline.isoformat()}" if item.deadline else ""
    notices.tell_user(receiver, "新交办件", f"{_item_line(item)}已交办{item.department.name if item.department else ''}"
                                        f"办理{deadline}。请登录平台查看。",
                      link=notices.link_to("items.detail", item_id=item.id), about=item, sms=True)


@events.on("item.escalated", in_transaction=True)
def item_overdue(event: events.Event) -> None:
    """Overdue: the handler, then the responsible leader (分管副院长)."""
    item = db.session.get(Item, event.subject_id)
    text = f"{_item_line(item)}已超过办理期限（{item.due_on.isoformat() if item.due_on else ''}），请督促办理。"
    for receiver in dict.fromkeys(u for u in (item.handler, item.leader) if u is not None):
        notices.tell_user(receiver, "督办件超期", text, link=notices.link_to("items.detail", item_id=item.id),
                          about=item, sms=True)


@events.on("item.reply_final", in_transaction=True)
def item_answered(event: events.Event) -> None:
    """The deputies who raised the item are told, with the page where they rate the reply."""
    item = db.session.get(Item, event.subject_id)
    deputies = db.session.scalars(select(Deputy).where(Deputy.id.in_(event.data.get("deputy_ids") or []))).all()
    link = notices.link_to("items.detail", item_id=item.id)
    for deputy in deputies:
        notices.tell_deputy(deputy, "办理结果答复",
                            f"{notices.salutation(deputy)}：您提出的{_item_line(item)}已办理答复，"
                            "请登录平台查看答复并评价办理结果。",
                            court_id=item.court_id, link=link, about=item)


def queue_reminders(now: datetime) -> int:
    """Tell each handler of an item due soon, once per assignment (a new round is assigned again)."""
    items = db.session.scalars(select(Item).where(due_soon_condition(clock.local_date(now)),
                                                  ~notices.told(Item, DUE_SOON, since=Item.assigned_at))
                               .options(joinedload(Item.handler))).all()
    for item in items:
        notices.tell_user(item.handler, DUE_SOON,
                          f"{_item_line(item)}将于 {item.due_on.isoformat()} 到期，请抓紧办理。",
                          link=notices.link_to("items.detail", item_id=item.id), about=item, sms=True)
    db.session.commit()
    return len(items)
