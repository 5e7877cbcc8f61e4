"""One record, several editors: a save made on an outdated copy is refused instead of overwriting another's work.

A record that people edit in a form is ``Versioned``: SQLAlchemy counts its saves in ``version``
(``version_id_col``), and the edit form carries the version it was opened at (``VersionField``, rendered with the
macro ``versioned`` of ``_macros/forms.html``). ``save_unless_stale`` saves only while that is still the record's
version. Otherwise, or when another save slipped in between reading the record and writing it (the database
reports it as ``StaleDataError``), nothing is saved: the form comes back with what this person typed and a
``Conflict`` that tells, from the audit trail, who changed what and when since they opened it.
"""
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, render_template
from sqlalchemy import Integer, select
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField

from portal import clock
from portal.audit import AuditLog, ShownEntry, shown
from portal.extensions import db


class Versioned:
    """Mixin for a model edited in a form: ``version`` goes up by one with every UPDATE of its row.

    Put it before ``TimestampMixin``: a save that changes only linked rows touches ``updated_at`` to count.
    """

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}


class VersionField(HiddenField):
    """The version the form was opened at; ``Form(obj=record)`` fills it from the record."""


@dataclass
class Conflict:
    """Saves by others since the version this person opened, each with its changes (several records each)."""

    saves: list[list[ShownEntry]]


def save_unless_stale(record: Versioned, field: VersionField, save: Callable[[], object]) -> Conflict | None:
    """Run ``save`` and flush, unless ``record`` changed since the version ``field`` holds; then return the
    conflict, and ``field`` holds the current version so that saving again deliberately keeps this person's text.

    A form posted without a version (a script, an older page) is checked only against the race in the database.
    """
    opened = _number(field.data)
    if opened is not None and opened != record.version:
        return _conflict(record, opened, field)
    before = record.version
    try:
        save()
        db.session.flush()
        if record.version == before:
            # Only linked rows changed (a visit's deputies, say): the record's own save still counts.
            record.updated_at = clock.now()
            db.session.flush()
    except StaleDataError:
        db.session.rollback()  # another save won the race; the record reloads as it now is
        return _conflict(record, opened if opened is not None else before, field)
    return None


def _number(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _conflict(record: Versioned, opened: int, field: VersionField) -> Conflict:
    """What the audit trail holds for the saves after version ``opened``: the record's own changes and every
    change written with them (the same flush: the same moment and the same user)."""
    own = db.session.scalars(select(AuditLog).where(
        AuditLog.entity == record.__tablename__, AuditLog.record_id == record.id, AuditLog.action == "update",
    ).order_by(AuditLog.id)).all()
    later = [e for e in own if (e.changes.get("version") or [0, 0])[1] > opened]
    moments = {(e.at, e.user_id) for e in later}
    written = db.session.scalars(select(AuditLog).where(AuditLog.at.in_({at for at, _ in moments}))
                                 .order_by(AuditLog.id)).all() if moments else []
    saves: dict[tuple, list[AuditLog]] = {}
    for entry in written:
        if (entry.at, entry.user_id) in moments:
            saves.setdefault((entry.at, entry.user_id), []).append(entry)
    field.data = record.version
    return Conflict(saves=[shown(entries) for entries in saves.values()])


def init_app(app: Flask) -> None:
    @app.errorhandler(StaleDataError)
    def stale(error):
        """A race on a record outside an edit form (two workflow steps at once): the later one is refused."""
        db.session.rollback()
        return render_template("error.html", code=409,
                               message="您操作的记录刚刚被其他人修改，本次操作没有保存。请返回刷新页面后重试。"), 409
