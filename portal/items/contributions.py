"""What tracked items show on other areas' pages (portal.areas): the deputy's workspace panel with the year's counts
for the archive (履职档案), the supervision notice (督办提醒) on the staff home page, and deadlines on the work
calendar."""
from datetime import date, datetime

from flask import url_for
from sqlalchemy import and_, case, func, select, true

from portal.addresses import address
from portal.areas import Entry, Outstanding, Panel
from portal.auth.models import Department, Role, User
from portal.extensions import db
from portal.figures.definitions import (
    Chart,
    FigureGroup,
    Rate,
    Table,
    by_month,
    count_if,
    figure,
    in_year,
    month_of,
    tally,
)
from portal.items import messages
from portal.items.models import Item, ItemKind, item_deputy
from portal.items.queries import (
    KIND_GROUPS,
    outcome_conditions,
    rated_by,
    supervision_counts,
    visible_condition,
    year_counts,
)
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
    """What this staff member must do next with items: the supervision notice (督办提醒: near or past the deadline)
    and the items waiting for their step (to instruct, to handle, replies to approve, to close); None when nothing.

    ``extra`` holds the supervision counts, {"overdue": n, "soon": m}, as the queue's banner takes them, and
    ``todo``: (label, count, link) of the steps waiting.
    """
    if not user.is_authenticated or user.role == Role.DEPUTY:
        return None
    counts = supervision_counts(user)
    todo = [entry for entry in todo_counts(user) if entry[1]]
    if not counts["overdue"] and not counts["soon"] and not todo:
        return None
    return Panel(title="督办提醒", template="items/_home_notice.html", order=10, link=url_for("items.queue"),
                 extra={**counts, "todo": todo})


def todo_counts(user) -> list[tuple[str, int, str]]:
    """(label, count, link) of the items waiting for ``user``'s step, by role, in one aggregate query."""
    from portal.items.models import ItemState
    from portal.items.supervision import HANDLING

    S = ItemState
    replies = (S.REPLY_DRAFTED, S.REPLY_HEARD)
    if user.role == Role.LEADER:
        wanted = [("待批示", (S.REGISTERED,), true(), url_for("items.index", state=S.REGISTERED.value)),
                  ("待审定答复", replies, Item.leader_id == user.id, url_for("items.queue"))]
    elif user.role == Role.HANDLER:
        wanted = [("待办理", HANDLING, true(), url_for("items.queue"))]
    else:
        wanted = [("待交办", (S.INSTRUCTED,), true(), url_for("items.index", state=S.INSTRUCTED.value)),
                  ("待审定答复", replies, true(), url_for("items.queue")),
                  ("待办结", (S.RATED,), true(), url_for("items.index", state=S.RATED.value))]
    states = {state for _, of, _, _ in wanted for state in of}  # only these states' range of ix_item_court_state
    row = db.session.execute(select(*(count_if(and_(Item.state.in_(of), also)) for _, of, also, _ in wanted))
                             .where(visible_condition(user), Item.state.in_(sorted(states)))).one()
    return [(label, n, link) for (label, _, _, link), n in zip(wanted, row, strict=True)]


# --- the work calendar -----------------------------------------------------------------------------------------

AGENDA_KINDS = {"item_deadline": "办理期限"}


def agenda_entries(user, first: date, last: date, court_ids: list[int]) -> list[Entry]:
    """The deadlines of items still being handled that the user sees (a deputy's own items are not theirs to
    handle: none)."""
    if user.role == Role.DEPUTY:
        return []
    query = (select(Item.id, Item.round, Item.deadline, Item.number, Item.title, Item.court_id)  # a province's
             .where(Item.deadline >= first, Item.deadline <= last, Item.state.in_(SUPERVISED),  # month: thousands
                    visible_condition(user, court_ids))
             .order_by(Item.deadline, Item.id))
    return [Entry(uid=f"item-deadline-{i.id}-{i.round}", kind="item_deadline", kind_label="办理期限", day=i.deadline,
                  title=f"{i.number}《{i.title}》", court_id=i.court_id, url=address("items.detail", item_id=i.id))
            for i in db.session.execute(query)]


# --- the figures (dashboard and reports) -------------------------------------------------------------------------

ITEM_COUNTS = ["received", "closed", "on_time", "overdue", "rated", "satisfied", "fully_satisfied", "basically",
               "unsatisfied"]


def figures(scope):
    """受理、办结、在办、按期、满意、超期 of the items received in the period, per court and in total, for the whole
    scope, each kind group (建议、提案 / 交办督办件、来信、关注案件), each kind and each department: one query grouped by
    court, kind and department (the sums are taken from its rows), and one for the year's trend."""
    outcome = outcome_conditions(scope.as_of)
    seen = [visible_condition(scope.user)] if scope.user is not None else []  # a handler: their department's
    received = [Item.court_id.in_(scope.court_ids), Item.received_on >= scope.start, Item.received_on <= scope.end,
                *seen]
    rows = db.session.execute(
        select(Item.court_id, Item.kind, Item.department_id, Department.name, func.count(Item.id),
               *(count_if(outcome[key]) for key in ITEM_COUNTS[1:]))
        .outerjoin(Department, Department.id == Item.department_id).where(*received)
        .group_by(Item.court_id, Item.kind, Item.department_id, Department.name)
        .order_by(Item.department_id.is_(None), Item.department_id)).all()
    base = {"received_from": scope.start.isoformat(), "received_to": scope.end.isoformat(),
            "as_of": scope.as_of.isoformat()}

    def line(chosen: list, **args) -> list:
        """受理 … 超期 of the rows ``chosen``, each linked to the board under ``args``."""
        counted = tally([(r[0], *r[4:]) for r in chosen], ITEM_COUNTS)

        def fig(key: str, name: str, outcome_key: str = ""):
            return figure(key, name, counted[key], scope.links("items.index", **base, **args,
                                                             **({"outcome": outcome_key} if outcome_key else {})))

        got, closed, on_time = fig("received", "受理"), fig("closed", "办结", "closed"), fig("on_time", "按期办结", "on_time")
        still = figure("open", "在办", ({c: got.value(c) - closed.value(c) for c in got.values},
                                        got.total - closed.total), scope.links("items.index", **base, **args,
                                                                               outcome="open"))
        rated, satisfied = fig("rated", "已评价", "rated"), fig("satisfied", "满意或基本满意", "satisfied")
        return [got, closed, still, Rate("closed_rate", "办结率", closed, got), on_time,
                Rate("on_time_rate", "按期办结率", on_time, closed), rated, satisfied,
                Rate("satisfied_rate", "满意率", satisfied, rated), fig("overdue", "超期", "overdue")]

    total = line(rows)
    headers = ["受理", "办结", "在办", "办结率", "按期办结率", "满意率", "超期"]

    def cells(figures_: list) -> list:
        by_key = {f.key: f for f in figures_}
        return [by_key[k] for k in ("received", "closed", "open", "closed_rate", "on_time_rate", "satisfied_rate",
                                    "overdue")]

    by_kind: dict[ItemKind, list] = {}
    departments: dict[int | None, tuple[int, str | None]] = {}
    by_department_rows: dict[int | None, list] = {}
    for r in rows:  # each row once into its kind's and its department's share
        by_kind.setdefault(ItemKind(r[1]), []).append(r)
        departments.setdefault(r[2], (r[0], r[3]))
        by_department_rows.setdefault(r[2], []).append(r)
    groups = Table("按分组", headers, [(label, cells(line([r for k in ks for r in by_kind.get(k, [])], group=key)))
                                    for key, (label, ks) in KIND_GROUPS.items()])
    kinds = Table("按类别", headers, [(kind.label, cells(line(by_kind[kind], kind=kind.value)))
                                   for kind in ItemKind if kind in by_kind])
    shown = list(departments)
    if scope.rows is not None and len(shown) > scope.rows:  # the home page: the departments with most items
        received = {d: sum(r[4] for r in by_department_rows[d]) for d in shown}
        shown = sorted(shown, key=lambda d: -received[d])[:scope.rows]
        shown.sort(key=list(departments).index)  # in the table's usual order
    several = len({court for court, _ in departments.values()}) > 1
    department_lines = []
    for department_id in shown:
        court_id, name = departments[department_id]
        label = name or "未交办"
        if name and several:
            label = f"{scope_court_name(scope, court_id)} · {name}"
        args = {"department": str(department_id)} if department_id else {}
        figures_ = line(by_department_rows[department_id], **args)
        if not department_id:  # the board has no filter for "no department": no link rather than a wrong one
            for f in figures_:
                if not f.is_rate:
                    f.url, f.court_urls = None, {}
        department_lines.append((label, figures_))
    cut = len(departments) - len(shown)
    by_department = Table(f"按承办部门（受理件数最多的 {len(shown)} 个）" if cut else "按承办部门", headers,
                          [(label, cells(f)) for label, f in department_lines], keys=shown, more=cut,
                          more_url=scope.full_url("#group-items") if cut else None)

    def by_key(figures_, key):
        return next(f for f in figures_ if f.key == key)

    states = Chart("items_by_department", f"受理件数最多的 {len(shown)} 个承办部门办理情况" if cut else "各承办部门办理情况",
                   "stacked", [label for label, _ in department_lines], [
        ("按期办结", [by_key(f, "on_time").total for _, f in department_lines]),
        ("逾期办结", [by_key(f, "closed").total - by_key(f, "on_time").total for _, f in department_lines]),
        ("在办未超期", [by_key(f, "open").total - by_key(f, "overdue").total for _, f in department_lines]),
        ("超期", [by_key(f, "overdue").total for _, f in department_lines])],
        urls=[by_key(f, "received").url for _, f in department_lines])
    counted = tally([(r[0], *r[4:]) for r in rows], ITEM_COUNTS)
    satisfaction_keys = [("fully_satisfied", "满意"), ("basically", "基本满意"), ("unsatisfied", "不满意")]
    unrated = counted["received"][1] - counted["rated"][1]
    satisfaction = Chart("satisfaction", "代表委员评价", "bars", [label for _, label in satisfaction_keys] + ["未评价"],
                         [("件数", [counted[key][1] for key, _ in satisfaction_keys] + [unrated])],
                         urls=[scope.links("items.index", **base, outcome=key)[0]
                               for key in [k for k, _ in satisfaction_keys] + ["unrated"]])

    # the year's trend: received by month (ix_item_figures), closed by month (ix_item_closed), each a range read
    in_scope = [Item.court_id.in_(scope.court_ids), *seen]
    received_month = month_of(Item.received_on, scope.year, timestamp=False)
    closed_month = month_of(Item.closed_at, scope.year, timestamp=True)
    received_trend = by_month(db.session.execute(
        select(received_month, func.count()).where(*in_scope, in_year(Item.received_on, scope.year, timestamp=False))
        .group_by(received_month)))
    closed_trend = by_month(db.session.execute(
        select(closed_month, func.count()).where(*in_scope, in_year(Item.closed_at, scope.year, timestamp=True))
        .group_by(closed_month)))
    return FigureGroup("items", "交办督办件", figures=total, tables=[groups, kinds, by_department],
                       charts=[states, satisfaction], trend={"受理件数": received_trend, "办结件数": closed_trend},
                       order=10)


def outstanding_items(scope) -> list[Outstanding]:
    """The items behind the figures 在办 and 超期 of ``scope``: received in its period and not closed by its "as of"
    day (超期: not answered by then and past the deadline), that the scope's user sees; by department, the
    overdue first, then by deadline. One query, for the briefing's and the quarterly report's lists."""
    outcome = outcome_conditions(scope.as_of)
    seen = [visible_condition(scope.user)] if scope.user is not None else []
    overdue = case((outcome["overdue"], 1), else_=0)
    rows = db.session.execute(
        select(Item.id, Item.court_id, Item.number, Item.title, Item.kind, Item.received_on, Item.deadline,
               Item.department_id, Department.name, User.display_name, overdue)
        .outerjoin(Department, Department.id == Item.department_id).outerjoin(User, User.id == Item.handler_id)
        .where(Item.court_id.in_(scope.court_ids), Item.received_on >= scope.start, Item.received_on <= scope.end,
               outcome["open"], *seen)
        .order_by(Item.department_id.is_(None), Item.department_id, overdue.desc(), Item.deadline.is_(None),
                  Item.deadline, Item.received_on, Item.id)).all()
    return [Outstanding(number=r[2], title=r[3], kind_label=ItemKind(r[4]).label, court_id=r[1], received_on=r[5],
                        deadline=r[6], department_id=r[7], department=r[8] or "", handler=r[9] or "",
                        overdue=bool(r[10]), url=url_for("items.detail", item_id=r[0])) for r in rows]


def scope_court_name(scope, court_id: int) -> str:
    return scope.court_names.get(court_id, "").removesuffix("人民法院")


def scheduled_notices(now: datetime) -> int:
    """The reminder of each item falling due soon, queued by the notices worker's passes."""
    return messages.queue_reminders(now)
