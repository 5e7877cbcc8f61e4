"""《法院工作信息》: issues numbered per court and year (第N期), sent to every active deputy, corrected or deleted
by the liaison office, and the deputies' comments on them, which the liaison office may turn into tracked items
(督办件)."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal import clock
from portal.access import current_user_id
from portal.attachments import check_files, files_of, remove_file, save_files
from portal.auth.models import Court
from portal.errors import NotFound, ServiceError
from portal.extensions import db
from portal.items.models import Item, ItemKind, ItemOrigin
from portal.items.services import create_item, deputy_kinds
from portal.notices.models import Channel, Message, MessageState, Newsletter, NewsletterComment
from portal.notices.services import link_to, tell_deputies
from portal.pagination import Page, paginate
from portal.register.services import RegisterFilters, filtered_query
from portal.trash import services as trash

OWNER_TYPE = "newsletter"  # the file (PDF or Word) in portal.attachments
NUMBER_TRIES = 5  # SQLite: a save that read the last number before another committed takes the next one


@dataclass
class NewsletterDraft:
    title: str
    published_on: date
    summary: str
    notify: bool


def _next_number(court_id: int, year: int) -> int:
    """The number after the court's last of the year (a deleted last issue's number is given again)."""
    taken = db.session.scalar(select(func.max(Newsletter.number)).where(Newsletter.court_id == court_id,
                                                                        Newsletter.year == year))
    return (taken or 0) + 1


def _check(draft: NewsletterDraft, files, *, errors: dict, file_required: bool) -> None:
    if draft.published_on > clock.today():
        errors["published_on"] = "印发日期不能晚于今天（请在印发后登记）。"
    problems = check_files(files)
    if problems:
        errors["file"] = "；".join(problems)
    elif not any(f and f.filename for f in files):
        if file_required:
            errors["file"] = "请选择本期的 PDF 或 Word 文件。"
    elif not all(f.filename.lower().endswith((".pdf", ".docx")) for f in files if f and f.filename):
        errors["file"] = "请上传 PDF 或 Word（.docx）文件。"
    if errors:
        raise ServiceError("表单有误，请检查标出的项目。", errors)


def create_newsletter(draft: NewsletterDraft, files, court_id: int) -> Newsletter:
    """Record an issue as the court's next 第N期 of its year, with its file; tell every active deputy when asked.

    Issues saved at once are numbered one after the other: on PostgreSQL the court's row is locked (``FOR NO KEY
    UPDATE``, which does not hold up rows that only refer to the court) before the last number is read, until the
    transaction ends; SQLite has one writer at a time, but reads the last number before it waits to write, so the
    unique constraint (court, year, number) may refuse a save, whose savepoint rolls back and which, the writer
    now, takes the next number.
    """
    _check(draft, files, errors={}, file_required=True)
    year = draft.published_on.year
    db.session.execute(select(Court.id).where(Court.id == court_id).with_for_update(key_share=True))
    for attempt in range(NUMBER_TRIES):
        newsletter = Newsletter(court_id=court_id, year=year, number=_next_number(court_id, year),
                                title=draft.title.strip(), published_on=draft.published_on,
                                summary=draft.summary.strip(), created_by_id=current_user_id())
        try:
            with db.session.begin_nested():
                db.session.add(newsletter)
                db.session.flush()
        except IntegrityError:
            if attempt == NUMBER_TRIES - 1:
                raise ServiceError("同时登记的期数过多，请稍后重试。", status=409) from None
            continue
        break
    save_files(files, OWNER_TYPE, newsletter.id)
    if draft.notify:
        deputies = list(db.session.scalars(filtered_query(RegisterFilters())))
        text = f"法院印发《法院工作信息》{newsletter.issue_label}：{newsletter.title}，请登录平台阅读并提出意见。"
        tell_deputies(deputies, "法院工作信息", lambda _: text, court_id=court_id, about=newsletter,
                      link=link_to("notices.read_newsletter", newsletter_id=newsletter.id), greeting=False)
    return newsletter


def update_newsletter(newsletter: Newsletter, draft: NewsletterDraft, files) -> None:
    """Correct an issue's title, date or summary (its file: ``replace_file``, once the save went through).

    The number stays: it is printed on the issue. So does the year it belongs to; an issue registered under the
    wrong year is deleted and registered again, where it takes the next number of the right year.
    """
    errors = {}
    if draft.published_on.year != newsletter.year:
        errors["published_on"] = (f"本期是{newsletter.year}年的第{newsletter.number}期，印发日期应在{newsletter.year}年内；"
                                  "如登记错了年度，请删除本期后重新登记。")
    _check(draft, files, errors=errors, file_required=False)
    newsletter.title, newsletter.published_on = draft.title.strip(), draft.published_on
    newsletter.summary = draft.summary.strip()


def replace_file(newsletter: Newsletter, files) -> bool:
    """A newly chosen file takes the place of the issue's file; nothing chosen keeps it. Whether it was replaced."""
    if not any(f and f.filename for f in files):
        return False
    for attachment in files_of(OWNER_TYPE, [newsletter.id])[newsletter.id]:
        remove_file(attachment)
    save_files(files, OWNER_TYPE, newsletter.id)
    return True


def delete_newsletter(newsletter: Newsletter) -> None:
    """Delete an issue registered by mistake (twice, or the wrong file under the wrong year), with its file.

    Not once a deputy commented on it: the comments are what deputies said to the court, some of them tracked
    items; the liaison office answers for them, and deleting the issue would throw them away. Such an issue is
    corrected instead (title, date, summary, file). The other issues keep their numbers (printed on them); the
    last issue's number, deleted, goes to the next one registered.

    The issue goes to the recycle bin with its file (portal.trash). The notices about it that have not gone out
    (queued, failed, given up) are withdrawn with it, and not restored with it, as are the in-portal ones, which
    would lead to a missing page; the SMS and emails sent stay in the outbox, the record of what deputies were
    told. One being sent at this moment is left to the worker.
    """
    count = len(newsletter.comments)
    if count:
        raise ServiceError(f"{newsletter.issue_label}已有 {count} 条代表委员意见，不能删除；"
                           "如有错误，请修改本期的标题、日期、摘要或文件。", status=409)
    unsent = select(Message).where(Message.about_type == Newsletter.__tablename__, Message.about_id == newsletter.id,
                                   (Message.channel == Channel.PORTAL) | Message.state.in_(
                                       [MessageState.QUEUED, MessageState.FAILED, MessageState.DEAD]))
    for message in db.session.scalars(unsent):
        db.session.delete(message)
    trash.discard(newsletter, kind="newsletter", label=f"{newsletter.issue_label}：{newsletter.title}",
                  court_id=newsletter.court_id, children=files_of(OWNER_TYPE, [newsletter.id])[newsletter.id])


def _newsletter_page(newsletter_id: int) -> tuple[str, dict]:
    return "notices.newsletter_detail", {"newsletter_id": newsletter_id}


# Restored, an issue keeps its number: when a new issue took it meanwhile, the bin refuses (uq_newsletter_number).
# The notices withdrawn with it are not sent again.
trash.register("newsletter", "法院工作信息", link=lambda values: _newsletter_page(values["id"]))
trash.owner_page(OWNER_TYPE, _newsletter_page)


def list_newsletters(court_ids: list[int], published_from: date | None = None, published_to: date | None = None, *,
                     cursor: str | None, per_page: int, total: int | None, number: int) -> Page:
    """The issues of the courts, published between the two days when given, the latest first."""
    query = select(Newsletter).where(Newsletter.court_id.in_(court_ids))
    if published_from:
        query = query.where(Newsletter.published_on >= published_from)
    if published_to:
        query = query.where(Newsletter.published_on <= published_to)
    return paginate(query, [Newsletter.published_on, Newsletter.id], cursor=cursor, per_page=per_page,
                    descending=True, total=total, number=number)


def year_count(court_ids: list[int], year: int) -> int:
    """本年共 N 期: the issues of the courts' year."""
    return db.session.scalar(select(func.count()).select_from(Newsletter).where(
        Newsletter.court_id.in_(court_ids), Newsletter.year == year)) or 0


def comment_counts(newsletter_ids: list[int]) -> dict[int, int]:
    """The number of comments of each issue on a page, in one query."""
    rows = db.session.execute(select(NewsletterComment.newsletter_id, func.count()).where(
        NewsletterComment.newsletter_id.in_(newsletter_ids)).group_by(NewsletterComment.newsletter_id))
    return dict(rows.all())


def get_newsletter(newsletter_id: int, court_ids: list[int] | None = None) -> Newsletter:
    """The issue; with ``court_ids`` (staff), only one of those courts'. Deputies read every issue (all are sent
    to them)."""
    newsletter = db.session.get(Newsletter, newsletter_id)
    if newsletter is None or (court_ids is not None and newsletter.court_id not in court_ids):
        raise NotFound()
    return newsletter


def file_of(newsletter: Newsletter):
    """The issue's file (the first, if several were uploaded), or None."""
    files = files_of(OWNER_TYPE, [newsletter.id])[newsletter.id]
    return files[0] if files else None


def add_comment(newsletter: Newsletter, deputy_id: int | None, text: str) -> NewsletterComment:
    if deputy_id is None:
        raise NotFound("您的账户尚未关联代表委员名册。")
    comment = NewsletterComment(newsletter=newsletter, deputy_id=deputy_id, text=text.strip())
    db.session.add(comment)
    db.session.flush()
    return comment


def comments_of_deputy(newsletter: Newsletter, deputy_id: int | None) -> list[NewsletterComment]:
    return [c for c in newsletter.comments if c.deputy_id == deputy_id]


def comment_to_item(newsletter: Newsletter, comment_id: int) -> Item:
    """Register the comment as a tracked item: a congress deputy's a 建议, a CPPCC member's a 提案. Once only."""
    comment = db.session.get(NewsletterComment, comment_id)
    if comment is None or comment.newsletter_id != newsletter.id:
        raise NotFound()
    if comment.item_id is not None:
        raise ServiceError(f"该意见已转为督办件（{comment.item.number}），不能重复转办。", status=409)
    kinds = deputy_kinds(comment.deputy)
    kind = next((k for k in kinds if k in (ItemKind.SUGGESTION, ItemKind.PROPOSAL)), ItemKind.SUGGESTION)
    item = create_item(court_id=newsletter.court_id, kind=kind, title=f"对《法院工作信息》第{newsletter.number}期的意见",
                       content=comment.text, deputies=[comment.deputy], origin=ItemOrigin.PORTAL)
    comment.item = item
    db.session.flush()
    return item


def latest_for_deputy(limit: int = 5) -> list[Newsletter]:
    """The latest issues, for the deputy's workspace."""
    return list(db.session.scalars(select(Newsletter).order_by(Newsletter.published_on.desc(), Newsletter.id.desc())
                                   .limit(limit)))
