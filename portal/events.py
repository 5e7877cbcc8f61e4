"""Domain events: an area says what happened; other parts react once the change is safely committed.

A service calls ``announce("item.assigned", item, handler_id=7)`` in the same step that makes the change. The
event waits on the database session; nothing is delivered unless that transaction commits:

- ``on(name, in_transaction=True)`` listeners run just before the commit, inside the transaction, each in its
  own SAVEPOINT: what they write (an outbox row, say) commits together with the change, or not at all; a listener
  that fails is rolled back to its savepoint and logged, and the user's change still commits.
- ``on(name)`` listeners run after the commit (they may not use the session's transaction; open a new one if
  they must write). A failing one is logged; the change is already committed.

Each area declares the events it announces, with a label for people, in ``EVENTS`` of its package
(``{"item.assigned": "交办承办"}``); announcing an undeclared name is a programming error. ``name`` may be
``"*"`` for every event; the audit trail listens to all of them. Events are never announced while answering a GET or HEAD request:
reading a page changes nothing. Events announced in a transaction that rolls back are dropped.
"""
import importlib
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from flask import has_request_context, request
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from portal import clock
from portal.extensions import db

log = logging.getLogger(__name__)

_PENDING = "portal.events.pending"  # keys in Session.info
_COMMITTING = "portal.events.committing"
_DELIVERING = "portal.events.delivering"  # set while savepoints of listeners commit (they fire commit events too)


@dataclass(frozen=True)
class Event:
    """What happened (``"hearing.moved"``), to which record, by whom, when, and the details listeners need."""

    name: str
    subject_type: str  # the record's table name, e.g. "item"
    subject_id: int
    data: dict = field(default_factory=dict)
    user_id: int | None = None  # who did it, as the audit trail names them at that moment (None: the system)
    actor: str = ""
    ip: str = ""
    at: datetime = field(default_factory=clock.now)


@cache
def labels() -> dict[str, str]:
    """Event name -> label, from every area's ``EVENTS``."""
    from portal import AREAS

    return {name: label for area in AREAS
            for name, label in getattr(importlib.import_module(f"portal.{area}"), "EVENTS", {}).items()}


Listener = Callable[[Event], None]
_listeners: dict[tuple[str, bool], list[Listener]] = defaultdict(list)


def on(name: str, *, in_transaction: bool = False) -> Callable[[Listener], Listener]:
    """Register the decorated function for events called ``name`` (or ``"*"``)."""

    def register(listener: Listener) -> Listener:
        if listener not in _listeners[name, in_transaction]:
            _listeners[name, in_transaction].append(listener)
        return listener

    return register


def off(listener: Listener) -> None:
    """Unregister ``listener`` everywhere (tests use it to clean up)."""
    for listeners in _listeners.values():
        if listener in listeners:
            listeners.remove(listener)


def announce(name: str, subject, **data) -> Event:
    """Record that ``name`` happened to ``subject`` (a model instance, flushed here if it has no id yet)."""
    if name not in labels():
        raise KeyError(f"{name}: not declared in any area's EVENTS")
    if has_request_context() and request.method in ("GET", "HEAD"):
        raise RuntimeError(f"{name}: nothing may happen while a page is only being read")
    if inspect(subject).identity is None:
        db.session.flush()
    from portal.audit import current_actor  # the audit trail imports this module

    user_id, actor, ip = current_actor()  # now: inside audit.as_system() it is the system, not the user
    announced = Event(name, type(subject).__tablename__, subject.id, data, user_id, actor, ip)
    db.session().info.setdefault(_PENDING, []).append(announced)
    return announced


def _listeners_of(name: str, in_transaction: bool) -> list[Listener]:
    return [*_listeners[name, in_transaction], *_listeners["*", in_transaction]]


@event.listens_for(Session, "before_commit")
def _deliver_in_transaction(session: Session) -> None:
    if session.info.get(_DELIVERING):
        return
    delivered = session.info.setdefault(_COMMITTING, [])
    session.info[_DELIVERING] = True
    try:
        # A listener may announce in turn; those events are delivered in the same commit.
        while pending := session.info.pop(_PENDING, []):
            for announced in pending:
                for listener in _listeners_of(announced.name, True):
                    try:
                        with session.begin_nested():
                            listener(announced)
                    except Exception:
                        log.exception("listener %s failed on %s; the change commits without it", listener, announced)
                delivered.append(announced)
    finally:
        session.info.pop(_DELIVERING)


@event.listens_for(Session, "after_commit")
def _deliver_after_commit(session: Session) -> None:
    if session.info.get(_DELIVERING):
        return
    for announced in session.info.pop(_COMMITTING, []):
        for listener in _listeners_of(announced.name, False):
            try:
                listener(announced)
            except Exception:
                log.exception("listener %s failed on %s after commit", listener, announced)


@event.listens_for(Session, "after_rollback")
def _drop(session: Session) -> None:
    if session.info.get(_DELIVERING):
        return  # a listener's savepoint rolled back; the transaction goes on
    session.info.pop(_PENDING, None)
    session.info.pop(_COMMITTING, None)
