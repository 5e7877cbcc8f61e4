"""Bad input never answers 500: garbage in every parameter of every route, and the parsing layer itself.

The fuzz test finds the parameters a route reads by recording which query and form keys it looks up (a
recording ``parameter_storage_class``), then sends them garbage, one at a time and all at once, as the liaison
and a deputy (the admin for the admin's pages).

Garbage goes in where it can fail. On PostgreSQL (``make test``'s second pass) each parameter gets on its own
every kind that reaches the database and fails loudly there (NUL, numbers beyond any column, a negative LIMIT,
cursors of the wrong types), and all parameters at once every kind but the far dates and control characters,
which only the Python trips on, as it does on SQLite. SQLite takes the database's kinds quietly, so on it each
parameter gets one of the kinds the Python parsing them can trip on (a different one from its neighbour's), and
all parameters at once every kind.
"""
import base64
import json
import re
from datetime import date, datetime
from html.parser import HTMLParser

import pytest
from flask import Request
from werkzeug.datastructures import ImmutableMultiDict

from portal import params
from portal.auth.models import Duty, Role
from portal.extensions import db
from portal.register.models import Deputy
from tests.conftest import DATABASE_URL
from tests.route_matrix import ROUTES, form_data

pytestmark = pytest.mark.shared_records  # one app and one set of records for the module, each test rolled back


def _cursor(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(["n", values]).encode()).decode().rstrip("=")


CURSORS = [_cursor(v) for v in (["abc"], [{"dt": "x"}, 1], [[1], {"a": 1}], [99999999999999999999, "x", None],
                                 [1e308, True], [{"d": "2025-13-45"}, "x", 1], ["²", "\x00", "a", "b"])]
FAR_DATES = ["0001-01-01", "9999-12-31T23:59"]  # the time-zone arithmetic overflows there
GARBAGE = ["²", "-1", "99999999999999999999", "\x00", "a\x00b", "abc", "2025-13-45", "\u202e\r\n", *FAR_DATES]
FORM_GARBAGE = ["²", "-1", "99999999999999999999", "a\x00b", "abc", "2025-13-45", *FAR_DATES]
# One value of each kind that broke something, for the one-parameter-at-a-time tries (all of them go in at once):
# those the database fails on (PostgreSQL) and those the parsing Python fails on (either database).
DATABASE_KINDS = {"-1", "99999999999999999999", "a\x00b", *CURSORS}
PYTHON_KINDS = {"²", "2025-13-45", "0001-01-01"}
# Kinds PostgreSQL takes as well as SQLite where they reach it unparsed: only the Python's time-zone arithmetic and
# header handling trip on them, so PostgreSQL does not get them all at once again.
ONLY_PYTHON = {"\u202e\r\n", *FAR_DATES}
HUGE_ID = "99999999999999999999"
ON_POSTGRESQL = DATABASE_URL.startswith("postgresql")
_read: set[str] = set()


class RecordingDict(ImmutableMultiDict):
    """Notes every key a route looks up, so the test knows which parameters to spoil."""

    def __getitem__(self, key):
        _read.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None, type=None):
        _read.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):
        _read.add(key)
        return super().getlist(key, type)

    def __contains__(self, key):
        _read.add(key)
        return super().__contains__(key)


class RecordingRequest(Request):
    parameter_storage_class = RecordingDict


class FormFields(HTMLParser):
    """The values a page's forms would send as they are, to start from valid input."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("file", "submit", "button"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self.values.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.values.setdefault(self._select, []).append(attrs.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values.setdefault(name, []).append("")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea][-1] += data


def _answer(client, method, url, **kwargs) -> int:
    """The status code, with an exception counted as the 500 a server would answer."""
    try:
        response = client.open(url, method=method, **kwargs)
    except Exception as error:  # noqa: BLE001 - TESTING propagates what would be a 500
        db.session.rollback()
        return f"500 ({type(error).__name__}: {error})"[:300]
    response.close()
    return response.status_code


def _alone(keys: set[str], values: list[str]) -> list[dict[str, str]]:
    """The tries that spoil one parameter each: on PostgreSQL every kind the database fails on in each, on SQLite
    one of the kinds the Python fails on in each, in turn."""
    keys = sorted(keys)
    if ON_POSTGRESQL:
        return [{key: value} for value in values if value in DATABASE_KINDS for key in keys]
    values = [v for v in values if v in PYTHON_KINDS or v in CURSORS]
    return [{key: values[n % len(values)]} for n, key in enumerate(keys)] if values else []


def _at_once(keys: set[str], values: list[str]) -> list[dict[str, str]]:
    """The tries that spoil every parameter with one kind; on PostgreSQL not with those only the Python fails on."""
    return [dict.fromkeys(keys, value) for value in values if not (ON_POSTGRESQL and value in ONLY_PYTHON)]


def _which(spoiled: dict) -> str:
    return next(iter(spoiled)) if len(spoiled) == 1 else "every parameter"


def _keys_read(client, method, url, **kwargs) -> set[str]:
    _read.clear()
    _answer(client, method, url, **kwargs)
    return set(_read) - {"csrf_token"}


@pytest.fixture
def fuzz_client(app, client):
    app.request_class = RecordingRequest
    return client


def _methods(app, endpoint) -> set[str]:
    return {m for rule in app.url_map.iter_rules(endpoint) for m in rule.methods} & {"GET", "POST"}


def _fuzz_cases():
    """Each route as the liaison and as a deputy where they reach it, as the administrator whose duty it is where
    only administrators do (a refused role reads no parameter; see test_access)."""
    for endpoint, (_, _, allowed, *_) in sorted(ROUTES.items()):
        roles = [r for r in (Role.LIAISON, Role.DEPUTY) if allowed is None or r in allowed]
        if not roles:
            roles = [d for d in Duty if d in allowed][:1]
        for role in roles:
            yield pytest.param(endpoint, role, id=f"{endpoint}-{role.value}")


@pytest.mark.parametrize(("endpoint", "role"), list(_fuzz_cases()))
def test_garbage_in_every_parameter_never_answers_500(app, fuzz_client, login_as, records, endpoint, role):
    client = fuzz_client
    method, template, allowed, *_ = ROUTES[endpoint]
    if role == Role.DEPUTY:
        login_as(role, deputy=db.session.get(Deputy, records["deputy"]))
    else:
        login_as(role)
    url = template.format(**records)
    path, _, query = url.partition("?")
    base_args = dict(part.split("=", 1) for part in query.split("&") if part)
    failures = []

    if "GET" in _methods(app, endpoint) and endpoint != "auth.logout":
        keys = _keys_read(client, "GET", path, query_string=base_args)
        tries = _alone(keys - {"cursor"}, GARBAGE) + (_alone({"cursor"}, CURSORS) if "cursor" in keys else [])
        tries += _at_once(keys, GARBAGE + (CURSORS if "cursor" in keys else []))
        sent = set()  # a GET changes nothing: the same query twice (one key spoiled, or all of them) answers the same
        for spoiled in tries:
            query = {**base_args, **spoiled}
            if tuple(sorted(query.items())) in sent:
                continue
            sent.add(tuple(sorted(query.items())))
            status = _answer(client, "GET", path, query_string=query)
            if not isinstance(status, int) or status >= 500:
                failures.append(("GET", _which(spoiled), next(iter(spoiled.values())), status))

    if "POST" in _methods(app, endpoint) and endpoint not in ("auth.logout", "auth.login"):
        form = FormFields()
        if "GET" in _methods(app, endpoint):
            response = client.get(path, query_string=base_args)
            form.feed(response.get_data(as_text=True))
            response.close()
        baseline = {**form.values, **{k: [v] for k, v in (form_data(ROUTES[endpoint], records) or {}).items()}}
        keys = _keys_read(client, "POST", url, data=baseline) | set(baseline)
        for spoiled in _alone(keys, FORM_GARBAGE) + _at_once(keys, FORM_GARBAGE):
            status = _answer(client, "POST", url, data={**baseline, **spoiled})
            if not isinstance(status, int) or status >= 500:
                failures.append(("POST", _which(spoiled), next(iter(spoiled.values())), status))

    assert not failures, "\n".join(map(repr, failures[:20]))


def _first_allowed(allowed):
    """Someone the route lets in: the liaison, else a deputy, an administrator, a leader or a handler."""
    return next(a for a in (Role.LIAISON, Role.DEPUTY, *Duty, Role.LEADER, Role.HANDLER)
                if allowed is None or a in allowed)


def _names_an_id(template: str) -> bool:
    """The URL has a record id in it (a calendar feed's secret is not one)."""
    return any(not name.endswith("_token") for name in re.findall(r"{(\w+)}", template))


@pytest.mark.parametrize("endpoint", sorted(e for e, (_, template, *_) in ROUTES.items() if _names_an_id(template)))
def test_ids_beyond_any_integer_column_are_not_found(client, login_as, records, endpoint):
    method, template, allowed, *_ = ROUTES[endpoint]
    login_as(_first_allowed(allowed))
    huge = {key: HUGE_ID if isinstance(value, int) else value for key, value in records.items()}
    response = client.open(template.format(**huge), method=method)
    assert response.status_code == 404
    assert "页面或记录不存在" in response.get_data(as_text=True)


def test_parsers_take_only_what_they_mean():
    assert params.parse_id("12") == 12
    assert params.parse_id(str(2**31 - 1)) == 2**31 - 1
    for bad in ("²", "-1", "0", "1.5", " 1", HUGE_ID, str(2**31), "\x00", None, "", "١٢"):
        assert params.parse_id(bad) is None, bad
    assert params.parse_ids(["3", "x", "3", "²", "4"]) == [3, 4]
    assert params.parse_int("2025", default=1, minimum=1900, maximum=2100) == 2025
    assert params.parse_int("²", default=7) == 7
    assert params.parse_int("99999", default=7, maximum=2100) == 7
    assert params.parse_date("2025-03-01") == date(2025, 3, 1)
    for bad in ("2025-13-45", "abc", "²", "", None, "20250301x", "0001-01-01", "9999-12-31"):
        assert params.parse_date(bad) is None, bad
    assert params.parse_datetime("2025-03-01 14:30") == datetime(2025, 3, 1, 14, 30)
    for bad in ("2025-03-01", "2025-03-01T25:00", "0001-01-01T00:00", "abc", None):
        assert params.parse_datetime(bad) is None, bad
    assert params.parse_choice("b", ("a", "b")) == "b"
    assert params.parse_choice("z", ("a", "b"), default="a") == "a"
    assert params.clean_query(" 张\x00三\r\n\u202e ", 40) == "张三"
    assert params.clean_text("第一行\r\n第二行\x00\x07\t完", multiline=True) == "第一行\r\n第二行\t完"
    assert params.clean_text("张三\r\nX-Evil: 1\t") == "张三X-Evil: 1"
