"""Demo receptions: each court with leaders logs about 18–24 contacts a year per size (about 22–26 人次), a third
of which raise a tracked item, in every state from 已登记 to 已办结 depending on how long ago the visit was.
Those that raised nothing are written in bulk (``insert_rows``): they have no audit row."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from portal import clock
from portal.auth.models import Court
from portal.demo import DemoContext, DemoDeputy, _person_name, insert_rows
from portal.extensions import db
from portal.items.models import Item, ItemKind, ItemState, Rating
from portal.reception.models import Channel, Reception, ReceptionDeputy, ReceptionHost
from portal.reception.services import add_followup
from portal.register.models import DeputyKind, Gender

BATCH = 200
CHANNEL_WEIGHTS = ((Channel.VISIT, 62), (Channel.PHONE, 18), (Channel.LETTER, 8), (Channel.EMAIL, 7), (Channel.SMS, 5))
# (subject, what was said, what was asked for, follow-up kind or None, follow-up title)
TOPICS = (
    ("反映执行难问题", "代表反映所在村多名村民申请执行的劳务费纠纷案件执行进展缓慢，被执行人名下有车辆尚未处置，群众意见较大。",
     "希望法院加大执行力度，依法采取查封、拍卖措施，尽快兑现申请人胜诉权益。", ItemKind.CONCERNED_CASE,
     "关于加快劳务费纠纷案件执行的意见"),
    ("了解涉企案件审理进度", "代表了解辖区一家民营企业与供应商买卖合同纠纷案件的审理进度，企业担心诉讼周期过长影响生产经营。",
     "建议依法加快审理，审慎适用查封冻结措施，减少对企业正常经营的影响。", ItemKind.CONCERNED_CASE,
     "关注某公司买卖合同纠纷案审理进度"),
    ("对法院工作提出意见建议", "院领导通报了上半年审判执行工作情况，代表委员就诉讼服务、多元解纷等工作发表意见。",
     "建议在乡镇增设诉讼服务站，方便群众就近立案、调解。", ItemKind.SUGGESTION, "关于在乡镇增设诉讼服务站的建议"),
    ("反映土地承包纠纷多发", "代表反映辖区近年土地承包经营权流转纠纷多发，部分纠纷久拖未决，影响农村稳定。",
     "建议法院到村开展巡回审判，以案释法，并与乡镇联合调解。", ItemKind.SUGGESTION, "关于开展土地承包纠纷巡回审判的建议"),
    ("转交群众来信", "委员转交选区群众来信一封，反映一起民间借贷纠纷案件裁判后对方当事人拒不履行。",
     "请法院了解核实有关情况并给予答复。", ItemKind.LETTER, "转交群众反映民间借贷案件执行问题的来信"),
    ("咨询诉讼服务事项", "代表咨询网上立案、诉讼费缓减免交的办理条件，以及跨域立案的办理方式。",
     "", None, ""),
    ("关注农民工工资案件", "临近春节，代表关注辖区追索劳动报酬案件的审理和执行情况。",
     "建议开通涉农民工工资案件绿色通道，快立快审快执。", ItemKind.SUGGESTION, "关于开通涉农民工工资案件绿色通道的建议"),
    ("建议加强普法宣传", "委员结合学校工作实际，谈到青少年法治教育的需要。",
     "建议法院开展法官进校园活动，组织学生旁听庭审。", ItemKind.PROPOSAL, "关于加强青少年法治宣传教育的建议"),
    ("参加联络之家开放日", "代表委员参观诉讼服务中心和执行指挥中心，听取法院工作情况通报，对法院工作给予肯定。",
     "", None, ""),
    ("反映婚姻家庭纠纷调解需求", "代表反映农村婚姻家庭纠纷增多，当事人多希望调解解决。",
     "建议在乡镇设立家事调解工作室，邀请妇联、村委会参与调解。", ItemKind.SUGGESTION, "关于设立乡镇家事调解工作室的建议"),
    ("关注环境资源案件", "委员关注辖区河段非法采砂案件的审理情况，以及生态修复的落实。",
     "建议判决中明确生态修复责任，并跟踪落实。", ItemKind.PROPOSAL, "关于加强环境资源案件生态修复的建议"),
    ("反映交通事故赔偿案件", "代表反映一起道路交通事故损害赔偿案件，受害人家庭困难，赔偿款迟迟未到位。",
     "希望法院关注案件执行，必要时给予司法救助。", ItemKind.CONCERNED_CASE, "关注某交通事故损害赔偿案件执行及司法救助"),
    ("通报工作情况", "联络员向代表通报法院近期重点工作及代表建议办理情况，代表表示满意。", "", None, ""),
)
REPLIES = ("经研究，已将该事项纳入今年工作计划，并已向代表当面反馈办理情况。",
           "承办部门已依法加快办理，案件已执行完毕（或已审结），并已电话向代表答复。",
           "已会同相关部门研究落实，具体措施已书面答复代表。")


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng("reception")
    ctx.add("来访接待", 0)
    ctx.add("来访人次", 0)
    ctx.add("接待跟踪事项", 0)
    active = [d for d in ctx.deputies if d.active]
    if not active:
        return
    today = clock.today()
    by_court: dict[int, list[DemoDeputy]] = {}
    for deputy in active:
        by_court.setdefault(deputy.court_id, []).append(deputy)
    bulk: list[tuple[dict, list[int], list[int]]] = []
    for court in ctx.courts:
        leaders = ctx.leaders.get(court.id) or []
        if not leaders:  # people's tribunals receive deputies through their basic court
            continue
        liaisons = ctx.liaisons.get(court.id) or []
        visitors = by_court.get(court.id) or active
        for _ in range(sum(rng.randint(18, 24) for _ in range(ctx.size))):
            _reception(ctx, rng, court, leaders, liaisons, visitors, today, bulk)
            if len(bulk) >= BATCH:
                _insert(bulk)
    _insert(bulk)
    db.session.flush()


def _insert(bulk: list[tuple[dict, list[int], list[int]]]) -> None:
    """The receptions that raised nothing, with their visitors and hosts, in bulk (seeded: no audit row)."""
    ids = insert_rows(Reception, [row for row, _, _ in bulk], returning=True)
    insert_rows(ReceptionDeputy, [{"reception_id": r, "deputy_id": d} for r, (_, ds, _) in zip(ids, bulk) for d in ds])
    insert_rows(ReceptionHost, [{"reception_id": r, "user_id": u} for r, (_, _, us) in zip(ids, bulk) for u in us])
    bulk.clear()


def _when(rng: random.Random, today: date) -> datetime:
    """A working day within the last year, during office hours, in Beijing time."""
    day = today - timedelta(days=rng.randrange(1, 366))
    if day.weekday() >= 5:
        day -= timedelta(days=day.weekday() - 4)
    moment = time(rng.choice((8, 9, 9, 10, 10, 11, 14, 15, 15, 16, 17)), rng.choice((0, 10, 15, 20, 30, 40, 45, 50)))
    return datetime.combine(day, moment, tzinfo=clock.zone())


def _reception(ctx: DemoContext, rng: random.Random, court: Court, leaders, liaisons, visitors, today: date,
               bulk: list) -> None:
    """One reception; one that raises a tracked item is made through the reception services (it needs its id
    at once), the others go to ``bulk``."""
    channel = _weighted(rng, CHANNEL_WEIGHTS)
    count = 1 if rng.random() < 0.85 or channel != Channel.VISIT else rng.choice((2, 2, 2, 3))
    chosen = rng.sample(visitors, min(count, len(visitors)))
    others = ""
    if channel == Channel.VISIT and rng.random() < 0.08:
        others = _person_name(rng, Gender.MALE if rng.random() < 0.6 else Gender.FEMALE)
    subject, content, requests, kind, title = rng.choice(TOPICS)
    if kind == ItemKind.PROPOSAL and not any(d.kind == DeputyKind.CPPCC for d in chosen):
        kind = ItemKind.SUGGESTION
    when = _when(rng, today)
    president = leaders[0] if rng.random() < 0.6 or len(leaders) == 1 else leaders[1]  # else the executive VP
    hosts = [president] + ([liaisons[0]] if liaisons and rng.random() < 0.5 else [])
    place = {Channel.VISIT: f"{court.name}人大代表政协委员联络之家", Channel.PHONE: "联络办公室（电话）",
             Channel.LETTER: "联络办公室", Channel.EMAIL: "法院代表联络电子信箱", Channel.SMS: "联络短信平台"}[channel]
    values = {"court_id": court.id, "received_at": when, "channel": channel, "place": place,
              "other_visitors": others, "other_count": 1 if others else 0,
              "liaison_officer_id": liaisons[0].id if liaisons else None, "subject": subject, "content": content,
              "requests": requests, "handling": "已当场解答。" if not kind else ""}
    ctx.add("来访接待")
    ctx.add("来访人次", len(chosen) + (1 if others else 0))
    if not (kind and requests and rng.random() < 0.45):
        bulk.append((values, [d.id for d in chosen], [u.id for u in hosts]))
        return
    reception = Reception(**values)
    reception.deputy_links = [ReceptionDeputy(deputy_id=d.id) for d in chosen]
    reception.host_links = [ReceptionHost(user_id=u.id) for u in hosts]
    db.session.add(reception)
    db.session.flush()
    _followup(ctx, rng, court, reception, kind, title, requests, when.date(), today)


def _followup(ctx: DemoContext, rng: random.Random, court: Court, reception: Reception, kind: ItemKind, title: str,
              content: str, received: date, today: date) -> None:
    item = add_followup(reception, kind, title, content=content)
    ctx.add("接待跟踪事项")
    age = (today - received).days
    if age > 120:
        state = _weighted(rng, ((ItemState.CLOSED, 60), (ItemState.RATED, 15), (ItemState.ANSWERED, 15),
                                (ItemState.IN_PROGRESS, 10)))
    elif age > 30:
        state = _weighted(rng, ((ItemState.ASSIGNED, 20), (ItemState.IN_PROGRESS, 35), (ItemState.REPLY_DRAFTED, 10),
                                (ItemState.ANSWERED, 25), (ItemState.CLOSED, 10)))
    else:
        state = _weighted(rng, ((ItemState.REGISTERED, 40), (ItemState.INSTRUCTED, 30), (ItemState.ASSIGNED, 30)))
    _advance(rng, court, ctx, item, state, received)


def _advance(rng: random.Random, court: Court, ctx: DemoContext, item: Item, state: ItemState, received: date) -> None:
    """Put a demo item straight into ``state`` with the fields that state implies (no workflow history)."""
    item.state = state
    leaders = ctx.leaders.get(court.id) or []
    start = datetime.combine(received, time(17, 0), tzinfo=clock.zone())
    if state.rank >= ItemState.INSTRUCTED.rank and leaders:
        item.instruction = "请承办部门依法认真办理，按期答复代表。"
        item.instructed_by_id = item.leader_id = leaders[0].id
        item.instructed_at = start + timedelta(days=1)
    if state.rank >= ItemState.ASSIGNED.rank:
        handlers = ctx.handlers.get(court.id) or []
        if handlers:
            handler = rng.choice(handlers)
            item.handler_id, item.department_id = handler.id, handler.department_id
        item.assigned_at = start + timedelta(days=2)
        item.deadline = received + timedelta(days=30 if item.kind in (ItemKind.LETTER, ItemKind.CONCERNED_CASE) else 90)
    if state.rank >= ItemState.ANSWERED.rank:
        answered = start + timedelta(days=rng.randint(10, 60))
        item.reply = rng.choice(REPLIES)
        item.answered_at = answered
        item.answered_on = answered.date()
    if state.rank >= ItemState.RATED.rank:
        item.rating = Rating.SATISFIED if rng.random() < 0.9 else Rating.BASICALLY
        item.rated_at = item.answered_at + timedelta(days=rng.randint(2, 10))
    if state == ItemState.CLOSED:
        item.closed_at = (item.rated_at or item.answered_at) + timedelta(days=rng.randint(1, 5))


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs)
    return rng.choices(values, weights=weights)[0]
