"""Demo voter work: for each active NPC deputy a few voter-contact activities this year (some have fewer than two,
so the flag shows, a third of those with an account) and last year, and a few mailbox letters in every state.

Written with bulk inserts (``insert_rows``): seeded rows have no audit row."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal import clock
from portal.auth.models import Role, User
from portal.demo import DemoContext, _person_name, insert_rows
from portal.extensions import db
from portal.register.models import DeputyKind, Gender
from portal.voters.models import ContactKind, LetterState, VoterContact, VoterLetter

PLACES = ("{group}代表联络站", "社区党群服务中心", "村民委员会会议室", "街道代表之家")
RAISED = {
    ContactKind.ASK_DIFFICULTIES: ("选民反映小区加装电梯协调难，希望推动出台补贴办法。", "反映农民工工资拖欠，希望加快执行。"),
    ContactKind.ASK_NEEDS: ("选民希望在社区设立法律咨询点。", "希望增加老年人助餐服务点。"),
    ContactKind.ASK_ADVICE: ("选民建议加强校园周边交通管理。", "建议推广诉前调解，减少诉累。"),
}
LETTERS = (("反映小区物业服务问题", "已转区住房和城乡建设局办理", "物业公司已整改，来信人表示满意"),
           ("咨询民间借贷纠纷起诉程序", "已电话答复来信人", "已答复"),
           ("反映道路积水", "已转街道办事处办理", ""),
           ("建议增设公交站点", "", ""))


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng("voters")
    for label in ("联系选民活动", "代表信箱来信"):
        ctx.add(label, 0)
    today = clock.today()
    deputies = [d for d in ctx.deputies if d.active and d.kind == DeputyKind.NPC]
    account_courts = dict(db.session.execute(select(User.deputy_id, User.court_id).where(
        User.role == Role.DEPUTY, User.deputy_id.in_([d.id for d in deputies]))).all())
    with_account = 0
    contacts: list[dict] = []
    letters: list[dict] = []
    for n, deputy in enumerate(deputies):
        court_id = account_courts.get(deputy.id, deputy.court_id)
        if deputy.id in account_courts:  # the staff list shows deputies with an account: a third of them short
            with_account += 1
            short = with_account % 3 == 1
        else:
            short = n % 5 == 0
        this_year = rng.randint(0, 1) if short else rng.randint(2, 4)
        for day in _days(rng, today, this_year) + _days(rng, today.replace(year=today.year - 1, month=12, day=31), 2):
            kind = rng.choice(list(ContactKind))
            contacts.append({"deputy_id": deputy.id, "court_id": court_id, "held_on": day, "kind": kind,
                             "place": rng.choice(PLACES).format(group="城区"), "voters": rng.randint(8, 60),
                             "raised": rng.choice(RAISED[kind])})
            ctx.add("联系选民活动")
        for subject, handling, outcome in rng.sample(LETTERS, rng.randint(0, 3)):
            received = today - timedelta(days=rng.randrange(0, 200))
            state = LetterState.CLOSED if outcome else LetterState.HANDLING if handling else LetterState.PENDING
            sender = _person_name(rng, rng.choice((Gender.MALE, Gender.FEMALE))) if rng.random() < 0.7 else ""
            letters.append({"deputy_id": deputy.id, "court_id": court_id, "received_on": received, "sender": sender,
                            "subject": subject, "content": subject + "，请代表帮助反映。", "handling": handling,
                            "outcome": outcome, "state": state, "state_on": min(today, received + timedelta(days=7))})
            ctx.add("代表信箱来信")
    insert_rows(VoterContact, contacts)
    insert_rows(VoterLetter, letters)


def _days(rng, last, n: int) -> list:
    """``n`` days of ``last``'s year, none after ``last``."""
    first = last.replace(month=1, day=1)
    return sorted(first + timedelta(days=rng.randint(0, (last - first).days)) for _ in range(n))
