"""The workflow of a tracked item: one table, :data:`TRANSITIONS`, and one function, :func:`advance`.

Every step checks who may take it and from which state, takes its own data (``_STEPS``), records an ``ItemEvent``
and announces what other parts of the portal may react to (``item.assigned``, ``item.reply_final``, …). A step that
is not allowed raises ``Forbidden`` (403); one that cannot be taken now, or with these data, ``ServiceError`` (422),
with a Chinese message and the fields to fix. "Nothing closes without a reply" is enforced here, not in the pages.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal import clock, events, params
from portal.auth.models import Court, Department, Role, User
from portal.errors import Forbidden, ServiceError
from portal.extensions import db
from portal.items.history import record_event
from portal.items.models import TEXT_LIMIT, Item, ItemEvent, ItemKind, ItemRating, ItemState, Rating
from portal.items.queries import is_deputy_of, is_handler_of
from portal.items.supervision import (
    HANDLING,
    assignment_deadline,
    deadline_counts_from_receipt,
    default_deadline,
    escalate_item,
)
from portal.register.models import Deputy


@dataclass(frozen=True)
class Transition:
    """One step of the workflow: who may take it, from which states, to which."""

    label: str  # the button, and the step's name in messages
    sources: tuple[ItemState, ...]
    target: ItemState | None  # None: the state stays
    roles: tuple[Role, ...]  # handlers only for items of their department; deputies only for their own items
    kinds: tuple[ItemKind, ...] = ()  # only these kinds (empty: every kind)
    needs_deputy: bool = False  # only items a deputy raised
    signer: str = ""  # "head": only the 承办部门's head (庭长); "leader": only the item's 责任领导 (分管副院长)


S = ItemState
TRANSITIONS: dict[str, Transition] = {
    "instruct": Transition("批示", (S.REGISTERED,), S.INSTRUCTED, (Role.LEADER,)),
    "assign": Transition("交办", (S.INSTRUCTED, S.ASSIGNED, S.IN_PROGRESS), S.ASSIGNED,
                         (Role.LIAISON, Role.LEADER)),
    "progress": Transition("记录进展", (S.ASSIGNED, S.IN_PROGRESS), S.IN_PROGRESS,
                           (Role.HANDLER, Role.LIAISON)),
    "opinions": Transition("填写三级意见", HANDLING, None, (Role.HANDLER, Role.LIAISON, Role.LEADER),
                           kinds=(ItemKind.CONCERNED_CASE,)),
    "sign_division": Transition("庭长签署", HANDLING, None, (Role.HANDLER, Role.LEADER, Role.LIAISON),
                                kinds=(ItemKind.CONCERNED_CASE,), signer="head"),
    "sign_vp": Transition("分管副院长签署", HANDLING, None, (Role.LEADER,), kinds=(ItemKind.CONCERNED_CASE,),
                          signer="leader"),
    "draft": Transition("起草答复", HANDLING, S.REPLY_DRAFTED, (Role.HANDLER, Role.LIAISON)),
    "hear": Transition("听取代表意见", (S.REPLY_DRAFTED,), S.REPLY_HEARD,
                       (Role.LIAISON, Role.HANDLER, Role.DEPUTY), needs_deputy=True),
    "answer": Transition("正式答复", (S.REPLY_DRAFTED, S.REPLY_HEARD), S.ANSWERED,
                         (Role.LIAISON, Role.LEADER)),
    # Every deputy of the item rates (co-proposers too); the item is 已评价 once all have (see _rate).
    "rate": Transition("评价", (S.ANSWERED,), None, (Role.DEPUTY, Role.LIAISON), needs_deputy=True),
    "close": Transition("办结", (S.ANSWERED, S.RATED), S.CLOSED, (Role.LIAISON,)),
    "supervise": Transition("督办", HANDLING, None, (Role.LIAISON, Role.LEADER)),
}
del S

# Words for the history; "escalate" and "reopen" are taken by the system, not by a person.
ACTION_LABELS = {**{key: t.label for key, t in TRANSITIONS.items()}, "register": "登记", "edit": "修改登记信息",
                 "contact": "过问留痕", "escalate": "超期升级督办", "reopen": "重新办理", "attach": "上传附件"}


def may(user, item: Item, action: str) -> bool:
    """Whether ``user`` may take step ``action`` on ``item`` in its current state."""
    return _problem(user, item, action) is None


def _problem(user, item: Item, action: str) -> ServiceError | None:
    transition = TRANSITIONS.get(action)
    if transition is None:
        return ServiceError("没有这项操作。")
    if transition.kinds and item.kind not in transition.kinds:
        return ServiceError(f"只有{'、'.join(k.label for k in transition.kinds)}需要{transition.label}。")
    if transition.needs_deputy and not item.deputies:
        return ServiceError(f"本事项没有关联代表委员，无需{transition.label}。")
    if transition.signer:
        signer = _signer_problem(user, item, transition)
        if signer is not None:
            return signer
    elif user.role not in transition.roles or (user.role == Role.HANDLER and not is_handler_of(user, item)) or (
            user.role == Role.DEPUTY and not is_deputy_of(user, item)):
        who = "、".join(r.label for r in transition.roles)
        return Forbidden(f"您无权对本事项进行“{transition.label}”操作（{who}可以）。")
    if item.state not in transition.sources:
        return ServiceError(f"事项当前为“{item.state.label}”，不能{transition.label}。"
                             f"可{transition.label}的状态：{'、'.join(s.label for s in transition.sources)}。")
    if action == "rate" and user.role == Role.DEPUTY and user.deputy_id in rated_deputy_ids(item):
        return ServiceError("您已评价本轮答复。")
    if action == "rate" and not unrated_deputies(item):
        return ServiceError("代表委员均已评价本轮答复。")
    if action == "close":
        try:
            check_closable(item)
        except ServiceError as error:
            return error
    return None


def division_head(item: Item) -> User | None:
    """The 庭长 of a concerned case: the head of the department it is assigned to."""
    return item.department.head if item.department is not None else None


def _signer_problem(user, item: Item, transition: Transition) -> ServiceError | None:
    """The three levels are people: the department's head signs as 庭长, the 责任领导 as 分管副院长."""
    if transition.signer == "head":
        head = division_head(item)
        if head is None:
            return Forbidden("承办部门尚未设置庭长（部门负责人），请系统管理员在“部门”中指定后由庭长签署。"
                              if item.department is not None else "交办承办部门后，由该部门庭长签署。")
        if head.id != user.id:
            return Forbidden(f"只有承办部门的庭长{head.display_name}可以进行“庭长签署”。")
        return None
    if user.role != Role.LEADER or (item.leader_id is not None and item.leader_id != user.id):
        who = item.leader.display_name if item.leader else "院领导"
        return Forbidden(f"只有本事项的责任领导（分管副院长）{who}可以进行“分管副院长签署”。")
    return None


def rated_deputy_ids(item: Item) -> set[int]:
    """The deputies who rated this round's reply."""
    return set(db.session.scalars(select(ItemRating.deputy_id).where(ItemRating.item_id == item.id,
                                                                     ItemRating.round == item.round)))


def unrated_deputies(item: Item) -> list[Deputy]:
    rated = rated_deputy_ids(item)
    return [d for d in item.deputies if d.id not in rated]


def round_ratings(item: Item) -> list[ItemRating]:
    return list(db.session.scalars(select(ItemRating).options(selectinload(ItemRating.deputy))
                                   .where(ItemRating.item_id == item.id).order_by(ItemRating.round, ItemRating.id)))


def available_actions(user, item: Item) -> list[str]:
    """The steps ``user`` may take now, in workflow order."""
    return [action for action in TRANSITIONS if may(user, item, action)]


def advance(item: Item, action: str, *, user=None, **data) -> ItemEvent:
    """Take workflow step ``action`` on ``item`` as ``user`` (default: the logged-in user).

    Checks role and state against :data:`TRANSITIONS`, then the step's own data; raises ``Forbidden`` (403) or
    ``ServiceError`` (422) with a Chinese message. Records the step as an ItemEvent and announces it if other
    parts of the portal care (:data:`ANNOUNCED`).
    """
    user = user or current_user
    problem = _problem(user, item, action)
    if problem is not None:
        raise problem
    transition = TRANSITIONS[action]
    before = item.state
    target = transition.target
    at = _act_time(item, data, transition.label, deputy=user.role == Role.DEPUTY)
    note = _STEPS[action](item, user, data, at)
    if action == "assign" and target.rank < before.rank:
        target = before  # re-assigning an item being handled does not move it back
    if target is not None:
        item.state = target
    reopen = action == "rate" and _round_unsatisfied(item)
    event = record_event(item, action, note=note, from_state=before, to_state=item.state, user_id=user.id, at=at)
    if action in ANNOUNCED:
        events.announce(ANNOUNCED[action], item, round=item.round, **_announced_details(item, action))
    if reopen:
        _reopen(item, user.id, at)
    if clock.local_date(at) == clock.today():
        escalate_item(item)  # an act entered after the fact is no moment to escalate; the scheduled check is
    return event


# The steps other parts of the portal hear of (portal.events; the labels are in portal.items.EVENTS).
ANNOUNCED = {"assign": "item.assigned", "answer": "item.reply_final", "rate": "item.rated", "close": "item.closed",
             "supervise": "item.supervised"}

def _announced_details(item: Item, action: str) -> dict:
    """What listeners need beyond the item: whom it went to, and whose rating a final reply now asks for (there is
    no separate step asking the deputies to rate: the final reply of a deputy's item is that moment)."""
    if action == "assign":
        return {"department_id": item.department_id, "handler_id": item.handler_id, "deadline": item.deadline}
    if action == "answer":
        return {"deputy_ids": [d.id for d in item.deputies]}  # empty: nobody to rate, the office closes it
    return {}


# Steps that order the workflow; an act may not be dated before the latest of them.
STEP_ACTIONS = ("register", "reopen", *TRANSITIONS)


def last_step(item: Item) -> ItemEvent | None:
    return db.session.scalars(select(ItemEvent).where(ItemEvent.item_id == item.id,
                                                      ItemEvent.action.in_(STEP_ACTIONS))
                              .order_by(ItemEvent.at.desc(), ItemEvent.id.desc()).limit(1)).first()


def _act_time(item: Item, data: dict, label: str, *, deputy: bool = False) -> datetime:
    """When the step happened: the date in ``on`` (default today; a deputy acting in the portal acts now).

    Offices record work after the fact, so the date is the act's, not the click's: never in the future, never
    before the receipt or the step before it.
    """
    raw = None if deputy else data.get("on")
    if isinstance(raw, datetime):
        raw = clock.local_date(raw)
    if isinstance(raw, str):
        try:
            raw = date.fromisoformat(raw.strip()) if raw.strip() else None
        except ValueError:
            message = f"{label}日期格式应为 2025-03-01。"
            raise ServiceError(message, {"on": message}) from None
    day = raw or clock.today()
    if day > clock.today():
        message = f"{label}日期不能晚于今天。"
        raise ServiceError(message, {"on": message})
    previous = last_step(item)
    floor = max(item.received_on, clock.local_date(previous.at)) if previous else item.received_on
    if day < floor:
        what = ACTION_LABELS.get(previous.action, "登记") if previous and floor != item.received_on else "收件"
        message = f"{label}日期不能早于{what}日期（{floor.isoformat()}）。"
        raise ServiceError(message, {"on": message})
    return clock.act_moment(day, previous.at if previous else None)


def _text(data: dict, key: str, label: str, *, required: bool = True, limit: int = TEXT_LIMIT) -> str:
    value = params.clean_text(str(data.get(key) or ""), multiline=True).strip()
    if required and not value:
        raise ServiceError(f"请填写{label}。", {key: f"请填写{label}。"})
    if len(value) > limit:
        raise ServiceError(f"{label}不能超过 {limit} 个字。", {key: f"不能超过 {limit} 个字。"})
    return value


def _instruct(item: Item, user, data: dict, at: datetime) -> str:
    item.instruction = _text(data, "instruction", "批示内容")
    item.instructed_by_id = user.id
    item.instructed_at = at
    if item.leader_id is None:
        item.leader_id = user.id  # the leader who instructs answers for it, unless another is named at 交办
    return item.instruction


def ancestor_court_ids(court_id: int) -> list[int]:
    """The court and the courts above it (at most three levels)."""
    ids = []
    court = db.session.get(Court, court_id)
    while court is not None and len(ids) < 4:
        ids.append(court.id)
        court = court.parent
    return ids


def _assign(item: Item, user, data: dict, at: datetime) -> str:
    errors = {}
    department_id = params.parse_id(str(data.get("department_id") or ""))
    department = db.session.get(Department, department_id) if department_id else None
    if department is None or department.court_id != item.court_id or not department.active:
        errors["department_id"] = "请选择本院的承办部门。"
    handler = None
    if handler_id := params.parse_id(str(data.get("handler_id") or "")):
        handler = db.session.get(User, handler_id)
        if handler is None or handler.role != Role.HANDLER or not handler.active or (
                department is not None and handler.department_id != department.id):
            errors["handler_id"] = "承办人应为所选承办部门的承办人。"
    leader_id = item.leader_id
    if chosen_leader_id := params.parse_id(str(data.get("leader_id") or "")):
        leader = db.session.get(User, chosen_leader_id)
        if leader is None or leader.role != Role.LEADER or leader.court_id not in ancestor_court_ids(item.court_id):
            errors["leader_id"] = "责任领导应为本院或上级法院的院领导。"
        else:
            leader_id = leader.id
    deadline = data.get("deadline")
    if isinstance(deadline, str):
        typed, deadline = deadline.strip(), params.parse_date(deadline)
        if typed and deadline is None:
            errors["deadline"] = "办理期限的格式应为 2025-03-01。"
    if deadline is None:
        deadline = assignment_deadline(item, clock.local_date(at))
    elif deadline < item.received_on:
        errors["deadline"] = "办理期限不能早于收件日期。"
    if errors:
        raise ServiceError("交办信息有误：" + "；".join(errors.values()), errors)
    item.department_id, item.handler_id, item.leader_id = department.id, handler.id if handler else None, leader_id
    item.deadline = deadline
    if item.round == 1 or item.assigned_at is None:
        item.assigned_at = at  # a second round keeps the first 交办时间; its start is the reopen step
    item.escalated_at = None  # a new deadline: supervised afresh
    who = f"，承办人：{handler.display_name}" if handler else ""
    return f"承办部门：{department.name}{who}，办理期限：{deadline.isoformat()}"


def _progress(item: Item, user, data: dict, at: datetime) -> str:
    return _text(data, "note", "办理进展")


def _opinions(item: Item, user, data: dict, at: datetime) -> str:
    values = {key: _text(data, key, label, required=False) for key, label in
              (("panel_opinion", "合议庭意见"), ("division_opinion", "庭长意见"),
               ("vice_president_opinion", "分管副院长意见"))}
    if not any(values.values()):
        raise ServiceError("请至少填写一级意见。", {"panel_opinion": "请至少填写一级意见。"})
    notes = []
    for key, label in (("panel_opinion", "合议庭"), ("division_opinion", "庭长"), ("vice_president_opinion", "分管副院长")):
        if values[key] and values[key] != getattr(item, key):
            setattr(item, key, values[key])
            notes.append(f"{label}：{values[key]}")
            # A signature covers the text it was given to: a changed opinion needs signing again.
            if key == "division_opinion" and item.division_signed_at:
                item.division_signed_by_id = item.division_signed_at = None
            if key == "vice_president_opinion" and item.vice_president_signed_at:
                item.vice_president_signed_by_id = item.vice_president_signed_at = None
    return "；".join(notes)


def _sign_division(item: Item, user, data: dict, at: datetime) -> str:
    if not item.panel_opinion or not item.division_opinion:
        raise ServiceError("请先填写合议庭意见和庭长意见，再由庭长签署。")
    item.division_signed_by_id, item.division_signed_at = user.id, at
    return f"庭长意见已签署：{user.display_name}"


def _sign_vp(item: Item, user, data: dict, at: datetime) -> str:
    if item.division_signed_at is None:
        raise ServiceError("庭长签署后，分管副院长才能签署。")
    if not item.vice_president_opinion:
        raise ServiceError("请先填写分管副院长意见。")
    item.vice_president_signed_by_id, item.vice_president_signed_at = user.id, at
    return f"分管副院长意见已签署：{user.display_name}"


def _draft(item: Item, user, data: dict, at: datetime) -> str:
    item.reply = _text(data, "reply", "答复内容")
    return "已起草答复" if item.state != ItemState.REPLY_HEARD else "已修改答复（需再次听取代表意见）"


def _hear(item: Item, user, data: dict, at: datetime) -> str:
    if user.role == Role.DEPUTY:
        note = _text(data, "note", "意见", required=False) or "无不同意见"
        note = f"{user.display_name}：{note}"
    else:
        note = _text(data, "note", "代表委员的意见")
    item.reply_heard_note = note
    item.reply_heard_at = at
    return note


def _answer(item: Item, user, data: dict, at: datetime) -> str:
    if not item.reply.strip():
        raise ServiceError("答复内容为空，不能答复。请先起草答复。")
    if item.deputies and item.state != ItemState.REPLY_HEARD:
        raise ServiceError("答复前须听取代表委员对答复稿的意见。")
    if item.is_concerned_case and not (item.division_signed_at and item.vice_president_signed_at):
        raise ServiceError("关注案件的办理报告须经庭长和分管副院长签署后才能答复。")
    item.answered_at, item.answered_on = at, clock.local_date(at)
    note = _text(data, "note", "说明", required=False)
    # The history keeps each round's reply: a second round's draft replaces item.reply.
    return f"第{item.round}轮答复：{item.reply}" + (f"\n说明：{note}" if note else "")


def _rate(item: Item, user, data: dict, at: datetime) -> str:
    rating = data.get("rating")
    rating = rating if isinstance(rating, Rating) else Rating.from_label(str(rating or ""))
    if rating is None:
        message = f"请选择评价（{'、'.join(r.label for r in Rating)}）。"
        raise ServiceError(message, {"rating": message})
    comment = _text(data, "comment", "不满意的原因", required=rating == Rating.UNSATISFIED)
    waiting = unrated_deputies(item)
    if user.role == Role.DEPUTY:
        deputy = next(d for d in waiting if d.id == user.deputy_id)
    else:
        chosen = str(data.get("deputy_id") or "")
        deputy = next((d for d in waiting if str(d.id) == chosen), None)
        if deputy is None and len(waiting) == 1 and not chosen:
            deputy = waiting[0]
        if deputy is None:
            message = f"请选择评价的代表委员（{'、'.join(d.name for d in waiting)}）。"
            raise ServiceError(message, {"deputy_id": message})
    db.session.add(ItemRating(item_id=item.id, deputy_id=deputy.id, round=item.round, rating=rating, comment=comment,
                              rated_at=at, recorded_by_id=user.id))
    db.session.flush()
    _combine_ratings(item, at)
    who = "" if user.role == Role.DEPUTY else "（据代表委员书面评价录入）"
    return f"{deputy.name}：{rating.label}{who}" + (f"：{comment}" if comment else "")


RATING_ORDER = (Rating.UNSATISFIED, Rating.BASICALLY, Rating.SATISFIED)


def _round_unsatisfied(item: Item) -> bool:
    return db.session.scalar(select(func.count()).select_from(ItemRating).where(
        ItemRating.item_id == item.id, ItemRating.round == item.round, ItemRating.rating == Rating.UNSATISFIED)) > 0


def _combine_ratings(item: Item, at: datetime) -> None:
    """The round's rating once every deputy has rated: the least satisfied of theirs, so an item counts as
    satisfied (满意率) only when all its proposers are; one 不满意 reopens it at once, whoever gave it."""
    ratings = list(db.session.scalars(select(ItemRating).where(ItemRating.item_id == item.id,
                                                               ItemRating.round == item.round)))
    unsatisfied = [r for r in ratings if r.rating == Rating.UNSATISFIED]
    if not unsatisfied and {r.deputy_id for r in ratings} < {d.id for d in item.deputies}:
        return  # waiting for the co-proposers
    worst = unsatisfied[0] if unsatisfied else min(ratings, key=lambda r: RATING_ORDER.index(r.rating))
    item.rating, item.rated_at = worst.rating, at
    item.rating_comment = "；".join(f"{r.deputy.name}：{r.comment}" if len(ratings) > 1 else r.comment
                                   for r in ratings if r.comment)
    if worst.rating != Rating.UNSATISFIED:
        item.state = ItemState.RATED


def _close(item: Item, user, data: dict, at: datetime) -> str:
    check_closable(item)
    item.closed_at = at
    return _text(data, "note", "说明", required=False)


def check_closable(item: Item) -> None:
    """件件有回音: an item closes only with a final reply, and a deputy's item only once rated."""
    if not item.reply.strip() or item.answered_at is None:
        raise ServiceError("没有正式答复的事项不能办结。")
    if item.deputies and (item.rating is None or item.state != ItemState.RATED):
        raise ServiceError("代表委员尚未全部评价，不能办结。")
    if item.rating == Rating.UNSATISFIED:
        raise ServiceError("代表委员不满意的事项须重新办理，不能办结。")


def _supervise(item: Item, user, data: dict, at: datetime) -> str:
    return _text(data, "note", "督办要求", required=False) or "请按期办结并报送办理结果。"


_STEPS = {"instruct": _instruct, "assign": _assign, "progress": _progress, "opinions": _opinions,
          "sign_division": _sign_division, "sign_vp": _sign_vp, "draft": _draft, "hear": _hear, "answer": _answer,
          "rate": _rate, "close": _close, "supervise": _supervise}


def _reopen(item: Item, user_id: int, at: datetime) -> None:
    """不满意: a second round of handling, with the same department and a fresh deadline from the rating's date.

    The first 交办时间 stays; the round's reply stays in the history (the answer step's note).
    """
    before = item.state
    item.round += 1
    item.state = ItemState.ASSIGNED
    item.deadline = default_deadline(item.kind, clock.local_date(at))
    item.answered_at = item.answered_on = item.reply_heard_at = item.escalated_at = None
    item.reply_heard_note = ""
    item.division_signed_by_id = item.division_signed_at = None
    item.vice_president_signed_by_id = item.vice_president_signed_at = None
    record_event(item, "reopen", note=f"第{item.round}轮办理，办理期限：{item.deadline.isoformat()}",
                 from_state=before, to_state=item.state, user_id=user_id, at=at)
    events.announce("item.reopened", item, round=item.round, deadline=item.deadline)


def assignment_choices(item: Item) -> dict:
    """Departments and handlers of the item's court, and the leaders who may answer for it."""
    departments = list(db.session.scalars(select(Department).where(Department.court_id == item.court_id,
                                                                   Department.active.is_(True))
                                          .order_by(Department.id)))
    handlers = list(db.session.scalars(select(User).options(selectinload(User.department))
                                       .where(User.court_id == item.court_id, User.role == Role.HANDLER,
                                              User.active.is_(True)).order_by(User.department_id, User.id)))
    leaders = list(db.session.scalars(select(User).options(selectinload(User.court))
                                      .where(User.court_id.in_(ancestor_court_ids(item.court_id)),
                                             User.role == Role.LEADER, User.active.is_(True))
                                      .order_by(User.court_id.desc(), User.id)))
    return {"departments": departments, "handlers": handlers, "leaders": leaders,
            "default_deadline": assignment_deadline(item, clock.today()),
            "deadline_from_receipt": deadline_counts_from_receipt()}
