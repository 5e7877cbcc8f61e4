"""Demo liaison activities: about 30 a year per size across the courts with leaders (a few still planned), the
deputies of the court's area taking part, opinions at most of them and a third of the opinions tracked as items."""
from __future__ import annotations

import random
from datetime import timedelta

from portal import clock
from portal.activities.models import Activity, ActivityDeputy, ActivityKind, ActivityOpinion, ActivityStaff
from portal.activities.services import opinion_to_item
from portal.demo import DemoContext, _person_name
from portal.extensions import db
from portal.register.models import Gender

PER_YEAR = 30
# (kind, title, place, content, opinions the deputies may give)
TOPICS = (
    (ActivityKind.VISIT, "走访企业代表听取意见", "{area}工业园区", "院领导走访辖区企业代表，通报涉企案件审判执行情况，听取对优化法治化营商环境的意见。",
     ("建议对涉企案件审慎适用查封、冻结措施，减少对企业正常经营的影响。", "希望法院定期到园区开展法律风险提示。")),
    (ActivityKind.INSPECTION, "邀请代表视察执行指挥中心", "执行指挥中心", "代表委员视察执行指挥中心，观看执行案件网络查控演示，听取执行工作情况汇报。",
     ("建议加大对规避执行行为的惩戒力度。", "建议公开执行案件进展，方便当事人查询。")),
    (ActivityKind.FORUM, "代表委员座谈会", "本院第一会议室", "召开代表委员座谈会，通报法院工作情况，代表委员围绕司法为民、诉源治理等发表意见。",
     ("建议在乡镇增设诉讼服务站。", "建议加强法官进社区普法宣传。", "希望进一步缩短民事案件审理周期。")),
    (ActivityKind.REVIEW, "邀请代表评议审判工作", "本院审委会会议室", "邀请代表委员对本院审判执行工作进行评议，现场填写评议表。",
     ("建议加强裁判文书说理。",)),
    (ActivityKind.PAIRING, "院领导结对联络代表", "代表所在单位", "院领导到结对代表所在单位走访，通报法院重点工作，征求意见建议。",
     ("希望法院加强与基层组织的矛盾纠纷联合化解。",)),
    (ActivityKind.HOLIDAY, "春节前走访慰问代表", "代表所在单位", "春节前夕走访慰问代表委员，送上新春祝福和《法院工作信息》，听取意见。", ()),
    (ActivityKind.BRIEFING, "法院工作情况通报会", "联络之家", "召开通报会，向代表委员通报上半年审判执行工作和代表建议办理情况。",
     ("建议通报会增加典型案例讲解。",)),
    (ActivityKind.ENFORCEMENT, "邀请代表见证集中执行行动", "{area}", "邀请代表委员全程见证集中执行行动，监督执行程序规范。",
     ("建议对涉民生案件优先执行。", "建议执行现场加强释法说理。")),
)


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng("activities")
    for label in ("联络活动", "联络活动人次", "活动意见建议", "活动跟踪事项"):
        ctx.add(label, 0)
    active = [d for d in ctx.deputies if d.active]
    courts = [c for c in ctx.courts if ctx.leaders.get(c.id)]
    if not active or not courts:
        return
    today = clock.today()
    for n in range(PER_YEAR * ctx.size):
        court = courts[0] if n % 3 == 0 else rng.choice(courts)  # the intermediate court organises most
        near = [d for d in active if d.court_id == court.id] or active
        held_on = today + timedelta(days=rng.randint(3, 30)) if n % 12 == 0 else today - timedelta(days=rng.randrange(1, 366))
        _activity(ctx, rng, court, near, held_on, today)
    db.session.flush()


def _activity(ctx: DemoContext, rng: random.Random, court, near, held_on, today) -> None:
    kind, title, place, content, opinions = rng.choice(TOPICS)
    area = court.name.removesuffix("人民法院")
    chosen = rng.sample(near, min(len(near), rng.randint(1, 6 if kind in (ActivityKind.FORUM, ActivityKind.BRIEFING) else 3)))
    others = [_person_name(rng, rng.choice((Gender.MALE, Gender.FEMALE))) for _ in range(rng.choice((0, 0, 0, 1, 2)))]
    staff = ctx.leaders[court.id][:rng.randint(1, 2)] + ctx.liaisons.get(court.id, [])[:1]
    planned = held_on > today
    activity = Activity(court_id=court.id, held_on=held_on, kind=kind, title=title, place=place.format(area=area),
                        content="" if planned else content, other_participants="、".join(others),
                        other_count=len(others))
    activity.deputy_links = [ActivityDeputy(deputy_id=d.id) for d in chosen]
    activity.staff_links = [ActivityStaff(user_id=u.id) for u in staff]
    db.session.add(activity)
    db.session.flush()
    ctx.add("联络活动")
    ctx.add("联络活动人次", len(chosen) + len(others))
    if planned:
        return
    for text in rng.sample(opinions, rng.randint(0, len(opinions))):
        opinion = ActivityOpinion(activity_id=activity.id, deputy_id=rng.choice(chosen).id, text=text)
        db.session.add(opinion)
        db.session.flush()
        ctx.add("活动意见建议")
        if rng.random() < 0.35:
            opinion_to_item(activity, opinion)
            ctx.add("活动跟踪事项")
