"""Reading request parameters: one place that turns what a client sent into ids, numbers, dates and choices.

Every parser takes the raw text (or None) and answers the value or a default, never an exception: a bad
parameter is treated as absent, so a tampered link shows the unfiltered list or the form with its message
instead of a 500. Only ASCII digits are numbers (``"²".isdigit()`` is true, ``int("²")`` fails), and ids stay
within an INTEGER column. Query text loses NUL and control characters (PostgreSQL refuses NUL).
"""
import re
from collections.abc import Iterable
from datetime import date, datetime
from enum import Enum

from flask import current_app, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # ids are INTEGER columns: beyond this PostgreSQL refuses the value, SQLite overflows at 2**63
_DIGITS = re.compile(r"[0-9]{1,10}")
_SIGNED = re.compile(r"-?[0-9]{1,19}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISO_MINUTE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?")
# Dates outside these years are typing mistakes, and near year 1 or 9999 the time-zone arithmetic overflows.
MIN_YEAR, MAX_YEAR = 1900, 2100
# C0 and C1 controls, DEL, and the bidirectional overrides that disguise a name (“gpj.exe” shown as “exe.jpg”).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_text(value, *, multiline: bool = False):
    """``value`` without control characters; line breaks and tabs stay in ``multiline`` text."""
    if not isinstance(value, str):
        return value
    return (_CONTROL_MULTILINE if multiline else _CONTROL).sub("", value)


def clean_query(value: str | None, max_length: int = 100) -> str:
    """Search text as typed, without control characters, trimmed and cut to ``max_length``."""
    return clean_text(value or "").strip()[:max_length]


def parse_int(value: str | None, default: int | None = None, *, minimum: int | None = None,
              maximum: int | None = None) -> int | None:
    """An integer written in ASCII digits within [minimum, maximum], else ``default``."""
    text = (value or "").strip() if isinstance(value, str) else ""
    if not _SIGNED.fullmatch(text):
        return default
    number = int(text)
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        return default
    return number


def parse_id(value) -> int | None:
    """A record id (1 … MAX_ID), or None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 < value <= MAX_ID else None
    if not isinstance(value, str) or not _DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def parse_ids(values: Iterable) -> list[int]:
    """The valid ids among ``values``, each once, in their order."""
    return list(dict.fromkeys(i for i in (parse_id(v) for v in values or ()) if i is not None))


def parse_year(value: str | None) -> int | None:
    """A year the portal can hold records of, or None."""
    return parse_int(value, minimum=MIN_YEAR, maximum=MAX_YEAR)


def date_in_range(value: date) -> bool:
    """Whether ``value`` (a date or a datetime) lies in the years the portal accepts."""
    return MIN_YEAR <= value.year <= MAX_YEAR


def parse_date(value: str | None) -> date | None:
    """A date written YYYY-MM-DD within the accepted years, or None."""
    text = value.strip() if isinstance(value, str) else ""
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if date_in_range(day) else None


def parse_datetime(value: str | None) -> datetime | None:
    """A local date and time written YYYY-MM-DDTHH:MM[:SS] (or with a space), naive, or None."""
    text = value.strip() if isinstance(value, str) else ""
    if not _ISO_MINUTE.fullmatch(text):
        return None
    try:
        moment = datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError:
        return None
    return moment if date_in_range(moment) else None


def parse_choice(value, choices, default=None):
    """``value`` if it is one of ``choices`` (strings, or an Enum class by value), else ``default``."""
    if isinstance(choices, type) and issubclass(choices, Enum):
        try:
            return choices(value)
        except ValueError:
            return default
    return value if isinstance(value, str) and value in choices else default


def page_args(args=None) -> dict:
    """The keyset-pagination arguments of a list page: cursor, page size, carried total and page number."""
    args = request.args if args is None else args
    cursor = args.get("cursor")
    return {"cursor": cursor if cursor and len(cursor) <= 2000 else None,
            "per_page": current_app.config["PAGE_SIZE"],
            "total": parse_int(args.get("n"), minimum=0, maximum=MAX_ID),
            "number": parse_int(args.get("page"), 1, minimum=1, maximum=10**9)}


class IdConverter(IntegerConverter):
    """``<int:…>`` in URLs: a number beyond MAX_ID matches no route (404) instead of overflowing the query.

    The length limit keeps a long number from matching at all: a number that matched and then failed ``max``
    would answer 405 on a POST-only URL that has a GET sibling.
    """

    regex = r"\d{1,10}"

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
