"""The calendar's entries from every area, its month and week grids, the .ics file and the private feeds.

An area contributes ``agenda_entries(user, first, last, court_ids) -> list[Entry]`` in its ``contributions.py``:
its records between the days ``first`` and ``last`` (court days, both included) that ``user`` may see, of
``court_ids`` for staff (a deputy gets their own, whatever the courts).
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import select

from portal import areas, clock
from portal.agenda.models import AgendaFeed
from portal.areas import Entry
from portal.errors import NotFound
from portal.extensions import db

VIEWS = {"month": "月", "week": "周"}


@dataclass
class Window:
    view: str
    anchor: date
    first: date
    last: date

    @property
    def previous(self) -> date:
        return self.first - timedelta(days=1) if self.view == "week" else (self.first - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        return self.last + timedelta(days=1)

    @property
    def label(self) -> str:
        if self.view == "month":
            return f"{self.anchor.year}年{self.anchor.month}月"
        return f"{self.first:%Y-%m-%d} 至 {self.last:%Y-%m-%d}"


def window(view: str, anchor: date) -> Window:
    if view == "week":
        first = anchor - timedelta(days=anchor.weekday())
        return Window(view, anchor, first, first + timedelta(days=6))
    first = anchor.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return Window("month", anchor, first, last)


def entries(user, first: date, last: date, court_ids: list[int], kinds: set[str] | None = None) -> list[Entry]:
    found = [e for batch in areas.collect("agenda_entries", user, first, last, court_ids) for e in batch
             if not kinds or e.kind in kinds]
    return sorted(found, key=lambda e: (e.day, e.starts or datetime.min.replace(tzinfo=clock.now().tzinfo), e.title))


def kinds() -> dict[str, str]:
    """Every kind of entry the areas contribute (key -> label), from their ``AGENDA_KINDS``."""
    return {key: label for module in areas.contributing("AGENDA_KINDS") for key, label in module.AGENDA_KINDS.items()}


def month_grid(shown: Window, found: list[Entry]) -> list[list[tuple[date, list[Entry]]]]:
    """Weeks (Monday first) of the month, each day with its entries; days of the months around it included."""
    by_day: dict[date, list[Entry]] = {}
    for entry in found:
        by_day.setdefault(entry.day, []).append(entry)
    start = shown.first - timedelta(days=shown.first.weekday())
    weeks, day = [], start
    while day <= shown.last:
        weeks.append([(day + timedelta(days=i), by_day.get(day + timedelta(days=i), [])) for i in range(7)])
        day += timedelta(days=7)
    return weeks


def ics(found: list[Entry], name: str, base_url: str = "") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//court liaison portal//agenda//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", clock.zone().key)
    for entry in found:
        event = Event()
        event.add("uid", f"{entry.uid}@court-liaison-portal")
        event.add("summary", f"【{entry.kind_label}】{entry.title}")
        event.add("dtstamp", clock.now())
        if entry.starts:
            event.add("dtstart", clock.to_local(entry.starts))
            event.add("dtend", clock.to_local(entry.ends or entry.starts + timedelta(hours=1)))
        else:
            event.add("dtstart", entry.day)
            event.add("dtend", entry.day + timedelta(days=1))
        if entry.place:
            event.add("location", entry.place)
        if entry.url:
            event.add("url", base_url + entry.url)
        calendar.add_component(event)
    return calendar.to_ical()


# --- private feeds ----------------------------------------------------------------------------------------------

FEED_PAST_DAYS, FEED_FUTURE_DAYS = 31, 183


def feed_of(user_id: int) -> AgendaFeed | None:
    return db.session.get(AgendaFeed, user_id)


def renew_feed(user_id: int) -> AgendaFeed:
    """A new secret address for the user's feed; the old address stops working at once."""
    feed = feed_of(user_id)
    if feed is not None:
        db.session.delete(feed)
        db.session.flush()
    feed = AgendaFeed(user_id=user_id)
    db.session.add(feed)
    db.session.flush()
    return feed


def revoke_feed(user_id: int) -> None:
    feed = feed_of(user_id)
    if feed is None:
        raise NotFound("该用户没有日历订阅。")
    db.session.delete(feed)
    db.session.flush()


def feed_user(token: str):
    """The active user whose feed has this secret, else NotFound (a revoked or guessed address)."""
    feed = db.session.scalar(select(AgendaFeed).where(AgendaFeed.token == token)) if token else None
    if feed is None or not feed.user.active:
        raise NotFound("订阅地址无效或已被撤销。")
    return feed.user


def feeds() -> list[AgendaFeed]:
    return list(db.session.scalars(select(AgendaFeed).order_by(AgendaFeed.created_at.desc())))
