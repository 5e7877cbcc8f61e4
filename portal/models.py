"""Shared column types and mixins for models."""
import enum
from datetime import datetime, timezone

from sqlalchemy import DateTime, Enum, TypeDecorator, func
from sqlalchemy.orm import Mapped, mapped_column

from portal.clock import (
    now as utcnow,  # the one clock, under the name column defaults use
)


class UTCDateTime(TypeDecorator):
    """A point in time, always returned timezone-aware in UTC.

    SQLite has no time zones and hands back naive values; normalising here keeps comparisons with
    ``utcnow()`` working on every database.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, server_default=func.now())


class LabeledEnum(enum.StrEnum):
    """A string enum whose members carry a Chinese label: ``KIND = "npc", "人大代表"``."""

    label: str

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]

    @classmethod
    def from_label(cls, label: str):
        """The member whose label (or value) is ``label``, or None."""
        label = label.strip()
        return next((m for m in cls if label in (m.label, m.value)), None)


def enum_type(cls: type[enum.Enum], name: str) -> Enum:
    """Store an enum by value in a VARCHAR with a CHECK constraint (portable across databases)."""
    return Enum(cls, name=name, native_enum=False, values_callable=lambda e: [m.value for m in e], length=20,
                create_constraint=True)


def like_pattern(text: str) -> str:
    """``%text%`` for ``LIKE … ESCAPE '\\'``, with the user's own ``%``, ``_`` and ``\\`` matched literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
