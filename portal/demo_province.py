"""The province-scale data set: ``flask --app portal seed-demo --province`` (a ``scale`` below 1 for tests).

At full scale: 云岭市中级人民法院 with 24 basic courts and 82 people's tribunals (107 courts, one tree under the
intermediate court: the portal serves one court and the courts below it, and ``access.court_scope`` defaults to
the tree above a user's court, so several top courts would leave every admin and leader one city only), about
10,000 register entries, 50,000 receptions, 20,000 hearings with 200,000 invitations, 100,000 tracked items with
their history (about half a million 办理记录), 30,000 duty reports with their versions, and a year of messages:
the invitations sent over the last year, plus what the notices area's own demo sends.

Receptions, hearings, items and duty reports are written with bulk inserts (:func:`portal.demo.insert_rows`),
over the last three years; the other areas run their ordinary demo (``portal/<area>/demo.py``) on the same
court tree and register. Bulk rows are seeded, not done by anyone: they have no audit row (the audit trail
listens to ORM flushes), no domain event was announced for them, and the hearings have no ratings and duty
reports no sessions. Item numbers continue from the courts' counters (``ItemCounter``), which are left where
the seeded numbers end. The register's search index (FTS5 triggers on SQLite, trigram indexes on PostgreSQL)
and the pinyin keys are filled as for the ordinary demo.
"""
from __future__ import annotations

import importlib
import importlib.util
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from types import SimpleNamespace

from sqlalchemy import select, update

from portal import clock
from portal import demo as base
from portal.auth.models import CourtLevel, User, hash_password
from portal.demo import AREAS, TRIBUNALS, Area, DemoContext, insert_rows
from portal.duty import demo as duty_demo
from portal.duty.models import DutyReport, DutyReportEvent, DutyReportVersion, ReportKind, ReportState, VersionAction
from portal.extensions import db
from portal.hearings import demo as hearing_demo
from portal.hearings.models import (
    Hearing,
    HearingInvitation,
    HearingOpinion,
    HearingStatus,
    InvitationStatus,
    InviteMethod,
)
from portal.items import demo as item_demo
from portal.items.models import Item, ItemCounter, ItemEvent, ItemKind, ItemOrigin, ItemState, Rating, item_deputy
from portal.items.supervision import deadline_days, proposal_due
from portal.notices.models import Channel, Message, MessageState
from portal.reception import demo as reception_demo
from portal.reception.models import Channel as ReceptionChannel
from portal.reception.models import Reception, ReceptionDeputy, ReceptionHost
from portal.register.models import Deputy, DeputyKind, DeputyLevel, Gender

K, S, IS = ItemKind, ItemState, InvitationStatus
YEARS = 3  # receptions, hearings and items spread over the last three years
# Areas the ordinary demo does not have, so the province reaches 24 basic courts.
EXTRA_AREAS = (
    Area("金沙县", "js", ("金城镇", "沙坪镇", "大湾镇", "新寨乡", "石龙乡"), "第十八届", "第二十届", "第十一届"),
    Area("大河县", "dh", ("河西街道", "大河镇", "渡口镇", "官庄镇", "柳林乡"), "第十八届", "第二十届", "第十一届"),
    Area("桃江区", "tj", ("桃花街道", "江北街道", "桃源镇", "竹溪镇", "马家镇"), "第七届", "第九届", "第七届"),
    Area("宁远县", "ny", ("舜陵镇", "天堂镇", "水市镇", "湾井镇", "冷水乡"), "第十八届", "第二十届", "第十一届"),
    Area("永福县", "yf", ("永福镇", "罗锦镇", "百寿镇", "苏桥镇", "广福乡"), "第十七届", "第十九届", "第十届"),
    Area("石城县", "sc", ("琴江镇", "小松镇", "屏山镇", "横江镇", "珠坑乡"), "第十八届", "第二十届", "第十一届"),
    Area("江口市", "jk", ("江口街道", "双江街道", "怒溪镇", "闵孝镇", "德旺乡"), "第十六届", "第十八届", "第十届"),
    Area("新田县", "xt", ("龙泉镇", "金陵镇", "骥村镇", "新圩镇", "门楼下乡"), "第十八届", "第二十届", "第十一届"),
    Area("仙山县", "xs", ("仙山镇", "云台镇", "清泉镇", "花桥镇", "白云乡"), "第十八届", "第二十届", "第十一届"),
    Area("蓝田县", "ltx", ("蓝关街道", "华胥镇", "汤峪镇", "玉川镇", "灞源镇"), "第十八届", "第二十届", "第十一届"),
    Area("木兰县", "ml", ("木兰镇", "东兴镇", "大贵镇", "利东镇", "吉兴乡"), "第十七届", "第十九届", "第十届"),
    Area("双峰县", "sf", ("永丰街道", "荷叶镇", "井字镇", "梓门桥镇", "沙塘乡"), "第十八届", "第二十届", "第十一届"),
)
PROVINCE_AREAS = AREAS + EXTRA_AREAS


@dataclass(frozen=True)
class Plan:
    """How much the province data set holds at a scale (1 is the full province)."""

    scale: float
    basic_courts: int
    tribunals_per_court: int  # 3 or 4 at full scale (alternating), 1 at small scales
    deputies: int
    receptions: int
    hearings: int
    invitations: int  # per hearing
    items: int
    duty_reports: int
    staff_size: int  # DemoContext.size for the staff: 2–4 handlers per size and court

    @property
    def courts(self) -> int:
        """The courts of the tree: the intermediate court, its basic courts and their tribunals (an area has as
        many as its towns allow)."""
        return 1 + self.basic_courts + len(_tribunals(self, PROVINCE_AREAS[:self.basic_courts]))

    def tribunals(self, index: int) -> int:
        return self.tribunals_per_court + (index % 2 if self.tribunals_per_court > 1 else 0)


def plan(scale: float = 1.0) -> Plan:
    if not 0 < scale <= 1:
        raise ValueError("scale must be in (0, 1]")
    return Plan(scale=scale, basic_courts=max(3, round(len(PROVINCE_AREAS) * scale)),
                tribunals_per_court=3 if scale >= 0.5 else 1, deputies=max(100, round(10_000 * scale)),
                receptions=round(50_000 * scale), hearings=round(20_000 * scale), invitations=10,
                items=round(100_000 * scale), duty_reports=round(30_000 * scale),
                staff_size=max(1, round(5 * scale)))


def seed(*, scale: float = 1.0, random_seed: int = 2024) -> dict[str, int]:
    """Build the province data set (see the module's docstring); returns what was added, by Chinese label.

    Accounts are as in :func:`portal.demo.seed` (password ``Demo1234``); one deputy in twenty has a login.
    The caller commits.
    """
    shape = plan(scale)
    ctx = DemoContext(size=shape.staff_size, random_seed=random_seed,
                      password_hash=hash_password(base.DEMO_PASSWORD))
    for label in ("法院", "部门", "用户", "代表委员", "代表委员账户"):
        ctx.counts[label] = 0
    base._load_taken(ctx)
    areas = PROVINCE_AREAS[:shape.basic_courts]
    base._seed_courts(ctx, areas, _tribunals(shape, areas))
    base._seed_departments(ctx)
    base._seed_staff(ctx)
    base._seed_admin(ctx)
    base._seed_deputies(ctx, shape.deputies)
    base._seed_deputy_accounts(ctx, shape.deputies // 20)
    db.session.flush()
    numbers = _Numbers(ctx)
    specs = _seed_receptions(ctx, shape)
    specs += _seed_hearings(ctx, shape)
    _seed_items(ctx, shape, numbers, specs)
    duty_demo._seed_terms(ctx)
    _seed_duty_reports(ctx, shape)
    db.session.flush()
    from portal import AREAS as PORTAL_AREAS

    for area in PORTAL_AREAS:  # the other areas' ordinary demo, on the province's courts and register
        if area not in BULK_AREAS and importlib.util.find_spec(f"portal.{area}.demo"):
            importlib.import_module(f"portal.{area}.demo").seed(ctx)
            db.session.flush()
    return ctx.counts


BULK_AREAS = ("reception", "hearings", "items", "duty")


def _tribunals(shape: Plan, areas: tuple[Area, ...]) -> list[tuple[int, str, str]]:
    """The ordinary demo's tribunals first, then each basic court's towns (not subdistricts) in turn."""
    chosen = [t for t in TRIBUNALS if t[0] < len(areas)]
    for index, area in enumerate(areas):
        have = [t for t in chosen if t[0] == index]
        places = [base._town_stem(town) for town in area.towns if not town.endswith("街道")]
        places = [p for p in places if all(p != t[1] for t in have)]
        for n, place in enumerate(places[:max(0, shape.tribunals(index) - len(have))], 1):
            chosen.append((index, place, f"t{n}"))
    return sorted(chosen, key=lambda t: t[0])


# --- helpers ---------------------------------------------------------------------------------------------------

def _staff(ctx: DemoContext, court) -> tuple[list, list, list]:
    """Leaders, liaison officers and handlers for a court's records: a tribunal's leaders are its basic court's."""
    top = ctx.intermediate.id
    leaders = ctx.leaders.get(court.id) or ctx.leaders.get(court.parent_id) or ctx.leaders.get(top) or []
    liaisons = ctx.liaisons.get(court.id) or ctx.liaisons.get(court.parent_id) or ctx.liaisons.get(top) or []
    return leaders, liaisons, ctx.handlers.get(court.id) or []


def _home(court) -> int:
    """The court whose deputies are near ``court``: a tribunal's basic court."""
    return court.parent_id if court.level == CourtLevel.TRIBUNAL else court.id


def _day_in_years(rng: random.Random, today: date, years: int = YEARS) -> date:
    """A working day within the last ``years`` years."""
    day = today - timedelta(days=rng.randrange(1, 365 * years))
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=clock.zone())


class _Numbers:
    """登记编号 per court and year, continuing the courts' counters; :meth:`save` leaves the counters there."""

    def __init__(self, ctx: DemoContext) -> None:
        self.codes = {c.id: c.code.upper() for c in ctx.courts}
        self.existing = {(c, y): last for c, y, last in db.session.execute(
            select(ItemCounter.court_id, ItemCounter.year, ItemCounter.last))}
        self.last = dict(self.existing)

    def next(self, court_id: int, year: int) -> str:
        sequence = self.last[court_id, year] = self.last.get((court_id, year), 0) + 1
        return f"{self.codes[court_id]}-{year}-{sequence:04d}"

    def save(self) -> None:
        for (court_id, year), last in self.last.items():
            if (court_id, year) in self.existing:
                db.session.execute(update(ItemCounter).where(ItemCounter.court_id == court_id,
                                                             ItemCounter.year == year).values(last=last))
        insert_rows(ItemCounter, [{"court_id": c, "year": y, "last": last} for (c, y), last in self.last.items()
                                  if (c, y) not in self.existing])


@dataclass
class _ItemSpec:
    """An item to write: where it came from and when; its state and history follow from its age."""

    court: object
    kind: ItemKind
    title: str
    content: str
    received: date
    deputy_ids: list[int]
    origin: ItemOrigin
    origin_id: int | None = None
    source_body: str = ""
    case_number: str = ""


# --- receptions ------------------------------------------------------------------------------------------------

def _seed_receptions(ctx: DemoContext, shape: Plan) -> list[_ItemSpec]:
    """Receptions at the courts with leaders (the intermediate court three times as many), over three years;
    about one in five raises a tracked item, returned as specs for :func:`_seed_items`."""
    for label in ("来访接待", "来访人次", "接待跟踪事项"):
        ctx.add(label, 0)
    rng = ctx.rng("province:reception")
    today = clock.today()
    active = [d for d in ctx.deputies if d.active]
    courts = [c for c in ctx.courts if ctx.leaders.get(c.id)]
    if not active or not courts:
        return []
    near: dict[int, list] = defaultdict(list)
    for deputy in active:
        near[deputy.court_id].append(deputy)
    weights = [3 if c.level == CourtLevel.INTERMEDIATE else 1 for c in courts]
    rows, visitors, hosts, raised = [], [], [], []
    for _ in range(shape.receptions):
        court = rng.choices(courts, weights=weights)[0]
        leaders, liaisons, _ = _staff(ctx, court)
        channel = reception_demo._weighted(rng, reception_demo.CHANNEL_WEIGHTS)
        count = 1 if rng.random() < 0.85 or channel != ReceptionChannel.VISIT else rng.choice((2, 2, 2, 3))
        pool = near.get(court.id) or active
        chosen = rng.sample(pool, min(count, len(pool)))
        others = ""
        if channel == ReceptionChannel.VISIT and rng.random() < 0.08:
            others = base._person_name(rng, Gender.MALE if rng.random() < 0.6 else Gender.FEMALE)
        subject, content, requests, kind, title = rng.choice(reception_demo.TOPICS)
        if kind == K.PROPOSAL and not any(d.kind == DeputyKind.CPPCC for d in chosen):
            kind = K.SUGGESTION
        day = _day_in_years(rng, today)
        when = _local(day, rng.choice((8, 9, 9, 10, 10, 11, 14, 15, 15, 16, 17)),
                      rng.choice((0, 10, 15, 20, 30, 40, 45, 50)))
        president = leaders[0] if rng.random() < 0.6 or len(leaders) == 1 else leaders[1]
        liaison = liaisons[0] if liaisons else None
        place = {ReceptionChannel.VISIT: f"{court.name}人大代表政协委员联络之家",
                 ReceptionChannel.PHONE: "联络办公室（电话）", ReceptionChannel.LETTER: "联络办公室",
                 ReceptionChannel.EMAIL: "法院代表联络电子信箱", ReceptionChannel.SMS: "联络短信平台"}[channel]
        rows.append({"court_id": court.id, "received_at": when, "channel": channel, "place": place,
                     "other_visitors": others, "other_count": 1 if others else 0,
                     "liaison_officer_id": liaison.id if liaison else None, "subject": subject, "content": content,
                     "requests": requests, "handling": "已当场解答。" if not kind else "",
                     "created_by_id": liaison.id if liaison else None, "created_at": when, "updated_at": when})
        visitors.append([d.id for d in chosen])
        hosts.append([president.id] + ([liaison.id] if liaison and rng.random() < 0.5 else []))
        follow = kind is not None and requests and rng.random() < 0.26
        raised.append(_ItemSpec(court, kind, title, requests, day, [d.id for d in chosen], ItemOrigin.RECEPTION)
                      if follow else None)
        ctx.add("来访人次", len(chosen) + (1 if others else 0))
    ids = insert_rows(Reception, rows, returning=True)
    insert_rows(ReceptionDeputy, [{"reception_id": r, "deputy_id": d} for r, ds in zip(ids, visitors) for d in ds])
    insert_rows(ReceptionHost, [{"reception_id": r, "user_id": u} for r, us in zip(ids, hosts) for u in us])
    ctx.add("来访接待", len(ids))
    specs = []
    for reception_id, spec in zip(ids, raised):
        if spec is not None:
            spec.origin_id = reception_id
            specs.append(spec)
    ctx.add("接待跟踪事项", len(specs))
    return specs


# --- hearings --------------------------------------------------------------------------------------------------

def _seed_hearings(ctx: DemoContext, shape: Plan) -> list[_ItemSpec]:
    """Hearings over three years at every court (weighted by level), 10 invitations each drawn from the deputies
    near the court, answers and attendance as in the ordinary demo, forums with opinions at about a quarter of
    them (some tracked as items, returned as specs), and the invitation SMS of the last year."""
    for label in ("旁听庭审", "旁听邀请", "旁听出席人次", "座谈意见", "座谈意见转督办件", "已发短信"):
        ctx.add(label, 0)
    rng = ctx.rng("province:hearings")
    today = clock.today()
    courts = [c for c in ctx.courts if ctx.departments.get(c.id)]
    active = [d for d in ctx.deputies if d.active]
    if not courts or not active:
        return []
    upper_levels = (DeputyLevel.NATIONAL, DeputyLevel.PROVINCIAL, DeputyLevel.CITY)
    upper = [d for d in active if d.level in upper_levels]
    local: dict[int, list] = defaultdict(list)
    for deputy in active:
        if deputy.level not in upper_levels:
            local[deputy.court_id].append(deputy)
    weights = [4 if c.level == CourtLevel.INTERMEDIATE else 2 if c.level == CourtLevel.BASIC else 1 for c in courts]
    upcoming = max(1, shape.hearings // 100)
    days = sorted(_day_in_years(rng, today) for _ in range(shape.hearings - upcoming))
    plans = [(day, False) for day in days] + [(today + timedelta(days=rng.randint(4, 20)), True)
                                              for _ in range(upcoming)]
    sequence: dict[tuple[int, int, str], int] = {}
    last_invited: dict[int, date] = {}
    rows, invitations, forums = [], [], []
    for day, ahead in plans:
        while day.weekday() >= 5:
            day += timedelta(days=1)
        court = rng.choices(courts, weights=weights)[0]
        _, liaisons, _ = _staff(ctx, court)
        liaison = liaisons[0] if liaisons else None
        trial = [d for d in ctx.departments[court.id] if d.name.endswith(("审判庭", "执行局", "审判团队"))]
        department = rng.choice(trial or ctx.departments[court.id])
        case_type = hearing_demo._case_type(department.name, rng)
        code = hearing_demo.CODES[case_type][1 if court.level == CourtLevel.INTERMEDIATE and rng.random() < 0.6
                                             and case_type.value != "execution" else 0]
        key = (court.id, day.year, code)
        sequence[key] = sequence.get(key, rng.randint(20, 400)) + rng.randint(1, 12)
        case_number = (f"（{day.year}）{hearing_demo.PROVINCE_ABBR}{hearing_demo._court_code(ctx, court)}{code}"
                       f"{sequence[key]}号")
        starts = _local(day, rng.choice((9, 9, 10, 14, 15)), rng.choice((0, 0, 30)))
        status = HearingStatus.HELD
        change_note, original = "", None
        if ahead and rng.random() < 0.3:  # moved by a day: those expecting to come must be told
            status, original, change_note = HearingStatus.MOVED, starts, "因合议庭成员调整，开庭时间顺延一天。"
            starts += timedelta(days=1)
        elif ahead:
            status = HearingStatus.SCHEDULED
        elif rng.random() < 0.03:
            status, change_note = HearingStatus.ADJOURNED, "因当事人申请延期举证，本次庭审延期审理。"
        row = {"court_id": court.id, "case_number": case_number, "cause": rng.choice(hearing_demo.CAUSES[case_type]),
               "case_type": case_type, "department_id": department.id,
               "presiding_judge": hearing_demo._judge_name(rng), "court_room": rng.choice(hearing_demo.ROOMS),
               "starts_at": starts, "ends_at": starts + timedelta(hours=rng.choice((2, 2, 3))),
               "invite_reason": rng.choice(hearing_demo.REASONS), "public": True, "status": status,
               "change_note": change_note, "original_starts_at": original,
               "scheduled_by_id": liaison.id if liaison else None, "forum_on": None, "forum_place": "",
               "forum_speakers": "", "forum_summary": "", "created_at": starts - timedelta(days=20),
               "updated_at": starts - timedelta(days=20)}
        pool = local.get(_home(court), []) + upper
        drawn = rng.sample(pool, min(shape.invitations, len(pool)))
        invited_on = day - timedelta(days=rng.randint(7, 14))
        invited = []
        for n, deputy in enumerate(drawn):
            by_hand = rng.random() < 0.3
            last = last_invited.get(deputy.id)
            reason = f"{deputy.level.label} · " + (f"上次受邀 {last.year}年{last.month}月{last.day}日" if last
                                                 else "从未受邀")
            at = _local(invited_on, 9) + timedelta(minutes=7 * n)
            invitation = {"deputy_id": deputy.id, "status": IS.INVITED, "invite_method":
                          InviteMethod.MANUAL if by_hand else InviteMethod.DRAW, "draw_reason": "" if by_hand else reason,
                          "invited_by_id": liaison.id if liaison else None, "invited_at": at, "answered_at": None,
                          "decline_reason": "", "reminded_at": None, "reminded_by_id": None, "needs_notice": False,
                          "notified_at": None, "checked_in_at": None, "checked_in_by_id": None,
                          "joined_mediation": False, "mediation_note": "", "created_at": at, "updated_at": at}
            _answer(rng, invitation, row, ahead)
            if invitation["status"] == IS.ATTENDED:
                ctx.add("旁听出席人次")
            invited.append(invitation)
            last_invited[deputy.id] = invited_on
        attended = [i for i in invited if i["status"] == IS.ATTENDED]
        if attended and row["case_type"].value == "civil" and rng.random() < 0.3:
            mediator = rng.choice(attended)
            mediator["joined_mediation"], mediator["mediation_note"] = True, "庭后参与调解，双方当事人达成分期履行协议。"
        opinions = []
        if attended and rng.random() < 0.25:
            row.update(forum_on=day, forum_place=rng.choice(("第一会议室", "代表委员联络室", "审判委员会会议室")),
                       forum_speakers=f"分管副院长主持座谈，审判长{row['presiding_judge']}介绍案件审理情况",
                       forum_summary="与会代表委员对庭审活动给予肯定，并就审判工作提出意见建议，法院将认真研究办理。")
            for invitation in rng.sample(attended, min(len(attended), rng.randint(2, 3))):
                opinions.append({"deputy_id": invitation["deputy_id"], "opinion": rng.choice(hearing_demo.OPINIONS),
                                 "recorded_by_id": row["scheduled_by_id"], "tracked": rng.random() < 0.35})
        rows.append(row)
        invitations.append(invited)
        forums.append(opinions)
    ids = insert_rows(Hearing, rows, returning=True)
    ctx.add("旁听庭审", len(ids))
    flat = [dict(i, hearing_id=h) for h, invited in zip(ids, invitations) for i in invited]
    invitation_ids = insert_rows(HearingInvitation, flat, returning=True)
    ctx.add("旁听邀请", len(invitation_ids))
    opinion_rows = [{"hearing_id": h, "deputy_id": o["deputy_id"], "opinion": o["opinion"],
                     "recorded_by_id": o["recorded_by_id"]} for h, opinions in zip(ids, forums) for o in opinions]
    opinion_ids = insert_rows(HearingOpinion, opinion_rows, returning=True)
    ctx.add("座谈意见", len(opinion_ids))
    specs = []
    tracked = [(row, o) for row, opinions in zip(rows, forums) for o in opinions]
    courts_by_id = {c.id: c for c in courts}
    for opinion_id, (row, opinion) in zip(opinion_ids, tracked):
        if opinion["tracked"]:
            specs.append(_ItemSpec(courts_by_id[row["court_id"]], K.SUGGESTION,
                                   f"旁听庭审意见：{row['case_number']} {row['cause']}"[:200], opinion["opinion"],
                                   row["forum_on"], [opinion["deputy_id"]], ItemOrigin.HEARING, opinion_id,
                                   case_number=row["case_number"]))
    ctx.add("座谈意见转督办件", len(specs))
    _invitation_messages(ctx, rows, ids, flat, invitation_ids, today)
    return specs


def _answer(rng: random.Random, invitation: dict, hearing: dict, ahead: bool) -> None:
    """The invitee's answer, and attendance for a hearing held."""
    invited_at = invitation["invited_at"]
    roll = rng.random()
    if ahead:
        if roll < 0.55:
            invitation["status"], invitation["answered_at"] = IS.ACCEPTED, invited_at + timedelta(hours=rng.randint(1, 48))
        elif roll < 0.65:
            invitation.update(status=IS.DECLINED, decline_reason=rng.choice(hearing_demo.DECLINE_REASONS),
                              answered_at=invited_at + timedelta(hours=rng.randint(1, 48)))
        elif roll < 0.8:
            invitation["reminded_at"] = invited_at + timedelta(days=2)
            invitation["reminded_by_id"] = invitation["invited_by_id"]
        if hearing["status"] == HearingStatus.MOVED and invitation["status"] in (IS.INVITED, IS.ACCEPTED):
            invitation["needs_notice"] = rng.random() < 0.6
            if not invitation["needs_notice"]:
                invitation["notified_at"] = invited_at + timedelta(days=3)
        return
    invitation["answered_at"] = invited_at + timedelta(hours=rng.randint(2, 72))
    if roll < 0.10:
        invitation.update(status=IS.DECLINED, decline_reason=rng.choice(hearing_demo.DECLINE_REASONS))
    elif hearing["status"] == HearingStatus.ADJOURNED:
        invitation["status"] = IS.ACCEPTED
    elif roll < 0.16:
        invitation["status"] = IS.ABSENT
    else:
        invitation.update(status=IS.ATTENDED, checked_in_at=hearing["starts_at"] - timedelta(minutes=rng.randint(5, 30)),
                          checked_in_by_id=invitation["invited_by_id"])


def _invitation_messages(ctx: DemoContext, hearings: list[dict], hearing_ids: list[int], invitations: list[dict],
                         invitation_ids: list[int], today: date) -> None:
    """The SMS each invitation of the last year sent (as portal.hearings.messages.invitation_sent words it)."""
    since = clock.from_local(datetime.combine(today - timedelta(days=365), time()))
    mobiles = dict(db.session.execute(select(Deputy.id, Deputy.mobile).where(Deputy.id.in_(
        {i["deputy_id"] for i in invitations if i["invited_at"] >= since}))).all()) if invitations else {}
    names = {d.id: d for d in ctx.deputies}
    courts = {c.id: c.name for c in ctx.courts}
    by_id = dict(zip(hearing_ids, hearings))
    rows = []
    for invitation_id, invitation in zip(invitation_ids, invitations):
        at = invitation["invited_at"]
        if at < since:
            continue
        hearing = by_id[invitation["hearing_id"]]
        deputy = names[invitation["deputy_id"]]
        starts = clock.to_local(hearing["original_starts_at"] or hearing["starts_at"])
        line = (f"{courts[hearing['court_id']]}定于{starts.month}月{starts.day}日（星期{'一二三四五六日'[starts.weekday()]}）"
                f"{starts:%H:%M}在{hearing['court_room']}开庭审理{hearing['case_number']}{hearing['cause']}一案")
        salutation = deputy.name[:1] + ("委员" if deputy.kind == DeputyKind.CPPCC else "代表")
        rows.append({"court_id": hearing["court_id"], "channel": Channel.SMS, "user_id": None,
                     "deputy_id": deputy.id, "address": mobiles[deputy.id], "subject": "庭审旁听邀请",
                     "body": f"{salutation}：{line}，诚邀您旁听。请登录平台答复是否出席。",
                     "link": f"/hearings/mine/{invitation_id}", "about_type": "hearing_invitation",
                     "about_id": invitation_id, "state": MessageState.SENT, "tries": 1, "next_try_at": at,
                     "sent_at": at + timedelta(minutes=1), "answer": "0 accepted", "read_at": None,
                     "created_by_id": invitation["invited_by_id"], "created_at": at, "updated_at": at})
    insert_rows(Message, rows)
    ctx.add("已发短信", len(rows))


# --- tracked items ---------------------------------------------------------------------------------------------

def _seed_items(ctx: DemoContext, shape: Plan, numbers: _Numbers, raised: list[_ItemSpec]) -> None:
    """Items registered directly (suggestions, proposals, letters, concerned cases, referrals) up to
    ``shape.items`` with those raised at receptions and hearing forums; numbered in the order received, each
    taken through the workflow as far as its age makes likely, every step in its history (ItemEvent)."""
    ctx.add("交办督办件", 0)
    ctx.add("办理记录", 0)
    rng = ctx.rng("province:items")
    today = clock.today()
    courts = [c for c in ctx.courts if ctx.departments.get(c.id)]
    active = [d for d in ctx.deputies if d.active]
    near: dict[tuple[int, DeputyKind], list] = defaultdict(list)
    for deputy in active:
        near[deputy.court_id, deputy.kind].append(deputy)
    npc = [d for d in active if d.kind == DeputyKind.NPC]
    cppcc = [d for d in active if d.kind == DeputyKind.CPPCC] or npc
    weights = [6 if c.level == CourtLevel.INTERMEDIATE else 2 if c.level == CourtLevel.BASIC else 1 for c in courts]
    kinds = ((K.SUGGESTION, 40), (K.PROPOSAL, 12), (K.LETTER, 25), (K.CONCERNED_CASE, 15), (K.REFERRAL, 8))
    specs = list(raised)
    for _ in range(max(0, shape.items - len(raised))):
        court = rng.choices(courts, weights=weights)[0]
        kind = rng.choices([k for k, _ in kinds], weights=[w for _, w in kinds])[0]
        received = _day_in_years(rng, today)
        source_body, case_number = "", ""
        if kind == K.PROPOSAL:
            chosen = [rng.choice(near.get((_home(court), DeputyKind.CPPCC)) or cppcc).id]
        elif kind == K.REFERRAL:
            chosen = []
        else:
            pool = near.get((_home(court), DeputyKind.NPC)) or npc
            chosen = [d.id for d in rng.sample(pool, min(len(pool), 2 if rng.random() < 0.2 else 1))]
        if kind in (K.SUGGESTION, K.PROPOSAL):
            title, content = rng.choice(item_demo.SUGGESTIONS)
            origin = rng.choice((ItemOrigin.ACTIVITY, ItemOrigin.PORTAL, ItemOrigin.PORTAL, ItemOrigin.OTHER))
            if kind == K.PROPOSAL:
                title = title.replace("建议", "提案")
        elif kind == K.LETTER:
            title, content = rng.choice(item_demo.LETTERS)
            origin = rng.choice((ItemOrigin.MAILBOX, ItemOrigin.MAILBOX, ItemOrigin.PORTAL))
        elif kind == K.CONCERNED_CASE:
            pattern, cause, content = rng.choice(item_demo.CASES)
            court_code = hearing_demo.PROVINCE_ABBR + hearing_demo._court_code(ctx, court)
            case_number = pattern.format(year=received.year - rng.randint(0, 1), court=court_code,
                                         n=rng.randint(100, 2999))
            title, origin = f"{cause}案（{case_number}）", ItemOrigin.OTHER
        else:
            source_body, title, content = rng.choice(item_demo.REFERRALS)
            origin = ItemOrigin.REFERRAL
        specs.append(_ItemSpec(court, kind, title, content, received, chosen, origin, source_body=source_body,
                               case_number=case_number))
    specs.sort(key=lambda s: s.received)
    days = {kind: deadline_days(kind) for kind in ItemKind}
    for start in range(0, len(specs), base.CHUNK):
        items, links, histories = [], [], []
        for spec in specs[start:start + base.CHUNK]:
            row, history = _item(ctx, rng, spec, numbers, days[spec.kind], today)
            items.append(row)
            links.append(spec.deputy_ids)
            histories.append(history)
        ids = insert_rows(Item, items, returning=True)
        insert_rows(item_deputy, [{"item_id": i, "deputy_id": d} for i, ds in zip(ids, links) for d in ds])
        events = [dict(event, item_id=i) for i, history in zip(ids, histories) for event in history]
        insert_rows(ItemEvent, events)
        ctx.add("交办督办件", len(ids))
        ctx.add("办理记录", len(events))
    numbers.save()


def _final_state(rng: random.Random, age: int) -> ItemState:
    if age > 365:
        pairs = ((S.CLOSED, 88), (S.RATED, 4), (S.ANSWERED, 4), (S.IN_PROGRESS, 4))
    elif age > 120:
        pairs = ((S.CLOSED, 60), (S.RATED, 12), (S.ANSWERED, 12), (S.REPLY_DRAFTED, 4), (S.IN_PROGRESS, 12))
    elif age > 30:
        pairs = ((S.ASSIGNED, 20), (S.IN_PROGRESS, 35), (S.REPLY_DRAFTED, 10), (S.REPLY_HEARD, 5), (S.ANSWERED, 20),
                 (S.CLOSED, 10))
    else:
        pairs = ((S.REGISTERED, 40), (S.INSTRUCTED, 30), (S.ASSIGNED, 30))
    return reception_demo._weighted(rng, pairs)


def _item(ctx: DemoContext, rng: random.Random, spec: _ItemSpec, numbers: _Numbers, days: int,
          today: date) -> tuple[dict, list[dict]]:
    """One item's row and history, like items/demo.py's ``_make`` but as rows."""
    court, kind, received = spec.court, spec.kind, spec.received
    leaders, liaisons, handlers = _staff(ctx, court)
    leader = leaders[-1] if leaders else None  # the vice-president answers for items
    liaison = liaisons[0] if liaisons else None
    handler = rng.choice(handlers) if handlers else None
    final = _final_state(rng, (today - received).days)
    if not spec.deputy_ids and final in (S.REPLY_HEARD, S.RATED):
        final = S.ANSWERED  # a referral has no deputy to hear or rate the reply
    row = {"court_id": court.id, "number": numbers.next(court.id, received.year), "kind": kind,
           "origin": spec.origin, "origin_id": spec.origin_id, "source_body": spec.source_body,
           "received_on": received, "proposal_due": proposal_due(kind, received), "title": spec.title,
           "content": spec.content, "case_number": spec.case_number, "state": final, "round": 1, "instruction": "",
           "instructed_by_id": None, "instructed_at": None, "leader_id": None, "department_id": None,
           "handler_id": None, "assigned_at": None, "deadline": None, "reply": "", "reply_heard_note": "",
           "reply_heard_at": None, "answered_at": None, "answered_on": None, "rating": None, "rating_comment": "",
           "rated_at": None, "closed_at": None, "escalated_at": None, "panel_opinion": "", "division_opinion": "",
           "vice_president_opinion": "", "division_signed_by_id": None, "division_signed_at": None,
           "vice_president_signed_by_id": None, "vice_president_signed_at": None,
           "created_by_id": liaison.id if liaison else None}
    history: list[dict] = []
    state = S.REGISTERED

    def step(action: str, day: date, user, note: str, to: ItemState | None, hour: int = 10) -> datetime:
        nonlocal state
        at = item_demo._at(min(day, today), hour, rng)
        history.append({"at": at, "user_id": user.id if user else None, "action": action, "note": note,
                        "from_state": state.value if to else "", "to_state": to.value if to else ""})
        state = to or state
        return at

    step("register", received, liaison, f"来源：{spec.origin.label}", S.REGISTERED, hour=9)
    rank = final.rank
    day = received + timedelta(days=rng.randint(1, 2))
    if rank >= S.INSTRUCTED.rank and leader:
        row["instruction"] = rng.choice(("请相关业务庭认真研究办理，按期答复代表。", "高度重视，专人办理，及时沟通，确保件件有回音。",
                                         "请依法妥善处理，办理情况及时报告。"))
        row["instructed_by_id"] = row["leader_id"] = leader.id
        row["instructed_at"] = step("instruct", day, leader, row["instruction"], S.INSTRUCTED)
    if rank >= S.ASSIGNED.rank:
        day += timedelta(days=rng.randint(0, 2))
        department = next((d for d in ctx.departments[court.id] if handler and d.id == handler.department_id), None)
        row["department_id"] = department.id if department else None
        row["handler_id"] = handler.id if handler else None
        row["deadline"] = day + timedelta(days=days)
        row["assigned_at"] = step("assign", day, liaison, f"承办部门：{department.name if department else ''}，"
                                  f"办理期限：{row['deadline'].isoformat()}", S.ASSIGNED)
    if rank >= S.IN_PROGRESS.rank:
        day += timedelta(days=max(1, days // 6))
        step("progress", day, handler or liaison, rng.choice(item_demo.PROGRESS), S.IN_PROGRESS)
        if kind == K.CONCERNED_CASE:
            row["panel_opinion"] = "合议庭经评议认为，该案事实清楚，应依法及时审结。"
    if rank >= S.REPLY_DRAFTED.rank:
        if kind == K.CONCERNED_CASE:
            signer = leader or liaison
            row.update(division_opinion="同意合议庭意见，督促承办法官在审限内审结。",
                       vice_president_opinion="同意，依法审理，做好释法说理工作。",
                       division_signed_by_id=signer.id if signer else None,
                       vice_president_signed_by_id=signer.id if signer else None)
            row["division_signed_at"] = row["vice_president_signed_at"] = item_demo._at(min(day, today), 16, rng)
        day += timedelta(days=max(1, days // 3))
        row["reply"] = item_demo.REPLIES[kind]
        step("draft", day, handler or liaison, "已起草答复", S.REPLY_DRAFTED)
    if rank >= S.REPLY_HEARD.rank and spec.deputy_ids:
        day += timedelta(days=1)
        row["reply_heard_note"] = "电话听取代表委员意见，无不同意见。"
        row["reply_heard_at"] = step("hear", day, liaison, row["reply_heard_note"], S.REPLY_HEARD)
    if rank >= S.ANSWERED.rank:
        day += timedelta(days=1)
        row["answered_at"] = step("answer", day, liaison, "", S.ANSWERED)
        row["answered_on"] = clock.local_date(row["answered_at"])
    if rank >= S.RATED.rank and spec.deputy_ids:
        day += timedelta(days=rng.randint(1, 4))
        rating = Rating.SATISFIED if rng.random() < 0.85 else Rating.BASICALLY
        row["rating"] = rating
        row["rated_at"] = step("rate", day, liaison, f"{rating.label}（据代表委员书面评价录入）", S.RATED)
    if final == S.CLOSED:
        day += timedelta(days=1)
        row["closed_at"] = step("close", day, liaison, "", S.CLOSED)
    due = row["deadline"] or row["proposal_due"]
    if final in (S.IN_PROGRESS, S.ASSIGNED, S.INSTRUCTED, S.REGISTERED) and due and due < today:
        row["escalated_at"] = step("escalate", due + timedelta(days=1), None,
                                   f"已超过期限 {due.isoformat()}，已报责任领导{leader.display_name if leader else ''}",
                                   None)
    row["created_at"] = history[0]["at"]
    row["updated_at"] = history[-1]["at"]
    return row, history


# --- duty reports ----------------------------------------------------------------------------------------------

def _seed_duty_reports(ctx: DemoContext, shape: Plan) -> None:
    """Duty reports of the congress deputies, one per person and year from their term's first year, as the duty
    area's demo words and dates them: earlier years filed, this year's in every state."""
    ctx.add("述职报告", 0)
    rng = ctx.rng("province:duty")
    year = clock.today().year
    npc = [d for d in ctx.deputies if d.kind == DeputyKind.NPC]
    units = {}
    for start in range(0, len(npc), 5000):
        units |= dict(db.session.execute(select(Deputy.id, Deputy.work_unit).where(
            Deputy.id.in_([d.id for d in npc[start:start + 5000]]))).all())
    accounts = {deputy_id: user_id for deputy_id, user_id in db.session.execute(
        select(User.deputy_id, User.id).where(User.deputy_id.is_not(None)))}
    liaisons = {court_id: users[0].id for court_id, users in ctx.liaisons.items() if users}
    slots = [(d, y) for d in npc for y in range(duty_demo.TERM_START[d.level], year + 1)
             if d.active or y < year - 1]
    chosen = sorted(rng.sample(slots, min(shape.duty_reports, len(slots))), key=lambda s: (s[1], s[0].id))
    reports, versions, events = [], [], []
    for deputy, report_year in chosen:
        person = SimpleNamespace(level=deputy.level, work_unit=units[deputy.id])
        author, reviewer = accounts.get(deputy.id), liaisons.get(deputy.court_id)
        if report_year < year:
            state = ReportState.FILED
        else:
            states, weights = zip(*duty_demo.STATES)
            state = rng.choices(states, weights=weights)[0]
        content = duty_demo._report_text(rng, person, report_year)
        if state == ReportState.DRAFT and rng.random() < 0.5:
            content["deeds"] = ""
        written = date(report_year, 11, 1) if report_year < year else min(clock.today(), date(year, 10, 1)) - \
            timedelta(days=rng.randrange(60))
        saved = datetime.combine(written, time(rng.randint(1, 9), rng.randint(0, 59)), tzinfo=timezone.utc)
        row = {"court_id": deputy.court_id, "deputy_id": deputy.id, "year": report_year, "state": state,
               "kind": ReportKind.IN_PERSON if report_year > duty_demo.TERM_START[deputy.level] and rng.random() < 0.25
               else ReportKind.WRITTEN, **content, "review_comment": "", "submitted_at": None, "reviewed_at": None,
               "reviewed_by_id": None, "filed_at": None, "created_at": saved, "updated_at": saved}
        own_versions = [{"number": 1, "action": VersionAction.SAVE, "content": dict(content), "saved_by_id": author,
                         "saved_at": saved}]
        own_events = []
        if state != ReportState.DRAFT:
            submitted = saved + timedelta(days=rng.randint(1, 10))
            row["submitted_at"] = row["updated_at"] = submitted
            own_versions.append({"number": 2, "action": VersionAction.SUBMIT, "content": dict(content),
                                 "saved_by_id": author, "saved_at": submitted})
            own_events.append({"at": submitted, "user_id": author, "from_state": ReportState.DRAFT,
                               "to_state": ReportState.SUBMITTED, "comment": ""})
            reviewed = submitted + timedelta(days=rng.randint(1, 7))
            previous = ReportState.SUBMITTED
            for to in {ReportState.RETURNED: [ReportState.RETURNED], ReportState.ACCEPTED: [ReportState.ACCEPTED],
                       ReportState.FILED: [ReportState.ACCEPTED, ReportState.FILED]}.get(state, []):
                comment = rng.choice(duty_demo.RETURN_COMMENTS) if to == ReportState.RETURNED else ""
                own_events.append({"at": reviewed, "user_id": reviewer, "from_state": previous, "to_state": to,
                                   "comment": comment})
                row.update(review_comment=comment or row["review_comment"], reviewed_at=reviewed,
                           reviewed_by_id=reviewer, updated_at=reviewed)
                if to == ReportState.FILED:
                    row["filed_at"] = reviewed
                previous = to
        reports.append(row)
        versions.append(own_versions)
        events.append(own_events)
    ids = insert_rows(DutyReport, reports, returning=True)
    insert_rows(DutyReportVersion, [dict(v, report_id=r) for r, vs in zip(ids, versions) for v in vs])
    insert_rows(DutyReportEvent, [dict(e, report_id=r) for r, es in zip(ids, events) for e in es])
    ctx.add("述职报告", len(ids))
