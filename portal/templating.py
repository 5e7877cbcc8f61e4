"""Template filters and the navigation."""
import importlib
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import Flask, request, url_for
from flask_login import current_user

from portal import addresses, areas, clock, privacy
from portal.auth.models import Duty, Role


@dataclass
class NavEntry:
    label: str
    url: str
    active: bool
    children: list["NavEntry"] = field(default_factory=list)  # a group's entries (a menu that opens)


def _of_areas(name: str, default) -> list:
    """Each feature area's ``name`` (an attribute of its package), in area order."""
    from portal import AREAS

    return [getattr(importlib.import_module(f"portal.{area}"), name, default) for area in AREAS]


def navigation_entries() -> list[tuple]:
    """(label, endpoint, roles or duties that see it[, group]) from every feature area's ``NAVIGATION``, in area order;
    entries with the same group label share one menu in the header."""
    return [entry for entries in _of_areas("NAVIGATION", []) for entry in entries]


def navigation_pages() -> dict[str, set[str]]:
    """{a menu entry's endpoint: the pages it stands for} from every area's ``NAVIGATION_PAGES``, for pages that
    belong to an entry of another area (the security administrator's tabs under 安全管理)."""
    pages: dict[str, set[str]] = {}
    for declared in _of_areas("NAVIGATION_PAGES", {}):
        for endpoint, covered in declared.items():
            pages.setdefault(endpoint, set()).update(covered)
    return pages


def format_datetime(value: datetime | None) -> str:
    """2025-03-01 14:05 in Beijing time."""
    return clock.to_local(value).strftime("%Y-%m-%d %H:%M") if value else ""


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = clock.to_local(value)
    return value.strftime("%Y-%m-%d")


def _is_current(endpoint: str) -> bool:
    """Whether the page shown belongs to this entry, when no entry is the page itself: an area's ``index``
    covers the whole area (every register page highlights 代表委员名册); ``admin.users`` covers
    ``admin.user_edit`` and the like."""
    shown = request.endpoint or ""
    if shown == endpoint or endpoint == "main.index":
        return shown == endpoint
    if endpoint.endswith(".index"):
        return endpoint.split(".")[0] == request.blueprint
    return shown.startswith(endpoint.rstrip("s"))


def init_app(app: Flask) -> None:
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals["address"] = addresses.address  # many links to the same pages (portal.addresses)
    privacy.register(app)

    entries, pages = navigation_entries(), navigation_pages()

    @app.context_processor
    def navigation():
        items = []
        if current_user.is_authenticated:
            visible = [(label, endpoint, group) for label, endpoint, roles, *group in entries
                       if current_user.holds(*roles)]
            # The entry that is the page itself, else those that stand for it, else the page's area's (_is_current).
            chosen = ({endpoint for _, endpoint, _ in visible if endpoint == request.endpoint}
                      or {endpoint for _, endpoint, _ in visible if request.endpoint in pages.get(endpoint, ())})
            groups: dict[str, NavEntry] = {}
            for label, endpoint, group in visible:
                entry = NavEntry(label, url_for(endpoint), endpoint in chosen if chosen else _is_current(endpoint))
                if not group:
                    items.append(entry)
                    continue
                if group[0] not in groups:  # a group sits where its first entry would
                    groups[group[0]] = NavEntry(group[0], "", False, [])
                    items.append(groups[group[0]])
                groups[group[0]].children.append(entry)
                groups[group[0]].active |= entry.active
        # What areas put in the header beside the user's name (the unread-messages badge): portal.areas.
        header = areas.collect("header_panel", current_user) if current_user.is_authenticated else []
        return {"navigation": items, "header_panels": header, "Role": Role, "Duty": Duty}
