"""The court's clock: every "now" and "today" in the portal comes from here.

Instants are stored in UTC; days are the court's days, in the time zone of ``TIME_ZONE`` (default
Asia/Shanghai). Between 16:00 and 24:00 UTC the server's own date is already yesterday in Beijing, so
nothing in the portal may call ``date.today()`` or a naive ``datetime.now()``.
"""
from datetime import date, datetime, time, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TIME_ZONE = "Asia/Shanghai"


@lru_cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def zone() -> ZoneInfo:
    """The court's time zone (``TIME_ZONE`` of the running app)."""
    name = current_app.config.get("TIME_ZONE", DEFAULT_TIME_ZONE) if has_app_context() else DEFAULT_TIME_ZONE
    return _zone(name)


def now() -> datetime:
    """The current instant, timezone-aware in UTC (what is stored)."""
    return datetime.now(timezone.utc)


def local_now() -> datetime:
    """The current instant on the court's wall clock."""
    return datetime.now(zone())


def today() -> date:
    """The court's date today."""
    return local_now().date()


def to_local(value: datetime) -> datetime:
    """An instant on the court's wall clock; a naive value is taken as UTC, as the database hands it back."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(zone())


def local_date(value: datetime) -> date:
    """The court's date of an instant."""
    return to_local(value).date()


def from_local(value: datetime) -> datetime:
    """A wall-clock time typed at the court (naive, or already zoned) as a UTC instant."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone())
    return value.astimezone(timezone.utc)


def start_of_day(day: date) -> datetime:
    """The first instant (UTC) of the court's day ``day``."""
    return datetime.combine(day, time.min, tzinfo=zone()).astimezone(timezone.utc)


# --- steps recorded after the fact --------------------------------------------------------------------------

def act_moment(day: date, after: datetime | None = None) -> datetime:
    """The instant recorded for an act done on ``day``: now for today, else noon of that day (court time),
    and never before ``after`` (the previous step), so the history keeps its order."""
    if day >= today():
        return now()
    moment = from_local(datetime.combine(day, time(12)))
    return max(moment, after) if after and local_date(after) == day else moment


def act_time(raw, label: str, after: datetime | date | None, what: str) -> datetime:
    """When a step done outside the portal (a phone call, a review, a vote count) happened: the date in ``raw``
    (a date or an ISO string; empty is today). Offices record it later, so never in the future and never before
    ``after``, the step before it (``what`` names it). Raises ServiceError with a Chinese message for the field
    ``on``."""
    if isinstance(raw, str):
        try:
            raw = date.fromisoformat(raw.strip()) if raw.strip() else None
        except ValueError:
            _refuse(f"{label}日期格式应为 2025-03-01。")
    day = raw or today()
    if day > today():
        _refuse(f"{label}日期不能晚于今天。")
    floor = local_date(after) if isinstance(after, datetime) else after
    if floor is not None and day < floor:
        _refuse(f"{label}日期不能早于{what}日期（{floor.isoformat()}）。")
    return act_moment(day, after if isinstance(after, datetime) else None)


def _refuse(message: str):
    from portal.errors import ServiceError  # the errors module needs Flask only; imported late to keep this module bare

    raise ServiceError(message, {"on": message})
