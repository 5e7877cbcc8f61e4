"""Keyset pagination: every page costs the same, however deep, because it seeks past the last row seen.

A cursor holds the sort key of the row to continue after (``n``) or before (``p``). The total is counted
once on the first page and carried along in the links, so later pages run no count query; a page that counts its
rows anyway (per state, say) passes that number and runs none at all.

``paginate_offset`` pages by number instead, for the few lists ordered by something no index holds (a count
computed per row): there a seek saves nothing, since the database computes every row's key to find any page.
Its pages fit the same ``pager`` macro.
"""
import base64
import json
import math
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from sqlalchemy import Select, func, select, tuple_

from portal.extensions import db

MAX_INT = 2**63 - 1  # SQLite cannot bind a larger integer


@dataclass
class Page:
    items: list
    total: int
    number: int
    next_cursor: str | None
    prev_cursor: str | None


def _encode(direction: str, values: tuple) -> str:
    def plain(v):
        if isinstance(v, datetime):
            return {"dt": v.isoformat()}
        if isinstance(v, date):
            return {"d": v.isoformat()}
        return v.value if hasattr(v, "value") else v

    raw = json.dumps([direction, [plain(v) for v in values]], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, keys: list) -> tuple[str, list] | None:
    """The direction and key values of ``cursor``, or None for anything this module did not write for ``keys``.

    A cursor comes back from the client, so every value is checked against its column's type: a tampered
    cursor starts the list afresh instead of reaching the database with a dict, a list or a 30-digit number.
    """
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        direction, values = json.loads(raw)
    except (ValueError, TypeError, RecursionError):  # binascii, Unicode and JSON errors are ValueErrors
        return None
    if direction not in ("n", "p") or not isinstance(values, list) or len(values) != len(keys):
        return None
    typed = [_typed(value, key) for value, key in zip(values, keys, strict=True)]
    return None if any(value is _INVALID for value in typed) else (direction, typed)


_INVALID = object()


def _typed(value, key):
    """``value`` as a value of column ``key``'s type, or _INVALID."""
    try:
        expected = key.type.python_type
    except NotImplementedError:
        expected = object

    def fits(*types) -> bool:
        return expected is object or issubclass(expected, types)

    if value is None:
        return None
    if isinstance(value, dict) and len(value) == 1 and isinstance(next(iter(value.values())), str):
        kind, text = next(iter(value.items()))
        try:
            if kind == "dt" and fits(datetime):
                return datetime.fromisoformat(text)
            if kind == "d" and fits(date) and not issubclass(expected, datetime):
                return date.fromisoformat(text)
        except ValueError:
            pass
        return _INVALID
    if isinstance(value, bool) or isinstance(value, int) and not -MAX_INT <= value <= MAX_INT:
        return value if isinstance(value, bool) and fits(bool) else _INVALID
    if isinstance(value, int | float) and math.isfinite(value):
        return value if fits(int, float) else _INVALID
    if isinstance(value, str) and "\x00" not in value:
        if issubclass(expected, Enum):
            return value if value in {member.value for member in expected} else _INVALID
        return value if fits(str) else _INVALID
    return _INVALID


def paginate(query: Select, keys: list, *, cursor: str | None, per_page: int, descending: bool = False,
             total: int | None = None, number: int = 1, counted: int | None = None) -> Page:
    """One page of ``query`` ordered by the column list ``keys`` (unique together, the last one the id).

    ``counted``: the number of rows of ``query``, when the page has just counted them itself (a board's counts
    per state): then no count query runs, on the first page either."""
    decoded = _decode(cursor, keys) if cursor else None
    if counted is not None:
        total = counted
    elif total is None or decoded is None:
        total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    if decoded is None:
        number = 1
    direction = decoded[0] if decoded else "n"
    backwards = direction == "p"
    seek_forward = descending == backwards  # ascending & next, or descending & previous
    ordered = query
    if decoded:
        key_tuple, value_tuple = tuple_(*keys), tuple_(*decoded[1])
        ordered = ordered.where(key_tuple > value_tuple if seek_forward else key_tuple < value_tuple)
    ordered = ordered.order_by(*[k.asc() if seek_forward else k.desc() for k in keys]).limit(per_page + 1)
    rows = list(db.session.scalars(ordered))
    has_more = len(rows) > per_page
    rows = rows[:per_page]
    if backwards:
        rows.reverse()

    def key_of(item) -> tuple:
        return tuple(getattr(item, k.key) for k in keys)

    has_next = has_more if not backwards else True
    has_prev = (decoded is not None) if not backwards else has_more
    return Page(
        items=rows,
        total=total,
        number=number,
        next_cursor=_encode("n", key_of(rows[-1])) if rows and has_next else None,
        prev_cursor=_encode("p", key_of(rows[0])) if rows and has_prev else None,
    )


def paginate_offset(query: Select, *, per_page: int, number: int = 1, total: int | None = None,
                    scalars: bool = True) -> Page:
    """Page ``number`` of ``query`` (ordered, its last sort key unique), by offset; rows of several columns when
    not ``scalars``. The cursors are page numbers, only telling the pager there is a page before or after; the
    total is counted unless given. A number past the end (the list shrank) gives the first page."""
    if total is None:
        total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    number = max(1, number)
    statement = query.limit(per_page + 1).offset((number - 1) * per_page)
    rows = list(db.session.scalars(statement) if scalars else db.session.execute(statement))
    if not rows and number > 1:
        return paginate_offset(query, per_page=per_page, total=total, scalars=scalars)
    return Page(items=rows[:per_page], total=total, number=number,
                next_cursor=str(number + 1) if len(rows) > per_page else None,
                prev_cursor=str(number - 1) if number > 1 else None)
