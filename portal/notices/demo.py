"""Demo notices: a year of batch notices already sent (greetings, briefings) and two years of 《法院工作信息》
(``demo_newsletters``). The hearings' demo leaves the reminders of the upcoming hearings queued."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from portal import clock
from portal.demo import DemoContext
from portal.extensions import db
from portal.notices import demo_newsletters
from portal.notices.models import Batch, Channel, Message, MessageState
from portal.register.models import Deputy

# (month, day, subject, text, greeting)
BATCHES = (
    (1, 1, "元旦问候", "{称呼}：新年伊始，{court}全体干警向您致以诚挚的问候，感谢您对法院工作的关心和支持！", True),
    (2, 5, "春节问候", "{称呼}：值此新春佳节，{court}祝您和家人新春快乐、阖家幸福！", True),
    (4, 20, "通报会通知", "{称呼}：{court}定于4月28日上午9时在联络之家召开一季度工作通报会，敬请拨冗出席。", False),
    (7, 15, "视察活动通知", "{称呼}：{court}定于7月下旬邀请代表委员视察基层人民法庭，具体安排另行通知。", False),
    (9, 25, "中秋国庆问候", "{称呼}：中秋国庆佳节将至，{court}祝您节日快乐！", True),
)


def seed(ctx: DemoContext) -> None:
    for label in ("群发消息", "已发短信"):
        ctx.add(label, 0)
    court = ctx.intermediate
    today = clock.today()
    active = [d for d in ctx.deputies if d.active]
    mobiles = dict(db.session.execute(select(Deputy.id, Deputy.mobile).where(Deputy.id.in_([d.id for d in active]))).all())
    for month, day, subject, text, greeting in BATCHES:
        sent_on = today.replace(month=month, day=day)
        if sent_on > today:
            sent_on = sent_on.replace(year=today.year - 1)
        at = clock.from_local(datetime.combine(sent_on, time(9, 30)))
        batch = Batch(court_id=court.id, subject=subject, body=text, greeting=greeting, filters={"status": "active"},
                      recipients=len(active), created_at=at, updated_at=at)
        db.session.add(batch)
        db.session.flush()
        rows = [{"court_id": court.id, "channel": Channel.SMS, "deputy_id": d.id, "address": mobiles[d.id],
                 "subject": subject,
                 "body": text.replace("{court}", court.name).replace("{称呼}", d.name[:1] + (
                     "委员" if d.kind.value == "cppcc" else "代表")),
                 "about_type": "batch", "about_id": batch.id, "state": MessageState.SENT, "tries": 1,
                 "next_try_at": at, "sent_at": at + timedelta(minutes=2), "answer": "0 accepted",
                 "created_at": at, "updated_at": at, "link": "", "read_at": None}
                for d in active]
        db.session.execute(Message.__table__.insert(), rows)
        ctx.add("群发消息")
        ctx.add("已发短信", len(rows))
    demo_newsletters.seed(ctx)
