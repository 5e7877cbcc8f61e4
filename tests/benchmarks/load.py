"""The load test of `make bench`: ``BENCH_LOAD_CLIENTS`` clients (default 50), each with its own login, mix reads
(the home page, the item board, the reception log, a register search) with writes (registering a letter as a
tracked item, through the form with its CSRF token) against the portal under gunicorn, for ``BENCH_LOAD_SECONDS``.

It passes when no request got a server error (5xx, or no answer at all) and every write the portal acknowledged
(303 to the new item's page) is in the database afterwards: nothing acknowledged is lost, nothing is half-done.
"""
from __future__ import annotations

import os
import random
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar

CLIENTS = int(os.environ.get("BENCH_LOAD_CLIENTS", "50"))
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "20"))
READS = ["/", "/items/", "/reception/", "/register/?q=%E7%8E%8B"]  # …?q=王
TITLE = "负载测试来信"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 303 is the acknowledgement: keep it, with its Location


@dataclass
class Outcome:
    reads: int = 0
    writes: int = 0
    acknowledged: list[int] = field(default_factory=list)  # the new items' ids
    server_errors: list[str] = field(default_factory=list)
    refused: int = 0  # 4xx answers (a lock wait that timed out would show here as a 409/422 with a message)


def _client(base: str, username: str, password: str):
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    form = opener.open(base + "/login", timeout=60).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    try:
        opener.open(base + "/login", data=urllib.parse.urlencode(
            {"csrf_token": token, "username": username, "password": password}).encode(), timeout=60)
    except urllib.error.HTTPError as answer:
        if answer.code != 302:
            raise
    return opener


def _request(opener, url: str, data: dict | None = None) -> tuple[int, str, str]:
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    try:
        with opener.open(url, data=body, timeout=120) as response:
            return response.status, response.headers.get("Location", ""), response.read().decode(errors="replace")
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers.get("Location", ""), answer.read().decode(errors="replace")


def run(base: str, username: str, password: str, today: str) -> Outcome:
    """Drive the portal at ``base`` with CLIENTS clients for SECONDS seconds; what they got."""
    outcome, lock = Outcome(), threading.Lock()
    openers = [_client(base, username, password) for _ in range(CLIENTS)]
    deadline = time.monotonic() + SECONDS
    start = threading.Barrier(CLIENTS)

    def client(opener, number: int) -> None:
        rng = random.Random(number)
        start.wait()
        while time.monotonic() < deadline:
            try:
                if rng.random() < 0.3:
                    form = _request(opener, base + "/items/new")[2]
                    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
                    status, location, _ = _request(opener, base + "/items/new", {
                        "csrf_token": token, "kind": "letter", "origin": "mailbox", "received_on": today,
                        "title": f"{TITLE}{number}", "content": "负载测试：同时登记的来信。"})
                    found = re.search(r"/items/(\d+)$", location)
                    with lock:
                        outcome.writes += 1
                        if status == 303 and found:
                            outcome.acknowledged.append(int(found.group(1)))
                        elif status >= 500:
                            outcome.server_errors.append(f"POST /items/new: {status}")
                        else:
                            outcome.refused += 1
                else:
                    path = rng.choice(READS)
                    status = _request(opener, base + path)[0]
                    with lock:
                        outcome.reads += 1
                        if status >= 500:
                            outcome.server_errors.append(f"GET {path}: {status}")
                        elif status >= 400:
                            outcome.refused += 1
            except Exception as error:  # noqa: BLE001 - no answer at all is a server error too
                with lock:
                    outcome.server_errors.append(f"{type(error).__name__}: {error}"[:200])

    threads = [threading.Thread(target=client, args=(o, n)) for n, o in enumerate(openers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcome


def missing(app, acknowledged: list[int]) -> list[int]:
    """The acknowledged items the database does not hold (there must be none)."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.items.models import Item

    with app.app_context():
        held = set(db.session.scalars(select(Item.id).where(Item.title.startswith(TITLE))))
    return sorted(set(acknowledged) - held)
