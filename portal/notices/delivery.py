"""The worker: claims due messages, sends each through its backend, and records what happened.

Several workers may run at once. A message is claimed by one UPDATE that moves it from queued (or failed) to
sending; on PostgreSQL the rows are chosen ``FOR UPDATE SKIP LOCKED``, so two workers never claim the same message
and neither waits for the other; SQLite has one writer at a time. A message left in sending by a worker that died
is claimed again after ``NOTIFY_STALE_MINUTES`` (it may then arrive twice, never not at all).

No SMS goes out in the quiet hours (``SMS_QUIET_HOURS``, court time): those wait until the morning. Each channel
has a rate limit per minute (``NOTIFY_RATE_PER_MINUTE``). A failed try is retried after the next delay of
``NOTIFY_BACKOFF_MINUTES``; after ``NOTIFY_MAX_TRIES`` the message is dead and staff see it with a resend button.
A message about a record that went out is announced as ``message.sent``, in the commit that records it.
"""
import logging
import time as wall
from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, select, update

from portal import audit, clock, events
from portal.areas import contributing
from portal.extensions import db
from portal.notices.backends import DeliveryError, Outgoing, email_backend, sms_backend
from portal.notices.models import Channel, Message, MessageState

log = logging.getLogger(__name__)

BATCH = 50


def _hours(text: str) -> tuple[time, time] | None:
    """"22:00-07:00" -> (22:00, 07:00); empty: no quiet hours."""
    if not text:
        return None
    start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
    return start, end


def in_quiet_hours(moment: datetime) -> bool:
    quiet = _hours(current_app.config["SMS_QUIET_HOURS"])
    if quiet is None:
        return False
    now = clock.to_local(moment).time()
    start, end = quiet
    return start <= now < end if start <= end else (now >= start or now < end)


def _sent_last_minute(channel: Channel, now: datetime) -> int:
    return db.session.scalar(select(func.count()).select_from(Message).where(
        Message.channel == channel, Message.sent_at > now - timedelta(minutes=1))) or 0


def claim(now: datetime | None = None) -> list[int]:
    """Take the due messages this worker may send now, and commit the claim."""
    now = now or clock.now()
    config = current_app.config
    stale = now - timedelta(minutes=config["NOTIFY_STALE_MINUTES"])
    claimed: list[int] = []
    for channel in (Channel.SMS, Channel.EMAIL):
        if channel == Channel.SMS and in_quiet_hours(now):
            continue
        room = config["NOTIFY_RATE_PER_MINUTE"][channel.value] - _sent_last_minute(channel, now)
        if room <= 0:
            continue
        due = (select(Message.id)
               .where(Message.channel == channel,
                      ((Message.state.in_([MessageState.QUEUED, MessageState.FAILED]) & (Message.next_try_at <= now))
                       | ((Message.state == MessageState.SENDING) & (Message.claimed_at < stale))))
               .order_by(Message.next_try_at, Message.id).limit(min(room, BATCH)))
        if db.engine.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        rows = db.session.execute(
            update(Message).where(Message.id.in_(due.scalar_subquery()))
            .values(state=MessageState.SENDING, claimed_at=now, tries=Message.tries + 1)
            .returning(Message.id).execution_options(synchronize_session=False))
        claimed += [row[0] for row in rows]
    db.session.commit()
    return sorted(claimed)


def _deliver(message: Message) -> None:
    backend = sms_backend() if message.channel == Channel.SMS else email_backend()
    config = current_app.config
    try:
        answer = backend(Outgoing(message.address, message.subject, _text(message)))
    except DeliveryError as error:
        message.answer = str(error)[:500]
        if message.tries >= config["NOTIFY_MAX_TRIES"]:
            message.state = MessageState.DEAD
        else:
            delays = config["NOTIFY_BACKOFF_MINUTES"]
            message.state = MessageState.FAILED
            message.next_try_at = clock.now() + timedelta(minutes=delays[min(message.tries, len(delays)) - 1])
        log.warning("message %s failed (try %s): %s", message.id, message.tries, error)
        return
    message.state, message.sent_at, message.answer = MessageState.SENT, clock.now(), answer[:500]
    if message.about_type:
        # The record's area may take note of it (see portal.notices.EVENTS), in the commit that records the state.
        events.announce("message.sent", message, deputy_id=message.deputy_id, user_id=message.user_id,
                        channel=message.channel.value, about_type=message.about_type, about_id=message.about_id,
                        queued_at=message.created_at.isoformat(), sent_at=message.sent_at.isoformat())


def _text(message: Message) -> str:
    """What the recipient reads: the body, and for email the page it is about."""
    if message.channel == Channel.EMAIL and message.link:
        base = current_app.config.get("PORTAL_BASE_URL") or ""
        return f"{message.body}\n\n{base}{message.link}"
    return message.body


def send_due() -> int:
    """Queue the areas' scheduled reminders, then send everything due now, batch after batch; the number tried."""
    with audit.as_system(db.session):
        for area in contributing("scheduled_notices"):
            area.scheduled_notices(clock.now())
    tried = 0
    while ids := claim():
        for message_id in ids:
            message = db.session.get(Message, message_id)
            with audit.as_system(db.session):
                _deliver(message)
            db.session.commit()  # each result is kept even if a later message hangs the worker
        tried += len(ids)
    return tried


def run(interval: float, *, stop=lambda: False) -> None:
    """Send what is due, then wait ``interval`` seconds, until ``stop()`` says so (or the process is ended)."""
    while not stop():
        try:
            send_due()
        except Exception:  # a database restart must not end the worker; the next pass tries again
            log.exception("notify: a pass failed")
            db.session.rollback()
        if not stop():
            wall.sleep(interval)
