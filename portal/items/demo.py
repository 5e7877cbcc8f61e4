"""Demo tracked items for ``seed-demo``: a finished year that reads like the seed's summary, and this year's work
in every state.

The summary year is the year before last (前年): other areas' demo data (receptions, hearing forums) create
follow-up items over the last 365 days, so only a year out of their reach reads exactly like the summary. Per
size, that year has 21 items received and 20 closed (办结率 95%), 1 still being handled and overdue; the 7
suggestions and proposals answered are all rated satisfied or basically satisfied (满意率 100%). This year: one
item in each workflow state, a reopened one (不满意, second round), and a concerned case with contacts logged.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from portal import clock
from portal.auth.models import Department, User
from portal.extensions import db
from portal.items.models import (
    Item,
    ItemContact,
    ItemEvent,
    ItemKind,
    ItemOrigin,
    ItemState,
    Rating,
)
from portal.items.services import next_number
from portal.items.supervision import deadline_days, proposal_due
from portal.register.models import Deputy, DeputyKind

K, S, R = ItemKind, ItemState, Rating

SUGGESTIONS = (
    ("关于加强涉农案件巡回审判的建议", "建议在农忙季节之外集中开展巡回审判，方便群众就近参加诉讼。"),
    ("关于推进诉源治理、加强人民调解与诉讼衔接的建议", "建议在乡镇设立诉调对接工作站，定期派驻法官指导调解。"),
    ("关于加大拖欠农民工工资案件执行力度的建议", "近年欠薪纠纷多发，建议开辟绿色通道，快立快审快执。"),
    ("关于规范执行中查封企业财产、保护民营企业的建议", "建议慎用查封扣押措施，能活封的不死封，保障企业正常经营。"),
    ("关于加强未成年人司法保护的建议", "建议联合教育部门开展法治进校园活动，设立少年审判专门团队。"),
    ("关于提高涉企案件审判效率的建议", "部分买卖合同纠纷审理周期较长，建议推行繁简分流、简案快审。"),
    ("关于完善诉讼服务中心便民措施的建议", "建议增设自助立案设备并安排志愿者引导老年当事人。"),
    ("关于加强旅游纠纷快速处理的建议", "建议在旅游旺季设立旅游巡回法庭，就地化解游客纠纷。"),
)
LETTERS = (
    ("反映一起民间借贷纠纷执行进展缓慢的来信", "群众反映其胜诉的借贷案件执行已近一年，被执行人仍未履行。"),
    ("关于离婚案件子女抚养费执行问题的来信", "来信人称对方长期拒付抚养费，请求法院督促执行。"),
    ("反映交通事故赔偿案件久拖未决的来信", "来信人反映交通事故赔偿案件开庭后迟迟未判决。"),
    ("关于村集体土地承包纠纷的来信", "村民反映土地承包经营权纠纷，请求法院依法处理。"),
    ("反映劳动争议案件诉讼费缓交申请的来信", "来信人经济困难，请求缓交诉讼费用。"),
    ("关于物业服务合同纠纷批量起诉的来信", "小区业主反映物业公司批量起诉欠费，希望先行调解。"),
)
CASES = (
    ("（{year}）{court}民初{n}号", "买卖合同纠纷", "代表关注该案涉及本地多家小微企业，希望依法公正、及时审理。"),
    ("（{year}）{court}执{n}号", "借款合同纠纷执行", "代表关注申请执行人为困难群众，希望加大执行力度。"),
    ("（{year}）{court}民初{n}号", "建设工程施工合同纠纷", "代表关注该案涉及农民工工资发放，希望妥善处理。"),
    ("（{year}）{court}行初{n}号", "行政征收纠纷", "代表关注群众对征收补偿标准有异议，希望实质性化解。"),
)
REFERRALS = (
    ("市人大常委会办公室", "关于转交群众反映执行难问题的函", "市人大常委会办公室转来群众来信，反映案件执行难，请依法办理并答复。"),
    ("市人大常委会代表工作委员会", "关于办理代表意见建议的交办函", "交办代表在视察中提出的关于诉讼服务的意见，请研究办理。"),
    ("市政协提案委员会", "关于转办政协委员意见的函", "转来政协委员关于加强知识产权司法保护的意见，请研究办理。"),
)
REPLIES = {
    K.SUGGESTION: "我院高度重视您的建议，已将其列入年度重点工作，由分管院领导牵头、相关业务庭具体落实，"
                  "目前已制定具体工作方案并推进实施，下一步将定期向您通报进展情况。",
    K.PROPOSAL: "您的提案对我院工作很有启发。我院已组织专题研究，制定了改进措施，并在全院范围内推开。",
    K.LETTER: "经查，该案已依法采取相应措施，承办法官已与当事人沟通说明情况，后续进展将及时告知。",
    K.CONCERNED_CASE: "该案由合议庭依法审理，院庭长依职责监督管理，案件已审结，当事人服判息诉。",
    K.REFERRAL: "经认真调查核实，已依法妥善处理，现将办理情况报告如下：相关案件已执行完毕，申请人表示满意。",
}
PROGRESS = ("已调阅案卷，正在研究办理方案。", "已与代表电话沟通，了解具体诉求。", "已召开专题会议研究落实措施。",
            "已约谈当事人，组织双方协商。")
CONTACT_PEOPLE = (("来电", "询问案件审理进度，希望依法及时审理。"), ("来访", "反映当事人生活困难，希望依法加快执行。"),
                  ("当面", "了解案件基本情况，未提出具体处理意见。"))


@dataclass
class _Plan:
    kind: ItemKind
    final: ItemState  # the state the item is left in
    rating: Rating | None = None
    on_time: bool = True
    reopened: bool = False
    due_in: int | None = None  # days from today to the deadline, to show supervision (即将到期)


# The summary year, per size: 21 received, 20 closed, 1 overdue in progress. Suggestions and proposals: 7 answered.
FINISHED_YEAR = (
    [_Plan(K.SUGGESTION, S.CLOSED, R.SATISFIED)] * 4 + [_Plan(K.SUGGESTION, S.CLOSED, R.BASICALLY)]
    + [_Plan(K.PROPOSAL, S.CLOSED, R.SATISFIED)] * 2
    + [_Plan(K.LETTER, S.CLOSED, R.SATISFIED)] * 4 + [_Plan(K.LETTER, S.CLOSED, R.BASICALLY, on_time=False)]
    + [_Plan(K.LETTER, S.CLOSED, R.BASICALLY)]
    + [_Plan(K.CONCERNED_CASE, S.CLOSED, R.SATISFIED)] * 4
    + [_Plan(K.REFERRAL, S.CLOSED)] * 3
    + [_Plan(K.SUGGESTION, S.IN_PROGRESS)]
)
# This year, per size: every state, a reopened item and a concerned case being handled.
THIS_YEAR = (
    _Plan(K.LETTER, S.REGISTERED), _Plan(K.SUGGESTION, S.INSTRUCTED), _Plan(K.PROPOSAL, S.ASSIGNED),
    _Plan(K.SUGGESTION, S.IN_PROGRESS, due_in=2), _Plan(K.CONCERNED_CASE, S.IN_PROGRESS), _Plan(K.LETTER, S.REPLY_DRAFTED),
    _Plan(K.SUGGESTION, S.REPLY_HEARD), _Plan(K.REFERRAL, S.ANSWERED), _Plan(K.PROPOSAL, S.ANSWERED),
    _Plan(K.SUGGESTION, S.RATED, R.SATISFIED), _Plan(K.LETTER, S.CLOSED, R.BASICALLY),
    _Plan(K.SUGGESTION, S.ASSIGNED, R.UNSATISFIED, reopened=True),
)


class _Numbers:
    """登记编号 from the courts' counters (services.next_number), as the portal registers them."""

    @staticmethod
    def next(court_id: int, year: int) -> str:
        return next_number(court_id, year)


def _at(day: date, hour: int, rng: random.Random) -> datetime:
    return datetime.combine(day, time(hour, rng.randrange(60)), tzinfo=clock.zone())


def summary_year(today: date | None = None) -> int:
    """The complete year whose figures read like the seed's summary (21 received, 20 closed, 95%)."""
    return (today or clock.today()).year - 2


def seed(ctx) -> None:
    rng = ctx.rng("items")
    today = clock.today()
    last_year = summary_year(today)
    npc = [d for d in ctx.deputies if d.active and d.kind == DeputyKind.NPC]
    cppcc = [d for d in ctx.deputies if d.active and d.kind == DeputyKind.CPPCC]
    if not npc or not cppcc:
        return
    ids = [d.id for d in ctx.deputies]
    with_login: set[int] = set()
    for start in range(0, len(ids), 500):
        with_login |= set(db.session.scalars(select(User.deputy_id).where(User.deputy_id.in_(ids[start:start + 500]))))
    npc_login = [d for d in npc if d.id in with_login] or npc
    cppcc_login = [d for d in cppcc if d.id in with_login] or cppcc
    numbers = _Numbers()
    deputies: dict[int, Deputy] = {}
    made = 0
    for _ in range(ctx.size):
        # Spread over the year so every month has some; sorted so numbers follow the received dates.
        days = sorted(date(last_year, 1, 5) + timedelta(days=rng.randrange(300)) for _ in FINISHED_YEAR[:-1])
        plans = list(FINISHED_YEAR[:-1])
        rng.shuffle(plans)
        year_end = min(today, date(last_year, 12, 31))
        for plan, received in zip(plans, days):
            made += _make(ctx, rng, numbers, deputies, plan, received, year_end, npc, cppcc)
        made += _make(ctx, rng, numbers, deputies, FINISHED_YEAR[-1], date(last_year, 10, 20), year_end, npc, cppcc,
                      deadline=date(last_year, 12, 31))
        window = max(date(today.year, 1, 1), today - timedelta(days=150))
        span = (today - window).days
        plans = list(THIS_YEAR)
        for n, plan in enumerate(plans):
            # The later in the workflow, the earlier received: handling takes time.
            offset = span * (n + 1) // (len(plans) + 1) if plan.final != S.CLOSED else span
            received = max(window, today - timedelta(days=offset))
            deadline = today + timedelta(days=plan.due_in) if plan.due_in is not None else None
            made += _make(ctx, rng, numbers, deputies, plan, received, today, npc_login, cppcc_login,
                          deadline=deadline)
        if len(deputies) > 500:
            db.session.flush()
    db.session.flush()
    ctx.add("交办督办件", made)


def _staff(ctx, court_id: int) -> tuple[User | None, User | None, list[Department], list[User]]:
    leaders = ctx.leaders.get(court_id) or ctx.leaders.get(ctx.intermediate.id) or []
    leader = leaders[-1] if leaders else None  # the vice-president answers for items
    liaison = (ctx.liaisons.get(court_id) or ctx.liaisons.get(ctx.intermediate.id) or [None])[0]
    departments = [d for d in ctx.departments.get(court_id, []) if d.name != "办公室"]
    return leader, liaison, departments, ctx.handlers.get(court_id, [])


def _make(ctx, rng: random.Random, numbers: _Numbers, deputy_rows: dict[int, Deputy], plan: _Plan, received: date,
          until: date, npc, cppcc, deadline: date | None = None) -> int:
    """One item taken through the workflow up to ``plan.final``; no step is dated after ``until``."""
    kind = plan.kind
    if kind == K.PROPOSAL:
        chosen = [rng.choice(cppcc)]
    elif kind == K.REFERRAL:
        chosen = []
    else:
        chosen = [rng.choice(npc)] + ([rng.choice(npc)] if kind == K.SUGGESTION and rng.random() < 0.3 else [])
    chosen = list({d.id: d for d in chosen}.values())
    court_id = chosen[0].court_id if chosen else rng.choice([ctx.intermediate.id] + [c.id for _, c in ctx.basic])
    leader, liaison, departments, handlers = _staff(ctx, court_id)
    if not departments:
        return 0
    for d in chosen:
        if d.id not in deputy_rows:
            deputy_rows[d.id] = db.session.get(Deputy, d.id)
    origin, source_body, case_number = ItemOrigin.OTHER, "", ""
    if kind in (K.SUGGESTION, K.PROPOSAL):
        title, content = rng.choice(SUGGESTIONS)
        # Receptions and hearings seed their own items, linked to their records; these came otherwise.
        origin = rng.choice((ItemOrigin.ACTIVITY, ItemOrigin.PORTAL, ItemOrigin.PORTAL, ItemOrigin.OTHER))
        if kind == K.PROPOSAL:
            title = title.replace("建议", "提案")
    elif kind == K.LETTER:
        title, content = rng.choice(LETTERS)
        origin = rng.choice((ItemOrigin.MAILBOX, ItemOrigin.MAILBOX, ItemOrigin.PORTAL))
    elif kind == K.CONCERNED_CASE:
        pattern, cause, content = rng.choice(CASES)
        court_abbr = "云" if court_id == ctx.intermediate.id else "云0" + str(rng.randint(102, 129))
        case_number = pattern.format(year=received.year - rng.randint(0, 1), court=court_abbr, n=rng.randint(100, 2999))
        title = f"{cause}案（{case_number}）"
        origin = ItemOrigin.OTHER
    else:
        source_body, title, content = rng.choice(REFERRALS)
        origin = ItemOrigin.REFERRAL
    department = rng.choice(departments)
    staff = [h for h in handlers if h.department_id == department.id]
    handler = rng.choice(staff) if staff else None
    item = Item(court_id=court_id, number=numbers.next(court_id, received.year), kind=kind, origin=origin,
                source_body=source_body, received_on=received, title=title, content=content, case_number=case_number,
                state=S.REGISTERED, proposal_due=proposal_due(kind, received), created_by_id=liaison.id if liaison else None,
                deputies=[deputy_rows[d.id] for d in chosen])
    db.session.add(item)
    db.session.flush()
    events: list[ItemEvent] = []

    def step(action: str, day: date, user: User | None, note: str, to: ItemState | None = None, hour: int = 10):
        before = item.state
        if to is not None:
            item.state = to
        at = _at(min(day, until), hour, rng)
        events.append(ItemEvent(item_id=item.id, action=action, at=at, user_id=user.id if user else None, note=note,
                                from_state=before.value if to else "", to_state=to.value if to else ""))
        return at

    step("register", received, liaison, f"来源：{origin.label}", S.REGISTERED, hour=9)
    rank = plan.final.rank
    if plan.reopened:
        rank = S.CLOSED.rank  # goes through the whole round first
    day = received + timedelta(days=rng.randint(1, 2))
    if rank >= S.INSTRUCTED.rank and leader:
        item.instruction = rng.choice(("请相关业务庭认真研究办理，按期答复代表。", "高度重视，专人办理，及时沟通，确保件件有回音。",
                                       "请依法妥善处理，办理情况及时报告。"))
        item.instructed_by_id = item.leader_id = leader.id
        item.instructed_at = step("instruct", day, leader, item.instruction, S.INSTRUCTED)
    if rank >= S.ASSIGNED.rank:
        day += timedelta(days=rng.randint(0, 2))
        days = deadline_days(kind)
        item.department_id, item.handler_id = department.id, handler.id if handler else None
        item.deadline = deadline or day + timedelta(days=days)
        item.assigned_at = step("assign", day, liaison, f"承办部门：{department.name}，办理期限：{item.deadline.isoformat()}",
                                S.ASSIGNED)
    if rank >= S.IN_PROGRESS.rank:
        day += timedelta(days=max(1, days // 6))
        step("progress", day, handler or liaison, rng.choice(PROGRESS), S.IN_PROGRESS)
    if kind == K.CONCERNED_CASE and rank >= S.IN_PROGRESS.rank:
        for channel, said in rng.sample(CONTACT_PEOPLE, rng.randint(1, 2)):
            person = deputy_rows[chosen[0].id].name if chosen else "来访群众"
            db.session.add(ItemContact(item_id=item.id, contacted_at=_at(min(day, until), 15, rng), person=person,
                                       deputy_id=chosen[0].id if chosen else None, channel=channel, content=said,
                                       recorded_by_id=liaison.id if liaison else None))
        item.panel_opinion = "合议庭经评议认为，该案事实清楚，应依法及时审结。"
    if rank >= S.REPLY_DRAFTED.rank:
        if kind == K.CONCERNED_CASE:
            item.division_opinion = "同意合议庭意见，督促承办法官在审限内审结。"
            item.vice_president_opinion = "同意，依法审理，做好释法说理工作。"
            signer = leader or liaison
            item.division_signed_by_id = item.vice_president_signed_by_id = signer.id if signer else None
            item.division_signed_at = item.vice_president_signed_at = _at(min(day, until), 16, rng)
        day += timedelta(days=max(1, days // 3))
        item.reply = REPLIES[kind]
        step("draft", day, handler or liaison, "已起草答复", S.REPLY_DRAFTED)
    if rank >= S.REPLY_HEARD.rank and chosen:
        day += timedelta(days=1)
        item.reply_heard_note = f"电话听取{deputy_rows[chosen[0].id].name}意见，无不同意见。"
        item.reply_heard_at = step("hear", day, liaison, item.reply_heard_note, S.REPLY_HEARD)
    if rank >= S.ANSWERED.rank:
        day += timedelta(days=1)
        if not plan.on_time and item.deadline:
            day = item.deadline + timedelta(days=rng.randint(2, 6))
        elif item.deadline and day > item.deadline:
            day = item.deadline
        item.answered_at = step("answer", day, liaison, "", S.ANSWERED)
        item.answered_on = item.answered_at.date()
    if rank >= S.RATED.rank and chosen:
        day += timedelta(days=rng.randint(1, 4))
        rating = plan.rating or R.SATISFIED
        item.rating, item.rated_at = rating, step("rate", day, liaison, f"{rating.label}（据代表委员书面评价录入）", S.RATED)
        if rating == R.UNSATISFIED:
            item.rating_comment = "答复内容较为原则，希望进一步落实具体措施。"
            item.round = 2
            item.deadline = day + timedelta(days=deadline_days(kind))
            item.assigned_at = step("reopen", day, None, f"第2轮办理，办理期限：{item.deadline.isoformat()}",
                                    S.ASSIGNED)
            item.answered_at = item.answered_on = item.reply_heard_at = None
            item.reply_heard_note = ""
    if plan.final == S.CLOSED:
        day += timedelta(days=1)
        item.closed_at = step("close", day, liaison, "", S.CLOSED)
    today = clock.today()
    if item.state in (S.IN_PROGRESS, S.ASSIGNED, S.INSTRUCTED, S.REGISTERED) and item.due_on and item.due_on < today:
        item.escalated_at = step("escalate", item.due_on + timedelta(days=1), None,
                                 f"已超过期限 {item.due_on.isoformat()}，已报责任领导{leader.display_name if leader else ''}")
    db.session.add_all(events)
    return 1
