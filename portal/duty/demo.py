"""Demo data of the duty area: the terms of the demo congresses, this year's and last year's reports in every state,
and duty-report sessions for each deputy group with the voters' evaluation and rectification items.

Everything scales with the register: each group has 20%–30% of its deputies report in person a year (a few groups
fall outside, so the planner has something to warn about), in sessions of up to six reporters.
"""
from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from portal import clock
from portal.auth.models import User
from portal.demo import BATCH, DemoContext
from portal.duty.models import (
    DutyRectification,
    DutyReport,
    DutyReportEvent,
    DutyReportVersion,
    DutySession,
    DutySessionDeputy,
    DutyTerm,
    RectificationStatus,
    ReportKind,
    ReportState,
    SessionState,
    VersionAction,
)
from portal.duty.services import suggested_range
from portal.extensions import db
from portal.register.models import Deputy, DeputyKind, DeputyLevel, DeputyStatus, Mandate

# When the demo congresses were elected: county and township congresses in 2021, the city's in 2022, the national
# and provincial ones in 2023. A term runs five years.
TERM_START = {DeputyLevel.TOWNSHIP: 2021, DeputyLevel.COUNTY: 2021, DeputyLevel.CITY: 2022,
              DeputyLevel.PROVINCIAL: 2023, DeputyLevel.NATIONAL: 2023}
TERM_YEARS = 5
PER_SESSION = 6

TOPICS = ("基层矛盾纠纷化解", "农村人居环境整治", "义务教育均衡发展", "食品安全", "营商环境", "养老服务", "河道治理",
          "道路交通安全", "涉企执行案件", "农民工工资支付")
DEEDS = ("村道硬化", "饮水工程改造", "农贸市场搬迁", "学校周边交通整治", "困难群众临时救助", "老旧小区加装电梯",
         "农田灌溉水渠修缮", "路灯安装", "村卫生室设备更新", "留守儿童关爱")
COMMENTS = ("履职认真，联系选民经常，反映的问题有着落。", "希望今后多到选区走一走，多听听群众的意见。",
            "对农村道路建设关心多，建议继续跟踪落实。", "述职内容实在，建议在为选民办实事方面再加力度。",
            "建议加强对涉及群众切身利益案件的监督。", "联系选民次数偏少，希望改进。")
RECTIFICATIONS = ("每季度至少到选区接待选民一次", "跟踪督办选民反映的道路维修问题", "就群众关心的养老服务问题开展专题调研",
                  "建立联系选民台账，定期向代表组通报", "对选民反映的执行难问题提出建议并跟踪答复")
RETURN_COMMENTS = ("请补充联系选民的次数和具体事例。", "第五部分过于简略，请写明为选民办了哪些实事。",
                   "请补充闭会期间参加视察、调研的情况。")


def seed(ctx: DemoContext) -> None:
    for label in ("届期", "述职报告", "述职会"):
        ctx.counts.setdefault(label, 0)
    rng = ctx.rng("duty")
    year = clock.today().year
    _seed_terms(ctx)
    people = _register_entries(ctx)
    accounts = {deputy_id: user_id for deputy_id, user_id in db.session.execute(
        select(User.deputy_id, User.id).where(User.deputy_id.in_([p.id for p in people])))} if people else {}
    liaisons = {court_id: users[0].id for court_id, users in ctx.liaisons.items() if users}
    courts = {d.id: d.court_id for d in ctx.deputies}  # each deputy's nearest court keeps their records

    in_person: dict[int, set[int]] = {year: set(), year - 1: set()}
    groups: dict[tuple, list[Deputy]] = defaultdict(list)
    for person in people:
        if person.kind == DeputyKind.NPC and person.group_name and person.status == DeputyStatus.ACTIVE:
            groups[(person.level, person.term, person.group_name)].append(person)
    for n, ((level, term, name), members) in enumerate(sorted(groups.items(), key=lambda g: (g[0][0].rank, g[0][1:]))):
        start = TERM_START[level]
        earlier: set[int] = set()
        for session_year in (year - 1, year):
            if session_year - start + 1 < 2:
                continue  # the first year of a term asks for no in-person reports
            low, high = suggested_range(len(members))
            count = rng.randint(low, high)
            if rng.random() < 0.12:  # a few groups off the 20%–30% rule, for the planner to warn about
                count = max(0, low - 1) if rng.random() < 0.6 else high + 1
            pool = [m for m in members if m.id not in earlier] or members
            chosen = rng.sample(pool, min(count, len(pool)))
            earlier |= {m.id for m in chosen}
            in_person[session_year] |= {m.id for m in chosen}
            sessions = max(1, math.ceil(len(chosen) / PER_SESSION)) if chosen else 0
            for k in range(sessions):
                reporters = chosen[k::sessions]
                _seed_session(ctx, rng, session_year, (level, term, name), reporters, courts, liaisons)
        if n % 50 == 0:
            db.session.flush()
    db.session.flush()

    batch = 0
    for person in people:
        if person.status != DeputyStatus.ACTIVE or person.kind != DeputyKind.NPC or not person.group_name:
            continue
        for report_year, chance in ((year, 0.6), (year - 1, 0.45)):
            has_account = person.id in accounts and report_year == year
            if not has_account and rng.random() >= chance:
                continue
            _seed_report(ctx, rng, person, report_year, in_person=person.id in in_person[report_year],
                         author_id=accounts.get(person.id), court_id=courts[person.id],
                         reviewer_id=liaisons.get(courts[person.id]), has_account=has_account)
            batch += 1
            if batch % BATCH == 0:
                db.session.flush()
    db.session.flush()


def _seed_terms(ctx: DemoContext) -> None:
    existing = {(t.level, t.name) for t in db.session.scalars(select(DutyTerm))}
    pairs = db.session.execute(select(Mandate.level, Mandate.term).where(Mandate.kind == DeputyKind.NPC).distinct())
    for level, name in sorted(pairs, key=lambda p: (p[0].rank, p[1])):
        if (level, name) in existing or not name:
            continue
        start = TERM_START[level]
        db.session.add(DutyTerm(level=level, name=name, start_year=start, end_year=start + TERM_YEARS))
        existing.add((level, name))
        ctx.add("届期")
    db.session.flush()


def _register_entries(ctx: DemoContext) -> list[Deputy]:
    """This run's register entries, loaded in slices."""
    ids = [d.id for d in ctx.deputies]
    people = []
    for start in range(0, len(ids), 500):
        people += db.session.scalars(select(Deputy).where(Deputy.id.in_(ids[start:start + 500])).order_by(Deputy.id))
    return people


def _instant(day: date, rng) -> datetime:
    return datetime.combine(day, time(rng.randint(1, 9), rng.randint(0, 59)), tzinfo=timezone.utc)


def _seed_session(ctx: DemoContext, rng, year: int, key: tuple[DeputyLevel, str, str], reporters: list[Deputy],
                  courts: dict[int, int], liaisons: dict[int, int]) -> None:
    level, term, group = key
    today = clock.today()
    day = date(year, 3, 1) + timedelta(days=rng.randrange(290))
    if year == today.year and rng.random() < 0.2:
        day = min(today + timedelta(days=rng.randint(5, 30)), date(year, 12, 28))  # one still to come
    court_id = courts[reporters[0].id]
    town = group.removesuffix("代表组").removesuffix("代表团")
    state = SessionState.PLANNED if day > today else (SessionState.HELD if (today - day).days < 45
                                                      else SessionState.CLOSED)
    session = DutySession(court_id=court_id, year=day.year, level=level, term=term, group_name=group, held_on=day,
                          place=f"{town}人大代表联络站", organiser=f"{town}人大代表工作委员会", state=state,
                          voters_present=0 if state == SessionState.PLANNED else rng.randint(30, 90),
                          created_by_id=liaisons.get(court_id))
    for person in reporters:
        reporter = DutySessionDeputy(deputy_id=person.id)
        if state != SessionState.PLANNED:
            votes = session.voters_present - rng.randint(0, 5)
            reporter.unsatisfied = rng.choice((0, 0, 0, 1, 2, 3))
            reporter.basically = rng.randint(0, max(0, votes // 5))
            reporter.satisfied = max(0, votes - reporter.basically - reporter.unsatisfied)
            reporter.comments = rng.choice(COMMENTS)
            reporter.evaluated_at = _instant(day, rng)
            reporter.evaluated_by_id = liaisons.get(court_id)
            for _ in range(rng.choice((0, 1, 1, 2))):
                item = DutyRectification(content=rng.choice(RECTIFICATIONS), owner=person.name,
                                         deadline=day + timedelta(days=rng.choice((60, 90, 120))))
                if state == SessionState.CLOSED or rng.random() < 0.4:
                    item.status = RectificationStatus.DONE if rng.random() < 0.85 else RectificationStatus.NOT_DONE
                    item.outcome = "已按期整改，向代表组作了通报。" if item.status == RectificationStatus.DONE \
                        else "因工作调动未能落实，已向选民说明。"
                    item.outcome_at = _instant(min(today, day + timedelta(days=50)), rng)
                reporter.rectifications.append(item)
        session.reporters.append(reporter)
    db.session.add(session)
    ctx.add("述职会")


def _report_text(rng, person: Deputy, year: int) -> dict[str, str]:
    congress = "全国" if person.level == DeputyLevel.NATIONAL else person.level.label.removesuffix("级")
    return {
        "congress": f"{year}年出席{congress}人民代表大会会议，认真审议政府工作报告和法院、检察院工作报告，"
                    f"依法参加选举和表决，领衔提出建议{rng.randint(1, 4)}件，附议{rng.randint(0, 6)}件。",
        "between_sessions": f"闭会期间参加人大常委会组织的视察{rng.randint(1, 4)}次、专题调研{rng.randint(1, 3)}次、"
                            f"执法检查{rng.randint(0, 2)}次，重点关注{rng.choice(TOPICS)}和{rng.choice(TOPICS)}。",
        "voters": f"全年进选区联系选民{rng.randint(2, 8)}次，开展问难、问需、问计活动，走访困难群众"
                  f"{rng.randint(3, 20)}户，收集意见建议{rng.randint(5, 30)}条，已督促有关部门解决"
                  f"{rng.randint(2, 10)}条。\n代表信箱每周开启，来信均及时转交办理并向选民反馈。",
        "law": f"在{person.work_unit}带头学法守法，组织开展宪法和法律宣传{rng.randint(1, 5)}次，"
               f"协助调解矛盾纠纷{rng.randint(0, 8)}起。",
        "deeds": f"协调推动{rng.choice(DEEDS)}、{rng.choice(DEEDS)}等{rng.randint(1, 4)}件民生实事落地。",
    }


# (state, weight): this year's reports are in every state; last year's were all filed.
STATES = ((ReportState.DRAFT, 20), (ReportState.SUBMITTED, 30), (ReportState.RETURNED, 10),
          (ReportState.ACCEPTED, 15), (ReportState.FILED, 25))


def _seed_report(ctx: DemoContext, rng, person: Deputy, year: int, *, in_person: bool, author_id: int | None,
                 court_id: int, reviewer_id: int | None, has_account: bool) -> None:
    today = clock.today()
    if year < today.year:
        state = ReportState.FILED
    else:
        states, weights = zip(*STATES)
        state = rng.choices(states, weights=weights)[0]
        if has_account and state not in (ReportState.DRAFT, ReportState.RETURNED):
            state = rng.choice((ReportState.DRAFT, ReportState.RETURNED, state))  # something for the demo deputy
    reviewer = reviewer_id
    content = _report_text(rng, person, year)
    if state == ReportState.DRAFT and rng.random() < 0.5:
        content["deeds"] = ""  # still being written
    report = DutyReport(court_id=court_id, deputy_id=person.id, year=year, state=state, **content,
                        kind=ReportKind.IN_PERSON if in_person else ReportKind.WRITTEN)
    written = date(year, 11, 1) if year < today.year else min(today, date(year, 10, 1)) - timedelta(
        days=rng.randrange(60))
    report.versions.append(DutyReportVersion(number=1, action=VersionAction.SAVE, content=dict(content),
                                             saved_by_id=author_id, saved_at=_instant(written, rng)))
    if state != ReportState.DRAFT:
        submitted = _instant(written + timedelta(days=rng.randint(1, 10)), rng)
        report.submitted_at = submitted
        report.versions.append(DutyReportVersion(number=2, action=VersionAction.SUBMIT, content=dict(content),
                                                 saved_by_id=author_id, saved_at=submitted))
        report.events.append(DutyReportEvent(at=submitted, user_id=author_id, from_state=ReportState.DRAFT,
                                             to_state=ReportState.SUBMITTED))
        reviewed = submitted + timedelta(days=rng.randint(1, 7))
        steps = {ReportState.RETURNED: [ReportState.RETURNED], ReportState.ACCEPTED: [ReportState.ACCEPTED],
                 ReportState.FILED: [ReportState.ACCEPTED, ReportState.FILED]}.get(state, [])
        previous = ReportState.SUBMITTED
        for step in steps:
            comment = rng.choice(RETURN_COMMENTS) if step == ReportState.RETURNED else ""
            report.events.append(DutyReportEvent(at=reviewed, user_id=reviewer, from_state=previous, to_state=step,
                                                 comment=comment))
            report.review_comment = comment or report.review_comment
            report.reviewed_at, report.reviewed_by_id = reviewed, reviewer
            if step == ReportState.FILED:
                report.filed_at = reviewed
            previous = step
    report.created_at = report.versions[0].saved_at
    report.updated_at = max([v.saved_at for v in report.versions] + [e.at for e in report.events])
    db.session.add(report)
    ctx.add("述职报告")
