"""Demo 《法院工作信息》: the intermediate court's issues of last year and of this year up to today, each with
its Word file, a few deputies' comments on this year's, one of them turned into a tracked item (督办件); the
deputies were told of the latest issue by SMS.

A court-year that already has issues (a second ``seed-demo``) gets none: its numbers run 1..N once.
"""
from __future__ import annotations

import io
import random
import zipfile
from datetime import date, datetime, time, timedelta
from xml.sax.saxutils import escape

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal import clock
from portal.attachments import AREA, Attachment
from portal.demo import DemoContext
from portal.documents.gbt9704 import OfficialDocument, format_date
from portal.extensions import db
from portal.notices.models import Channel, Message, MessageState, Newsletter, NewsletterComment
from portal.uploads import store

TITLES = (
    "全市法院第一季度审判执行工作情况", "市中院召开人大代表、政协委员座谈会", "全市法院开展“执行攻坚”专项行动",
    "我院发布涉企合同纠纷十大典型案例", "市中院扎实推进诉源治理工作", "我院开展“法院开放日”活动",
    "全市法院上半年审判执行工作情况", "邀请代表委员旁听庭审活动综述", "市中院集中审结一批涉民生案件",
    "全市法院推进一站式多元解纷工作", "我院发布金融审判白皮书", "全市法院环境资源审判工作情况",
    "全市法院前三季度审判执行工作情况", "代表建议、委员提案办理情况通报", "市中院开展人民陪审员集中培训",
    "全市法院开展长期未结案件专项清理", "全市法院全年审判执行工作综述",
)
SUMMARY = ("本期刊发{title}。{court}坚持以人民为中心，主动接受人大监督和政协民主监督，"
           "认真听取代表委员的意见建议，推动审判执行工作提质增效。")
COMMENTS = (
    "建议在下一期增加执行案件到位金额和执行周期的数据，便于代表了解执行难的解决情况。",
    "涉企案件典型案例很有指导意义，建议通过企业座谈会等形式向辖区企业宣讲。",
    "诉源治理工作成效明显，建议进一步加强与乡镇（街道）综治中心的衔接，把矛盾化解在基层。",
    "希望法院开放日活动常态化开展，并邀请更多基层群众和中小学生参加。",
    "建议对群众反映强烈的物业纠纷、民间借贷案件开展专题调研，形成司法建议。",
    "旁听庭审活动组织规范，建议庭审结束后安排法官就案件涉及的法律问题作简要讲解。",
)


def seed(ctx: DemoContext) -> None:
    ctx.add("法院工作信息", 0)
    ctx.add("法院工作信息意见", 0)
    rng = ctx.rng("newsletters")
    court = ctx.intermediate
    today = clock.today()
    file = _file_template(court.name)
    seeded = {}
    for year in (today.year - 1, today.year):
        if not db.session.scalar(select(Newsletter.id).where(Newsletter.court_id == court.id,
                                                             Newsletter.year == year).limit(1)):
            seeded[year] = _year(ctx, rng, court, year, today, file)
    # Deputies comment on this year's issues; in the first weeks of January, on last year's.
    recent = next((issues for year, issues in sorted(seeded.items(), reverse=True) if len(issues) >= 2), None)
    if recent:
        _comments(ctx, rng, recent)
        _told(ctx, court, recent[-1])


def _days(rng: random.Random, year: int, today: date) -> list[date]:
    """About one issue every three weeks, not after today."""
    day, days = date(year, 1, 8) + timedelta(days=rng.randrange(7)), []
    while day.year == year and day <= today and len(days) < len(TITLES):
        days.append(day)
        day += timedelta(days=rng.randrange(18, 27))
    return days


def _year(ctx: DemoContext, rng: random.Random, court, year: int, today: date, file) -> list[Newsletter]:
    issues = []
    titles = list(TITLES)
    for number, day in enumerate(_days(rng, year, today), start=1):
        title = titles.pop(rng.randrange(len(titles)))
        at = min(clock.from_local(datetime.combine(day, time(16))), clock.now())
        newsletter = Newsletter(court_id=court.id, year=year, number=number, title=title, published_on=day,
                                summary=SUMMARY.format(title=title, court=court.name), created_at=at, updated_at=at)
        db.session.add(newsletter)
        db.session.flush()
        content = file(newsletter)
        stored = store(FileStorage(io.BytesIO(content), filename="issue.docx"), AREA)
        db.session.add(Attachment(owner_type="newsletter", owner_id=newsletter.id, stored_name=stored,
                                  original_name=f"法院工作信息{newsletter.issue_label}.docx", size=len(content),
                                  content_type="application/vnd.openxmlformats-officedocument.wordprocessingml"
                                               ".document", uploaded_at=at))
        issues.append(newsletter)
        ctx.add("法院工作信息")
    return issues


def _comments(ctx: DemoContext, rng: random.Random, issues: list[Newsletter]) -> None:
    """Comments on a few of the year's issues (not the very latest, just out); the first becomes an item."""
    from portal.notices.newsletters import comment_to_item

    active = [d for d in ctx.deputies if d.active]
    if not active:
        return
    texts, tracked = list(COMMENTS), False
    commented = issues[:-1] if len(issues) > 1 else issues
    for n, newsletter in enumerate(rng.sample(commented, min(4, len(commented)))):
        for _ in range(2 if n == 0 else 1):
            deputy = rng.choice(active)
            at = clock.from_local(datetime.combine(newsletter.published_on + timedelta(days=rng.randrange(1, 6)),
                                                   time(rng.randrange(9, 21), rng.randrange(60))))
            comment = NewsletterComment(newsletter=newsletter, deputy_id=deputy.id,
                                        text=texts.pop(rng.randrange(len(texts))), created_at=min(at, clock.now()))
            db.session.add(comment)
            db.session.flush()
            ctx.add("法院工作信息意见")
            if not tracked:
                comment_to_item(newsletter, comment.id)
                tracked = True


def _told(ctx: DemoContext, court, newsletter: Newsletter) -> None:
    """The SMS the liaison office sent every active deputy when the latest issue came out."""
    from portal.register.models import Deputy

    active = [d.id for d in ctx.deputies if d.active]
    mobiles = dict(db.session.execute(select(Deputy.id, Deputy.mobile).where(Deputy.id.in_(active))).all())
    at = min(clock.from_local(datetime.combine(newsletter.published_on, time(16, 30))), clock.now())
    text = (f"法院印发《法院工作信息》{newsletter.issue_label}：{newsletter.title}，请登录平台阅读并提出意见。")
    rows = [{"court_id": court.id, "channel": Channel.SMS, "deputy_id": deputy_id, "address": mobile,
             "subject": "法院工作信息", "body": text, "about_type": "newsletter", "about_id": newsletter.id,
             "state": MessageState.SENT, "tries": 1, "next_try_at": at, "sent_at": at + timedelta(minutes=3),
             "answer": "0 accepted", "created_at": at, "updated_at": at,
             "link": f"/notices/newsletters/{newsletter.id}/read", "read_at": None}
            for deputy_id, mobile in mobiles.items()]
    if rows:
        db.session.execute(Message.__table__.insert(), rows)
        ctx.add("已发短信", len(rows))


def _file_template(court_name: str):
    """A function giving each issue its Word file: one document is laid out (GB/T 9704), and each issue's
    number, date, title and text are written into a copy of it (laying out each takes a tenth of a second)."""
    document = OfficialDocument()
    document.title("法院工作信息")
    document.doc_number("MARK-NUMBER")
    document.split_line(f"{court_name}办公室", "MARK-DATE")
    document.heading("MARK-TITLE", 1)
    document.paragraph("MARK-SUMMARY")
    template = document.to_bytes()

    def file(newsletter: Newsletter) -> bytes:
        marks = {"MARK-NUMBER": newsletter.issue_label, "MARK-DATE": format_date(newsletter.published_on),
                 "MARK-TITLE": newsletter.title, "MARK-SUMMARY": newsletter.summary}
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(template)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
            for entry in source.infolist():
                data = source.read(entry)
                if entry.filename == "word/document.xml":
                    text = data.decode("utf-8")
                    for mark, value in marks.items():
                        text = text.replace(mark, escape(value))
                    data = text.encode("utf-8")
                copy.writestr(entry, data)
        return out.getvalue()

    return file
