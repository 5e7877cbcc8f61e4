"""Many links to the same pages at the cost of a string join each instead of a ``url_for`` each.

A province's figures page links tens of thousands of figures to their lists, and its duty plan hundreds of
groups to theirs; ``url_for`` costs about as much as the rest of such a link. ``Addresses`` builds an address once
per endpoint and set of argument names, with marks where the values go, and puts each link's values in place,
quoted as werkzeug quotes query values. Whole numbers go anywhere (``/items/<int:item_id>``); other values only
into the query string (a path quotes them otherwise): an address with text in its path, a list value or
``url_for``'s own ``_anchor`` and ``_external`` are left to ``url_for``.

Templates call ``address(endpoint, **args)``: one ``Addresses`` for the request (``flask.g``).
"""
from __future__ import annotations

import re
from urllib.parse import quote_plus

from flask import g, url_for
from werkzeug.routing import BuildError

MARK = "__value__"  # where a text value goes in an address built once (in its query string only)
NUMBER_MARK = 7_130_000_000_000_000  # where a whole number goes (+ its place), in the path too (/items/<int:id>)
QUERY_SAFE = "!$'()*,/:;?@"  # what werkzeug leaves unquoted in a query value (werkzeug.urls._urlencode)
_PLAIN = re.compile(r"[A-Za-z0-9_.~-]*\Z").match  # ids, dates, names of states: the same quoted as not


class Addresses:
    """``url_for`` with the addresses of each endpoint and set of argument names built once."""

    def __init__(self) -> None:
        self._parts: dict[tuple, list[str] | None] = {}

    def __call__(self, endpoint: str, **args) -> str:
        given = {k: v for k, v in args.items() if v is not None}  # url_for leaves out an argument that is None
        if any(isinstance(v, list | tuple | set) or k.startswith("_") for k, v in given.items()):
            return url_for(endpoint, **given)  # several values, or url_for's own (_anchor, _external)
        key = (endpoint, tuple((name, _is_number(value)) for name, value in given.items()))
        if key not in self._parts:
            self._parts[key] = self._marked(endpoint, given)
        parts = self._parts[key]
        if parts is None:
            return url_for(endpoint, **given)
        values = [str(v) if _is_number(v) else _quoted(str(v)) for v in given.values()]
        return "".join(part if n % 2 == 0 else values[int(part)] for n, part in enumerate(parts))  # text, index, …

    @staticmethod
    def _marked(endpoint: str, given: dict) -> list[str] | None:
        """The address split at its marks: text, the index of a value, text, …; None when url_for must build it."""
        marks = {(str(NUMBER_MARK + i) if _is_number(v) else f"{MARK}{i}{MARK}"): i
                 for i, v in enumerate(given.values())}
        try:
            marked = url_for(endpoint, **dict(zip(given, marks, strict=True)))
        except (BuildError, ValueError):  # a path converter refused a mark: url_for each time
            return None
        path = marked.split("?", 1)[0]
        if MARK in path or any(marked.count(mark) != 1 for mark in marks):  # text in the path: quoted otherwise
            return None
        pieces = re.split("(" + "|".join(re.escape(mark) for mark in marks) + ")", marked) if marks else [marked]
        return [piece if n % 2 == 0 else str(marks[piece]) for n, piece in enumerate(pieces)]


def _is_number(value) -> bool:
    """A whole number the way an ``<int:…>`` path part takes it (not a bool, not negative)."""
    return type(value) is int and value >= 0


def _quoted(text: str) -> str:
    return text if _PLAIN(text) else quote_plus(text, safe=QUERY_SAFE)


def address(endpoint: str, **args) -> str:
    """``url_for(endpoint, **args)`` through the request's ``Addresses``."""
    if "addresses" not in g:
        g.addresses = Addresses()
    return g.addresses(endpoint, **args)
