"""Queueing messages (the outbox), a deputy's channels, the in-portal inbox, and the staff's view of the outbox.

Other areas call ``tell_deputy``, ``tell_deputies`` and ``tell_user`` (from their ``messages`` module: a
domain-event listener inside the transaction of the change, or a scheduled reminder that ``told`` keeps to one per
record); nothing here sends anything: the worker does (``portal.notices.delivery``).
"""
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app, has_request_context, url_for
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from portal import clock
from portal.access import current_user_id
from portal.auth.models import User
from portal.errors import NotFound, ServiceError
from portal.extensions import db
from portal.notices.models import Batch, Channel, Message, MessageState, NoticePreference
from portal.pagination import Page, paginate
from portal.register.models import Deputy, DeputyKind
from portal.register.services import RegisterFilters, filtered_query

# Characters an SMS can carry in the GSM 7-bit alphabet; anything else (Chinese) makes it a UCS-2 message.
_GSM = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
           "¿abcdefghijklmnopqrstuvwxyzäöñüà")


def sms_parts(text: str) -> int:
    """How many messages a gateway bills for ``text``: 70 characters for one containing Chinese (67 a part when
    it is split), 160 in the GSM alphabet (153 a part)."""
    single, part = (160, 153) if set(text) <= _GSM else (70, 67)
    length = len(text)
    return 1 if length <= single else -(-length // part)


def preference(deputy_id: int) -> NoticePreference:
    """The deputy's channels; a deputy who never chose gets SMS only, and greetings."""
    return db.session.get(NoticePreference, deputy_id) or NoticePreference(deputy_id=deputy_id, sms=True,
                                                                           email=False, greetings=True)


def save_preference(deputy_id: int, *, sms: bool, email: bool, greetings: bool) -> NoticePreference:
    deputy = db.session.get(Deputy, deputy_id)
    if email and not deputy.email:
        raise ServiceError("名册中没有您的电子邮箱，无法通过邮件通知。请联系法院联络部门登记邮箱。",
                           {"email": "名册中没有电子邮箱"})
    if not (sms or email):
        raise ServiceError("请至少选择一种通知方式（短信或电子邮件）。", {"sms": "请至少选择一种"})
    chosen = db.session.get(NoticePreference, deputy_id)
    if chosen is None:
        chosen = NoticePreference(deputy_id=deputy_id)
        db.session.add(chosen)
    chosen.sms, chosen.email, chosen.greetings = sms, email, greetings
    db.session.flush()
    return chosen


def link_to(endpoint: str, **values) -> str:
    """The path of a portal page, also from the worker or a command (no request there to build it from)."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context("/"):
        return url_for(endpoint, **values)


def _queue(channel: Channel, body: str, *, court_id: int, subject: str = "", user_id: int | None = None,
           deputy_id: int | None = None, address: str = "", link: str = "", about=None) -> Message:
    message = Message(channel=channel, court_id=court_id, subject=subject[:200], body=body, user_id=user_id,
                      deputy_id=deputy_id, address=address, link=link[:300],
                      about_type=about.__tablename__ if about is not None else "",
                      about_id=about.id if about is not None else None, created_by_id=current_user_id(),
                      next_try_at=clock.now())
    if channel == Channel.PORTAL:  # delivered by being written: the inbox shows it
        message.state, message.sent_at = MessageState.SENT, clock.now()
    db.session.add(message)
    return message


def tell_deputy(deputy: Deputy, subject: str, body: str, *, court_id: int, link: str = "", about=None,
                greeting: bool = False) -> list[Message]:
    """Queue ``body`` to ``deputy`` on the channels they chose, and to their inbox if they have an account.
    A greeting goes only to those who have not opted out of greetings."""
    return tell_deputies([deputy], subject, lambda _: body, court_id=court_id, link=link, about=about,
                         greeting=greeting)


def tell_deputies(deputies: list[Deputy], subject: str, body_for, *, court_id: int, link: str = "", about=None,
                  greeting: bool = False) -> list[Message]:
    """``tell_deputy`` for many at once (``body_for(deputy)`` gives each their text), in three queries."""
    ids = [d.id for d in deputies]
    chosen = {p.deputy_id: p for p in db.session.scalars(select(NoticePreference)
                                                         .where(NoticePreference.deputy_id.in_(ids)))}
    accounts = dict(db.session.execute(select(User.deputy_id, User.id).where(
        User.deputy_id.in_(ids), User.active.is_(True))).all())
    messages = []
    for deputy in deputies:
        preferred = chosen.get(deputy.id) or NoticePreference(deputy_id=deputy.id, sms=True, email=False,
                                                              greetings=True)
        if greeting and not preferred.greetings:
            continue
        body = body_for(deputy)
        common = {"court_id": court_id, "subject": subject, "deputy_id": deputy.id, "link": link, "about": about}
        if preferred.sms and deputy.mobile:
            messages.append(_queue(Channel.SMS, body, address=deputy.mobile, **common))
        if preferred.email and deputy.email:
            messages.append(_queue(Channel.EMAIL, body, address=deputy.email, **common))
        if deputy.id in accounts:
            messages.append(_queue(Channel.PORTAL, body, user_id=accounts[deputy.id], **common))
    return messages


def told(model, subject: str, *, since=None):
    """SQL: a message of ``subject`` about the row of ``model`` was queued (since the instant column ``since``):
    the test that keeps a scheduled reminder to one per record."""
    condition = (Message.about_type == model.__tablename__) & (Message.about_id == model.id) & (Message.subject == subject)
    if since is not None:
        condition &= Message.created_at >= since
    return select(Message.id).where(condition).exists()


def tell_user(user: User, subject: str, body: str, *, link: str = "", about=None, sms: bool = False) -> list[Message]:
    """Queue a message to a member of staff: in the portal, and by SMS to their phone when ``sms``."""
    messages = [_queue(Channel.PORTAL, body, court_id=user.court_id, subject=subject, user_id=user.id, link=link,
                       about=about)]
    if sms and user.phone:
        messages.append(_queue(Channel.SMS, body, court_id=user.court_id, subject=subject, user_id=user.id,
                               address=user.phone, link=link, about=about))
    return messages


# --- the inbox ----------------------------------------------------------------------------------------------

def unread_count(user_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Message).where(
        Message.user_id == user_id, Message.channel == Channel.PORTAL, Message.read_at.is_(None))) or 0


def inbox(user_id: int, *, cursor: str | None, per_page: int, total: int | None, number: int) -> Page:
    query = select(Message).where(Message.user_id == user_id, Message.channel == Channel.PORTAL)
    return paginate(query, [Message.id], cursor=cursor, per_page=per_page, descending=True, total=total,
                    number=number)


def open_message(user_id: int, message_id: int) -> Message:
    """Mark one of the user's in-portal messages read; another's is not found."""
    message = db.session.get(Message, message_id)
    if message is None or message.user_id != user_id or message.channel != Channel.PORTAL:
        raise NotFound()
    if message.read_at is None:
        message.read_at = clock.now()
        db.session.flush()
    return message


def mark_all_read(user_id: int) -> int:
    result = db.session.execute(update(Message).where(
        Message.user_id == user_id, Message.channel == Channel.PORTAL, Message.read_at.is_(None)
    ).values(read_at=clock.now()))
    return result.rowcount


# --- the outbox, for staff -----------------------------------------------------------------------------------

@dataclass
class OutboxFilters:
    state: MessageState | None = None
    channel: Channel | None = None
    sent_from: date | None = None  # the court's days a message went out (the dashboard's figures link here)
    sent_to: date | None = None

    def as_args(self) -> dict[str, str]:
        return {"state": self.state.value if self.state else "", "channel": self.channel.value if self.channel else "",
                "sent_from": self.sent_from.isoformat() if self.sent_from else "",
                "sent_to": self.sent_to.isoformat() if self.sent_to else ""}


def outbox(filters: OutboxFilters, court_ids: list[int], counts: dict[MessageState, int], *, cursor: str | None,
           per_page: int, total: int | None, number: int) -> Page:
    """The SMS and emails of these courts under ``filters``, newest first; ``counts`` are their ``state_counts``,
    which hold the list's total unless it is narrowed by channel or day."""
    counted = None
    if not (filters.channel or filters.sent_from or filters.sent_to):
        counted = counts.get(filters.state, 0) if filters.state else sum(counts.values())
    query = (select(Message).where(Message.court_id.in_(court_ids), Message.channel != Channel.PORTAL)
             .options(selectinload(Message.deputy), selectinload(Message.user)))  # the page names each recipient
    if filters.state:
        query = query.where(Message.state == filters.state)
    if filters.channel:
        query = query.where(Message.channel == filters.channel)
    if filters.sent_from:
        query = query.where(Message.sent_at >= clock.start_of_day(filters.sent_from))
    if filters.sent_to:
        query = query.where(Message.sent_at < clock.start_of_day(filters.sent_to + timedelta(days=1)))
    return paginate(query, [Message.id], cursor=cursor, per_page=per_page, descending=True, total=total,
                    number=number, counted=counted)


def state_counts(court_ids: list[int]) -> dict[MessageState, int]:
    """The outbox's messages by state. Grouped by court too, so that the courts' range of
    ``ix_message_court_state`` is read in its order (grouped by state alone, SQLite reads every message)."""
    counts: dict[MessageState, int] = {}
    for state, count in db.session.execute(select(Message.state, func.count()).where(
            Message.court_id.in_(court_ids), Message.channel != Channel.PORTAL).group_by(Message.court_id,
                                                                                         Message.state)):
        counts[state] = counts.get(state, 0) + count
    return counts


def resend(message_id: int, court_ids: list[int]) -> Message:
    """Queue a failed message again, from its first try."""
    message = db.session.get(Message, message_id)
    if message is None or message.court_id not in court_ids or message.channel == Channel.PORTAL:
        raise NotFound()
    if message.state not in (MessageState.FAILED, MessageState.DEAD):
        raise ServiceError(f"该消息{message.state.label}，无需重新发送。", status=409)
    message.state, message.tries, message.next_try_at, message.claimed_at = MessageState.QUEUED, 0, clock.now(), None
    db.session.flush()
    return message


# --- batch notices ---------------------------------------------------------------------------------------------

PLACEHOLDERS = {"{姓名}": "收件人姓名", "{称呼}": "如“张代表”“李委员”"}


def salutation(deputy: Deputy) -> str:
    """张代表, or 李委员 for a CPPCC member (the principal mandate decides)."""
    return deputy.name[:1] + ("委员" if deputy.kind == DeputyKind.CPPCC else "代表")


def fill(body: str, deputy: Deputy) -> str:
    return body.replace("{姓名}", deputy.name).replace("{称呼}", salutation(deputy))


@dataclass
class BatchDraft:
    subject: str
    body: str
    greeting: bool
    filters: RegisterFilters


@dataclass
class Preview:
    recipients: int
    first: Deputy | None
    text: str  # the first recipient's message, placeholders filled
    parts: int  # SMS parts of that message


def _recipients_query(filters: RegisterFilters):
    return filtered_query(filters).order_by(Deputy.name_pinyin, Deputy.id)


def preview(draft: BatchDraft) -> Preview:
    count = db.session.scalar(select(func.count()).select_from(_recipients_query(filters=draft.filters)
                                                                .order_by(None).subquery())) or 0
    first = db.session.scalars(_recipients_query(draft.filters).limit(1)).first()
    text = fill(draft.body, first) if first else draft.body
    return Preview(recipients=count, first=first, text=text, parts=sms_parts(text))


def send_batch(draft: BatchDraft, court_id: int) -> Batch:
    """Queue the batch to every deputy the filters find (those who opted out of greetings excepted)."""
    deputies = list(db.session.scalars(_recipients_query(draft.filters)))
    if not deputies:
        raise ServiceError("没有符合条件的收件人，请调整收件人条件。")
    batch = Batch(court_id=court_id, subject=draft.subject.strip(), body=draft.body, greeting=draft.greeting,
                  filters=draft.filters.as_args(), created_by_id=current_user_id())
    db.session.add(batch)
    db.session.flush()
    messages = tell_deputies(deputies, batch.subject, lambda d: fill(draft.body, d), court_id=court_id,
                             about=batch, greeting=draft.greeting)
    batch.recipients = len({m.deputy_id for m in messages})
    db.session.flush()
    return batch


def list_batches(court_ids: list[int], *, cursor: str | None, per_page: int, total: int | None,
                 number: int) -> Page:
    query = select(Batch).where(Batch.court_id.in_(court_ids)).options(selectinload(Batch.created_by))
    return paginate(query, [Batch.id], cursor=cursor, per_page=per_page, descending=True, total=total,
                    number=number)


def batch_states(batch_ids: list[int]) -> dict[int, dict[MessageState, int]]:
    """Per batch, how many of its SMS and emails are in each state: one aggregate query."""
    counts: dict[int, dict[MessageState, int]] = {i: {} for i in batch_ids}
    rows = db.session.execute(select(Message.about_id, Message.state, func.count()).where(
        Message.about_type == Batch.__tablename__, Message.about_id.in_(batch_ids),
        Message.channel != Channel.PORTAL).group_by(Message.about_id, Message.state))
    for batch_id, state, count in rows:
        counts[batch_id][state] = count
    return counts
