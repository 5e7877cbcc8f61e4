"""Demo hearings: about 8 hearings a year per size, each with 9–10 invitations (about 67 人次 attending), forums,
opinions (some tracked as items), ratings and one upcoming hearing per size that has just been moved."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from portal import clock
from portal.auth.models import Court, CourtLevel
from portal.demo import (
    FEMALE_CHARS,
    MALE_CHARS,
    SURNAMES_COMMON,
    SURNAMES_USUAL,
    DemoContext,
)
from portal.extensions import db
from portal.hearings import messages
from portal.hearings.draw import Candidate, draw
from portal.hearings.models import (
    EXPECTING,
    SCORE_FIELDS,
    CaseType,
    Hearing,
    HearingInvitation,
    HearingOpinion,
    HearingRating,
    HearingStatus,
    InvitationStatus,
    InviteMethod,
)
from portal.items.models import ItemKind, ItemOrigin
from portal.items.services import create_item
from portal.register.models import DeputyLevel

S = InvitationStatus
PROVINCE_ABBR = "南"  # 南江省

CAUSES = {
    CaseType.CIVIL: ("民间借贷纠纷", "买卖合同纠纷", "机动车交通事故责任纠纷", "劳动争议", "房屋租赁合同纠纷",
                     "物业服务合同纠纷", "建设工程施工合同纠纷", "土地承包经营权纠纷", "离婚纠纷", "生命权、身体权、健康权纠纷"),
    CaseType.CRIMINAL: ("危险驾驶罪", "盗窃罪", "诈骗罪", "帮助信息网络犯罪活动罪", "非法吸收公众存款罪", "故意伤害罪",
                        "非法占用农用地罪", "滥伐林木罪"),
    CaseType.ADMINISTRATIVE: ("行政强制拆除", "政府信息公开", "工伤认定", "行政处罚（市场监管）", "土地行政征收"),
    CaseType.EXECUTION: ("拖欠农民工工资执行案", "民间借贷纠纷执行案", "交通事故赔偿执行案"),
}
CODES = {CaseType.CIVIL: ("民初", "民终"), CaseType.CRIMINAL: ("刑初", "刑终"), CaseType.ADMINISTRATIVE: ("行初", "行终"),
         CaseType.EXECUTION: ("执", "执恢")}
REASONS = ("案件涉及群众切身利益，社会关注度高", "代表委员关注的案件，邀请现场监督", "涉农民工工资支付，具有典型示范意义",
           "涉及生态环境保护，以案释法", "涉众型案件，需回应群众关切", "新类型案件，邀请代表委员了解审判工作")
ROOMS = ("第一审判庭", "第二审判庭", "第三审判庭", "科技法庭", "第五审判庭")
DECLINE_REASONS = ("当天需参加人大常委会会议", "外出学习，不能出席", "单位有重要接待任务", "身体不适", "当天在外地出差")
OPINIONS = (
    "庭审程序规范，法官驾驭庭审能力强，建议进一步加强庭前证据交换，提高庭审效率。",
    "建议对当事人加强诉讼风险提示，引导当事人理性维权。",
    "此类案件在我们乡镇比较多，建议法院多到基层开展以案释法，发布典型案例。",
    "审判长对法律条文的释明清楚易懂，建议在判决书中进一步加强说理。",
    "建议加大执行力度，让胜诉当事人的权益及时兑现。",
    "建议完善旁听席的引导标识，方便群众旁听。",
    "建议就农民工工资支付问题向有关部门发出司法建议，从源头减少纠纷。",
    "庭审直播效果好，建议扩大庭审公开的范围。",
)
COMMENTS = ("庭审节奏把握得当。", "法官用语规范，态度平和。", "举证质证环节组织有序。", "个别环节时间偏长。",
            "书记员记录及时，庭审秩序良好。", "")
LOW_COMMENTS = ("庭审中对当事人发问打断较多，态度有待改进。", "庭审准备不够充分，证据展示不清楚。")


def _judge_name(rng: random.Random) -> str:
    surname = rng.choice(SURNAMES_COMMON + SURNAMES_USUAL)
    chars = FEMALE_CHARS if rng.random() < 0.4 else MALE_CHARS
    return surname + "".join(rng.choice(chars) for _ in range(rng.choice((1, 2))))


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return clock.from_local(datetime.combine(day, time(hour, minute)))


def _court_code(ctx: DemoContext, court: Court) -> str:
    """Court code digits after the province character: 01 for the city's intermediate court, 0102… below it."""
    if court.level == CourtLevel.INTERMEDIATE:
        return "01"
    if court.level == CourtLevel.TRIBUNAL:
        court = court.parent
    index = next((n for n, (_, c) in enumerate(ctx.basic) if c.id == court.id), 0)
    return f"01{index + 2:02d}"


def _case_type(department_name: str, rng: random.Random) -> CaseType:
    if "刑事" in department_name:
        return CaseType.CRIMINAL
    if "行政" in department_name:
        return CaseType.ADMINISTRATIVE
    if "执行" in department_name:
        return CaseType.EXECUTION
    if "民事" in department_name:
        return CaseType.CIVIL
    return rng.choice((CaseType.CIVIL, CaseType.CIVIL, CaseType.CRIMINAL))


def _pool(ctx: DemoContext, court: Court) -> list:
    """Deputies near the court: its area's county and township deputies, and city-level ones and above."""
    home = court.parent_id if court.level == CourtLevel.TRIBUNAL else court.id
    upper = (DeputyLevel.NATIONAL, DeputyLevel.PROVINCIAL, DeputyLevel.CITY)
    return [d for d in ctx.deputies if d.active and (d.court_id == home or d.level in upper)]


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng("hearings")
    today = clock.today()
    courts = [c for c in ctx.courts if ctx.departments.get(c.id)]
    if not courts or not ctx.deputies:
        return
    last_invited: dict[int, date] = {}
    sequence: dict[tuple[int, int, str], int] = {}
    held = 8 * ctx.size
    days = sorted(today - timedelta(days=rng.randint(7, 360)) for _ in range(held))
    plans = [(day, False) for day in days] + [(today + timedelta(days=rng.randint(4, 20)), True)
                                              for _ in range(ctx.size)]
    for day, upcoming in plans:
        while day.weekday() >= 5:
            day += timedelta(days=1)
        weights = [4 if c.level == CourtLevel.INTERMEDIATE else 2 if c.level == CourtLevel.BASIC else 1 for c in courts]
        court = rng.choices(courts, weights=weights)[0]
        trial = [d for d in ctx.departments[court.id] if d.name.endswith(("审判庭", "执行局", "审判团队"))]
        department = rng.choice(trial or ctx.departments[court.id])
        case_type = _case_type(department.name, rng)
        code = CODES[case_type][1 if court.level == CourtLevel.INTERMEDIATE and case_type != CaseType.EXECUTION
                                and rng.random() < 0.6 else 0]
        key = (court.id, day.year, code)
        sequence[key] = sequence.get(key, rng.randint(20, 400)) + rng.randint(5, 60)
        case_number = f"（{day.year}）{PROVINCE_ABBR}{_court_code(ctx, court)}{code}{sequence[key]}号"
        starts = _local(day, rng.choice((9, 9, 10, 14, 15)), rng.choice((0, 0, 30)))
        hearing = Hearing(court_id=court.id, case_number=case_number, cause=rng.choice(CAUSES[case_type]),
                          case_type=case_type, department_id=department.id, presiding_judge=_judge_name(rng),
                          court_room=rng.choice(ROOMS), starts_at=starts,
                          ends_at=starts + timedelta(hours=rng.choice((2, 2, 3))), invite_reason=rng.choice(REASONS),
                          public=True, status=HearingStatus.SCHEDULED if upcoming else HearingStatus.HELD)
        liaison = (ctx.liaisons.get(court.id) or ctx.liaisons.get(court.parent_id) or [None])[0]
        hearing.scheduled_by_id = liaison.id if liaison else None
        db.session.add(hearing)
        db.session.flush()
        ctx.add("旁听庭审")
        invitations = _invite(ctx, rng, hearing, court, liaison, day, last_invited)
        if upcoming:
            _upcoming_answers(rng, hearing, invitations)
        else:
            _past_answers(ctx, rng, hearing, invitations)
            _forum(ctx, rng, hearing, invitations)
    db.session.flush()
    _queue_upcoming_reminders(ctx)


def _queue_upcoming_reminders(ctx: DemoContext) -> None:
    """The reminder the notices worker would queue the day before, for every upcoming hearing, left due now (so
    that ``notify send-due`` on a fresh demo delivers them)."""
    ctx.add("待发庭审提醒", 0)
    invitations = db.session.scalars(
        select(HearingInvitation).join(Hearing).where(Hearing.starts_at > clock.now(),
                                                      HearingInvitation.status.in_(EXPECTING))).all()
    for invitation in invitations:
        messages.remind(invitation)
        ctx.add("待发庭审提醒")


def _invite(ctx, rng, hearing, court, liaison, day, last_invited) -> list[HearingInvitation]:
    pool = _pool(ctx, court)
    invited_on = day - timedelta(days=rng.randint(7, 14))
    candidates = [Candidate(d.id, d.name, d.level, d.kind, last_invited.get(d.id)) for d in pool]
    count = rng.choice((9, 10))
    if court.level == CourtLevel.INTERMEDIATE:
        levels = [DeputyLevel.PROVINCIAL, DeputyLevel.CITY] if rng.random() < 0.3 else [DeputyLevel.CITY]
    else:
        levels = [DeputyLevel.CITY, DeputyLevel.COUNTY] + ([DeputyLevel.TOWNSHIP] if rng.random() < 0.5 else [])
    result = draw(candidates, count, levels=levels, rng=rng, today=invited_on)
    invitations = []
    for n, drawn in enumerate(result.drawn):
        by_hand = rng.random() < 0.3
        invitation = HearingInvitation(
            hearing_id=hearing.id, deputy_id=drawn.candidate.deputy_id, status=S.INVITED,
            invite_method=InviteMethod.MANUAL if by_hand else InviteMethod.DRAW,
            draw_reason="" if by_hand else drawn.reason, invited_by_id=liaison.id if liaison else None,
            invited_at=_local(invited_on, 9, 0) + timedelta(minutes=7 * n))
        db.session.add(invitation)
        invitations.append(invitation)
        last_invited[drawn.candidate.deputy_id] = invited_on
    db.session.flush()
    ctx.add("旁听邀请", len(invitations))
    return invitations


def _past_answers(ctx, rng, hearing, invitations) -> None:
    for invitation in invitations:
        invitation.answered_at = invitation.invited_at + timedelta(hours=rng.randint(2, 72))
        roll = rng.random()
        if roll < 0.10:
            invitation.status = S.DECLINED
            invitation.decline_reason = rng.choice(DECLINE_REASONS)
        elif roll < 0.16:
            invitation.status = S.ABSENT
        else:
            invitation.status = S.ATTENDED
            invitation.checked_in_at = hearing.starts_at - timedelta(minutes=rng.randint(5, 30))
            invitation.checked_in_by_id = invitation.invited_by_id
            ctx.add("旁听出席人次")


def _upcoming_answers(rng, hearing, invitations) -> None:
    for invitation in invitations:
        roll = rng.random()
        if roll < 0.55:
            invitation.status = S.ACCEPTED
            invitation.answered_at = invitation.invited_at + timedelta(hours=rng.randint(1, 48))
        elif roll < 0.65:
            invitation.status = S.DECLINED
            invitation.decline_reason = rng.choice(DECLINE_REASONS)
            invitation.answered_at = invitation.invited_at + timedelta(hours=rng.randint(1, 48))
        elif roll < 0.8:
            invitation.reminded_at = invitation.invited_at + timedelta(days=2)
            invitation.reminded_by_id = invitation.invited_by_id
    # The hearing was moved by a day: those expecting to come must be told.
    hearing.original_starts_at = hearing.starts_at
    hearing.starts_at += timedelta(days=1)
    hearing.ends_at += timedelta(days=1)
    hearing.status = HearingStatus.MOVED
    hearing.change_note = "因合议庭成员调整，开庭时间顺延一天。"
    for invitation in invitations:
        if invitation.status in (S.INVITED, S.ACCEPTED):
            invitation.needs_notice = rng.random() < 0.6
            if not invitation.needs_notice:
                invitation.notified_at = invitation.invited_at + timedelta(days=3)


def _forum(ctx, rng, hearing, invitations) -> None:
    attended = [i for i in invitations if i.status == S.ATTENDED]
    for invitation in attended:
        if rng.random() < 0.7:
            low = rng.random() < 0.06
            scores = {name: (rng.choice((1, 2)) if low and name in ("score_conduct", "score_overall")
                             else rng.choices((5, 4, 3), weights=(6, 3, 1))[0]) for name, _ in SCORE_FIELDS}
            rating = HearingRating(invitation_id=invitation.id, review_comment=rng.choice(LOW_COMMENTS) if low
                                   else rng.choice(COMMENTS), entered_by_staff=rng.random() < 0.5, **scores)
            db.session.add(rating)
            ctx.add("庭审点评")
            if low and rng.random() < 0.5:
                db.session.flush()
                deputy = invitation.deputy
                item = create_item(court_id=hearing.court_id, kind=ItemKind.SUGGESTION,
                                   title=f"庭审点评低分：{hearing.case_number}", content=rating.review_comment,
                                   deputies=[deputy], origin=ItemOrigin.HEARING,
                                   received_on=clock.local_date(hearing.starts_at),
                                   case_number=hearing.case_number)
                rating.low_score_item_id = item.id
    if hearing.case_type == CaseType.CIVIL and attended and rng.random() < 0.3:
        mediator = rng.choice(attended)
        mediator.joined_mediation = True
        mediator.mediation_note = "庭后参与调解，双方当事人达成分期履行协议。"
    if not attended or rng.random() < 0.35:
        return
    day = clock.local_date(hearing.starts_at)
    hearing.forum_on = day
    hearing.forum_place = rng.choice(("第一会议室", "代表委员联络室", "审判委员会会议室"))
    hearing.forum_speakers = f"分管副院长主持座谈，审判长{hearing.presiding_judge}介绍案件审理情况"
    hearing.forum_summary = "与会代表委员对庭审活动给予肯定，并就审判工作提出意见建议，法院将认真研究办理。"
    for invitation in rng.sample(attended, min(len(attended), rng.randint(2, 3))):
        opinion = HearingOpinion(hearing_id=hearing.id, deputy_id=invitation.deputy_id, opinion=rng.choice(OPINIONS),
                                 recorded_by_id=hearing.scheduled_by_id)
        db.session.add(opinion)
        db.session.flush()
        ctx.add("座谈意见")
        if rng.random() < 0.35:
            create_item(court_id=hearing.court_id, kind=ItemKind.SUGGESTION,
                        title=f"旁听庭审意见：{hearing.case_number} {hearing.cause}"[:200], content=opinion.opinion,
                        deputies=[invitation.deputy], origin=ItemOrigin.HEARING,
                        origin_id=opinion.id, received_on=day, case_number=hearing.case_number)
            ctx.add("座谈意见转督办件")
