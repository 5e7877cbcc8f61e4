"""Many links to the same pages at the cost of a string join each instead of a ``url_for`` each.

A province's figures page links tens of thousands of figures to their lists, and its duty plan hundreds of
groups to theirs; ``url_for`` costs about as much as the rest of such a link. ``Addresses`` builds an address once
per endpoint and set of argument names, with marks where the values go, and puts each link's values in place,
quoted as werkzeug quotes query values. Only arguments that go into the query string are put in that way: an
address with a mark in its path (``/items/<int:item_id>``), a list value or ``url_for``'s own ``_anchor`` and
``_external`` are left to ``url_for``.

Templates call ``address(endpoint, **args)``: one ``Addresses`` for the request (``flask.g``).
"""
from __future__ import annotations

import re
from urllib.parse import quote_plus

from flask import g, url_for
from werkzeug.routing import BuildError

MARK = "__value__"  # where an argument's value goes in an address built once
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
        key = (endpoint, tuple(given))
        if key not in self._parts:
            self._parts[key] = self._marked(endpoint, given)
        parts = self._parts[key]
        if parts is None:
            return url_for(endpoint, **given)
        values = [_quoted(str(v)) for v in given.values()]
        return "".join(part if n % 2 == 0 else values[int(part)] for n, part in enumerate(parts))  # text, index, …

    @staticmethod
    def _marked(endpoint: str, given: dict) -> list[str] | None:
        try:
            marked = url_for(endpoint, **{name: f"{MARK}{i}{MARK}" for i, name in enumerate(given)})
        except (BuildError, ValueError):  # a path converter refused the mark (an int id): url_for each time
            return None
        return None if MARK in marked.split("?", 1)[0] else marked.split(MARK)


def _quoted(text: str) -> str:
    return text if _PLAIN(text) else quote_plus(text, safe=QUERY_SAFE)


def address(endpoint: str, **args) -> str:
    """``url_for(endpoint, **args)`` through the request's ``Addresses``."""
    if "addresses" not in g:
        g.addresses = Addresses()
    return g.addresses(endpoint, **args)
