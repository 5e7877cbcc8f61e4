"""`make bench`: every page of the portal served by gunicorn, as ratios to a bare hello app served the same way.

For each database (SQLite in a temporary folder; also PostgreSQL when ``BENCH_DATABASE_URL`` names one, which is
emptied first) the run

1. builds a small data set (``seed-demo --size BENCH_SMALL``) and counts the queries of every page in process,
2. builds the large one (``--size BENCH_SIZE``) and counts them again: the count must not grow with the data.
   ``BENCH_PROVINCE=1`` (or ``BENCH_SIZE=province``) takes the province data set instead, ``seed-demo --province``
   (``BENCH_SCALE`` of it, default 1), against the same shape at 1% for the small one,
3. serves the portal and ``tests/benchmarks/hello.py`` under gunicorn (``BENCH_WORKERS`` sync workers each) on
   loopback and drives them with wrk (``BENCH_CONNECTIONS`` connections, ``BENCH_SECONDS`` a page), the hello app
   just before each page, so each page's requests/s and p95 are read against the ceiling of the same moment,
4. times the exports in a fresh process each (seconds, peak RSS above the process before the export) and the same
   cells written as raw XML into a zip, the floor any writer could reach,
5. reads one worker's RSS fresh, after 200 pages and after 20 exports,
6. runs the load test (``tests/benchmarks/load.py``): 50 clients mixing reads and writes, no server error and
   every acknowledged write present afterwards.

Results go to ``bench/RESULTS.md`` and ``bench/results.json`` (one entry per database; ``BENCH_OUT`` names another
folder, for a trial run); the hand-written part of RESULTS.md, from "## Targets missed, and why" on, is kept.
Timings are reported, never asserted: they belong to the machine.
"""
from __future__ import annotations

import html
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import zipfile
from dataclasses import asdict, dataclass, field
from datetime import datetime
from http.cookiejar import CookieJar
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.benchmarks import load

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
OUT = Path(os.environ.get("BENCH_OUT") or ROOT / "bench")
PASSWORD = "Demo1234"  # seed-demo's password for every demo account

PROVINCE = os.environ.get("BENCH_PROVINCE", "") not in ("", "0") or os.environ.get("BENCH_SIZE") == "province"
SCALE = os.environ.get("BENCH_SCALE", "1")
SIZE = "province" if PROVINCE else os.environ.get("BENCH_SIZE", "50")
SMALL = "province@0.01" if PROVINCE else os.environ.get("BENCH_SMALL", "2")
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
DEEP = 20  # pages followed by their 下一页 links to reach a deep page


# --- what is measured ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Page:
    name: str
    path: str  # a path, or a list path whose page DEEP (followed by cursor) is measured when deep=True
    user: str = "liaison"  # "liaison" (the intermediate court's) or "deputy"
    deep: bool = False


YEAR = datetime.now(ZoneInfo("Asia/Shanghai")).year  # the court's year, for the periods the pages are read at
PAGES = [
    Page("home", "/"),  # its 待办 panels; the figures come in the next request, measured as the dashboard
    Page("dashboard (a year, every court)", f"/?from={YEAR}-01-01&to={YEAR}-12-31"),
    Page("register page 1", "/register/"),
    Page("register deep page", "/register/", deep=True),
    Page("register search 1 char 王", "/register/?q=王"),
    Page("register search 2 chars 王芳", "/register/?q=王芳"),
    Page("register search 3+ chars 人民医院", "/register/?q=人民医院"),
    Page("register search initials zs", "/register/?q=zs"),
    Page("register search pinyin zhang", "/register/?q=zhang"),
    Page("register search work unit 律师事务所", "/register/?q=律师事务所"),
    Page("reception log page 1", "/reception/"),
    Page("reception log deep page", "/reception/", deep=True),
    Page("items board page 1", "/items/"),
    Page("items board deep page", "/items/", deep=True),
    Page("items board overdue", "/items/?deadline=overdue"),
    Page("items queue", "/items/queue"),
    Page("items figures (year)", f"/items/figures?from={YEAR}-01-01&to={YEAR}-12-31"),
    Page("hearings list", "/hearings/"),
    Page("hearings list deep page", "/hearings/", deep=True),
    Page("hearing with the largest board", "hearing:largest"),
    Page("duty plan", "/duty/plan"),
    Page("duty reports", "/duty/"),
    Page("activities", "/activities/"),
    Page("notices outbox", "/notices/"),
    Page("work calendar", "/agenda/"),
    Page("pairing coverage", "/pairing/"),
    Page("deputy workspace", "/workspace/", user="deputy"),
]
EXPORTS = [  # (name, path); a path the portal does not serve (yet) is skipped and said so
    ("register .docx", "/register/export.docx?status="),
    ("register .xlsx", "/register/export.xlsx?status="),
    ("a year's items .docx", f"/items/export.docx?from={YEAR}-01-01&to={YEAR}-12-31"),
    ("a year's items .xlsx", f"/items/export.xlsx?from={YEAR}-01-01&to={YEAR}-12-31"),
    ("a year's receptions .docx", f"/reception/export.docx?from={YEAR}-01-01&to={YEAR}-12-31"),
]


@dataclass
class PageResult:
    name: str
    path: str = ""
    rps: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    rps_ratio: float = 0.0
    p95_ratio: float = 0.0
    queries_small: int | None = None
    queries_big: int | None = None
    ceiling_rps: float = 0.0
    ceiling_p95_ms: float = 0.0
    failures: int = 0


@dataclass
class ExportResult:
    name: str
    rows: int = 0
    seconds: float = 0.0
    peak_mb: float = 0.0
    xml_seconds: float = 0.0
    xml_ratio: float = 0.0
    skipped: str = ""


@dataclass
class Run:
    database: str
    size: str  # seed-demo's --size, or "province" (seed-demo --province)
    data: dict = field(default_factory=dict)
    seed_seconds: float = 0.0
    ceiling: dict = field(default_factory=dict)
    pages: list[PageResult] = field(default_factory=list)
    exports: list[ExportResult] = field(default_factory=list)
    rss_mb: dict = field(default_factory=dict)
    load: dict = field(default_factory=dict)


# --- data -----------------------------------------------------------------------------------------------------------

def environment(url: str, instance: str) -> dict[str, str]:
    return {**os.environ, "PORTAL_DATABASE_URL": url, "PORTAL_INSTANCE_PATH": instance,
            "PORTAL_SECRET_KEY": "bench-secret", "PORTAL_LOGIN_MAX_FAILURES": "1000"}


def flask(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "portal", *args], env=env, cwd=ROOT,
                            capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def seed_args(size: str) -> list[str]:
    """seed-demo's arguments for a size: a number, ``province`` (at ``BENCH_SCALE``) or ``province@<scale>``."""
    if size.startswith("province"):
        return ["--province", "--scale", size.partition("@")[2] or SCALE]
    return ["--size", size]


def build(url: str, instance: str, size: str) -> tuple[float, str]:
    """An empty database seeded with ``seed-demo`` at ``size``; returns the seconds it took and what was added."""
    empty(url, instance)
    env = environment(url, instance)
    start = time.perf_counter()
    flask(env, "init-db", "--no-admin")
    output = flask(env, "seed-demo", *seed_args(size))
    seconds = time.perf_counter() - start
    settle(url)
    return seconds, output.strip()


def settle(url: str) -> None:
    """PostgreSQL: VACUUM ANALYZE after the bulk load, as autovacuum leaves a database that has been running: until
    its pages are marked all-visible an index-only scan (the list counts' covering indexes) reads every row's page
    too (the item board's counts 54 ms instead of 15)."""
    if url.startswith("sqlite"):
        return
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def empty(url: str, instance: str) -> None:
    if url.startswith("sqlite"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


# --- in process: accounts, the pages' paths, the queries they run ----------------------------------------------------

def in_process(url: str, instance: str):
    os.environ.update(environment(url, instance))
    from portal import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})


def accounts(app) -> dict[str, str]:
    """The intermediate court's liaison and a deputy with a login, by the demo's usernames."""
    from sqlalchemy import select

    from portal.auth.models import Court, CourtLevel, Role, User
    from portal.extensions import db

    with app.app_context():
        liaison = db.session.scalar(select(User.username).join(Court, Court.id == User.court_id).where(
            User.role == Role.LIAISON, Court.level == CourtLevel.INTERMEDIATE).order_by(User.id).limit(1))
        deputy = db.session.scalar(select(User.username).where(User.role == Role.DEPUTY).order_by(User.id).limit(1))
    return {"liaison": liaison, "deputy": deputy}


def resolve(app, client, page: Page) -> str:
    """The path a page is measured at: a deep page by following its 下一页 links, the hearing with most invitees."""
    if page.path == "hearing:largest":
        from sqlalchemy import func, select

        from portal.extensions import db
        from portal.hearings.models import HearingInvitation

        with app.app_context():
            hearing_id = db.session.scalar(select(HearingInvitation.hearing_id).group_by(HearingInvitation.hearing_id)
                                           .order_by(func.count().desc()).limit(1))
        return f"/hearings/{hearing_id}"
    path = page.path
    if page.deep:
        for _ in range(DEEP):
            found = re.search(r'href="([^"]+)"[^>]*>下一页', client.get(path).get_data(as_text=True))
            if not found:
                break
            path = html.unescape(found.group(1))
    return path


def count_queries(app, users: dict[str, str], paths: dict[str, str]) -> dict[str, int]:
    """Queries each page runs, counted with SQLAlchemy's cursor events (the second request: caches warm)."""
    from sqlalchemy import event

    from portal.extensions import db

    counts: dict[str, int] = {}
    clients = {role: logged_in_client(app, username) for role, username in users.items()}
    with app.app_context():
        engine = db.engine
    seen = [0]

    def count(*_args):
        seen[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        for page in PAGES:
            client = clients[page.user]
            client.get(paths[page.name])
            seen[0] = 0
            response = client.get(paths[page.name])
            counts[page.name] = seen[0] if response.status_code == 200 else -response.status_code
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return counts


def logged_in_client(app, username: str):
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"could not log in as {username}")
    return client


# --- over HTTP: gunicorn, wrk, RSS --------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving ``target`` on loopback with sync workers."""

    def __init__(self, target: str, env: dict[str, str], workers: int, cwd: Path) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--worker-class", "sync",
             "--bind", f"127.0.0.1:{self.port}", "--timeout", "600", "--log-level", "warning", target],
            env=env, cwd=cwd, start_new_session=True)
        self.base = f"http://127.0.0.1:{self.port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(self.base + "/healthz" if "wsgi" in target else self.base + "/", timeout=2)
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit(f"gunicorn {target} did not start")

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # workers still finishing the slow requests wrk left queued
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)


def http_session(base: str, username: str) -> tuple[urllib.request.OpenerDirector, str]:
    """Logs in through the login form (with its CSRF token); returns the opener and the Cookie header."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode({"csrf_token": token, "username": username, "password": PASSWORD}).encode()
    opener.open(base + "/login", data=data)
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return opener, cookie


def wrk(url: str, cookie: str = "") -> dict[str, float]:
    command = ["wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{SECONDS}s", "--timeout", "60s",
               "-s", str(HERE / "report.lua"), urllib.parse.quote(url, safe=":/?&=%")]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    values = dict(pair.split("=") for pair in re.search(r"^BENCH (.*)$", output, re.M).group(1).split())
    seconds = int(values["duration_us"]) / 1e6
    return {"rps": int(values["requests"]) / seconds, "p50_ms": int(values["p50_us"]) / 1000,
            "p95_ms": int(values["p95_us"]) / 1000, "failures": int(values["failures"])}


def memory_kb(line: str, pid: int | str = "self") -> int:
    """A line of /proc/PID/status: VmRSS (resident now) or VmHWM (the peak since clear_refs)."""
    return int(re.search(rf"{line}:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text()).group(1))


def rss_mb(pid: int) -> float:
    return memory_kb("VmRSS", pid) / 1024


# --- exports --------------------------------------------------------------------------------------------------------

def export_in_fresh_process(url: str, instance: str, username: str, path: str) -> dict:
    """One export in a new interpreter: its seconds and its peak RSS above the process's just before it (what
    the export itself holds at its height: rows, the document tree, the file)."""
    result = subprocess.run([sys.executable, "-m", "tests.benchmarks.run", "--export", url, instance, username, path],
                            cwd=ROOT, capture_output=True, text=True, env=environment(url, instance))
    if result.returncode:
        raise SystemExit(f"export {path} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def export_child(url: str, instance: str, username: str, path: str) -> None:
    app = in_process(url, instance)
    client = logged_in_client(app, username)
    client.get("/")  # templates, mappers and the connection ready, as in a worker that has served a page
    Path("/proc/self/clear_refs").write_text("5")  # Linux: the peak RSS (VmHWM) starts again from now
    before = memory_kb("VmRSS")
    start = time.perf_counter()
    response = client.get(path)
    seconds = time.perf_counter() - start
    peak = memory_kb("VmHWM")
    body = response.get_data() if response.status_code == 200 else b""
    cells = table_cells(body, path)
    start = time.perf_counter()
    raw = raw_docx(cells) if ".docx" in path else raw_xlsx(cells)
    xml_seconds = time.perf_counter() - start
    print(json.dumps({"status": response.status_code, "seconds": seconds, "peak_mb": (peak - before) / 1024,
                      "rows": len(cells), "xml_seconds": xml_seconds, "bytes": len(body), "raw_bytes": len(raw)}))


def table_cells(body: bytes, path: str) -> list[list[str]]:
    """The rows of the export's largest table (Word) or first sheet (Excel), read back after the timing."""
    if not body:
        return []
    if ".docx" in path:
        from docx import Document

        tables = Document(io.BytesIO(body)).tables
        table = max(tables, key=lambda t: len(t.rows)) if tables else None
        return [[cell.text for cell in row.cells] for row in table.rows] if table else []
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def raw_docx(rows: list[list[str]]) -> bytes:
    """The same cells as a WordprocessingML table written as text: what no writer can beat."""
    escape = html.escape
    body = "".join("<w:tr>" + "".join(f"<w:tc><w:p><w:r><w:t>{escape(c)}</w:t></w:r></w:p></w:tc>" for c in row)
                   + "</w:tr>" for row in rows)
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    return _zip({"word/document.xml": f'<?xml version="1.0"?><w:document {ns}><w:body><w:tbl>{body}</w:tbl>'
                                      "</w:body></w:document>"})


def raw_xlsx(rows: list[list[str]]) -> bytes:
    escape = html.escape
    body = "".join("<row>" + "".join(f'<c t="inlineStr"><is><t>{escape(c)}</t></is></c>' for c in row) + "</row>"
                   for row in rows)
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    return _zip({"xl/worksheets/sheet1.xml": f'<?xml version="1.0"?><worksheet {ns}><sheetData>{body}</sheetData>'
                                             "</worksheet>"})


# --- one database ---------------------------------------------------------------------------------------------------

def bench(label: str, url_for_size) -> Run:
    instance = tempfile.mkdtemp(prefix="portal-bench-")
    run = Run(database=label, size=SIZE)

    print(f"[{label}] seed-demo {' '.join(seed_args(SMALL))} …", flush=True)
    small_url = url_for_size(SMALL, instance)
    build(small_url, instance, SMALL)
    app = in_process(small_url, instance)
    users = accounts(app)
    clients = {role: logged_in_client(app, name) for role, name in users.items()}
    small = count_queries(app, users, {p.name: resolve(app, clients[p.user], p) for p in PAGES})

    print(f"[{label}] seed-demo {' '.join(seed_args(SIZE))} …", flush=True)
    url = url_for_size(SIZE, instance)
    run.seed_seconds, added = build(url, instance, SIZE)
    run.data = {"seed-demo": added.splitlines()[0] if added else ""}  # the counts line, not the demo accounts
    app = in_process(url, instance)
    users = accounts(app)
    clients = {role: logged_in_client(app, name) for role, name in users.items()}
    paths = {p.name: resolve(app, clients[p.user], p) for p in PAGES}
    big = count_queries(app, users, paths)

    env = environment(url, instance)
    portal = Server("wsgi:app", env, WORKERS, ROOT)
    hello = Server("tests.benchmarks.hello:app", env, WORKERS, ROOT)
    try:
        cookies = {role: http_session(portal.base, name)[1] for role, name in users.items()}
        ceilings = []
        for page in PAGES:
            print(f"[{label}] {page.name} …", flush=True)
            ceiling = wrk(hello.base + "/")
            measured = wrk(portal.base + paths[page.name], cookies[page.user])
            ceilings.append(ceiling)
            run.pages.append(PageResult(
                name=page.name, path=paths[page.name], rps=round(measured["rps"], 1), p50_ms=measured["p50_ms"],
                p95_ms=measured["p95_ms"], rps_ratio=round(measured["rps"] / ceiling["rps"], 4),
                p95_ratio=round(measured["p95_ms"] / max(ceiling["p95_ms"], 0.001), 1),
                queries_small=small.get(page.name), queries_big=big.get(page.name),
                ceiling_rps=round(ceiling["rps"], 1), ceiling_p95_ms=ceiling["p95_ms"], failures=measured["failures"]))
        run.ceiling = {"rps": round(sum(c["rps"] for c in ceilings) / len(ceilings), 1),
                       "p95_ms": round(sum(c["p95_ms"] for c in ceilings) / len(ceilings), 2)}
        print(f"[{label}] load test: {load.CLIENTS} clients for {load.SECONDS} s …", flush=True)
        today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
        outcome = load.run(portal.base, users["liaison"], PASSWORD, today)
        lost = load.missing(app, outcome.acknowledged)
        run.load = {"clients": load.CLIENTS, "seconds": load.SECONDS, "reads": outcome.reads,
                    "writes": outcome.writes, "acknowledged": len(outcome.acknowledged), "refused": outcome.refused,
                    "server_errors": len(outcome.server_errors), "errors_seen": sorted(set(outcome.server_errors))[:10],
                    "acknowledged_missing": len(lost)}
    finally:
        portal.stop()
        hello.stop()

    for name, path in EXPORTS:
        print(f"[{label}] export {name} …", flush=True)
        measured = export_in_fresh_process(url, instance, users["liaison"], path)
        if measured["status"] != 200:
            run.exports.append(ExportResult(name, skipped=f"HTTP {measured['status']}"))
            continue
        run.exports.append(ExportResult(name, rows=measured["rows"], seconds=round(measured["seconds"], 2),
                                        peak_mb=round(measured["peak_mb"], 1),
                                        xml_seconds=round(measured["xml_seconds"], 3),
                                        xml_ratio=round(measured["seconds"] / max(measured["xml_seconds"], 1e-6), 1)))

    run.rss_mb = worker_rss(env, users["liaison"], [paths[p.name] for p in PAGES if p.user == "liaison"])
    shutil.rmtree(instance, ignore_errors=True)
    return run


def worker_rss(env: dict[str, str], username: str, paths: list[str]) -> dict[str, float]:
    """One worker's resident memory: fresh (after logging in), after 200 pages, after 20 exports."""
    server = Server("wsgi:app", env, 1, ROOT)
    try:
        opener, _ = http_session(server.base, username)
        (worker,) = server.worker_pids()
        fresh = rss_mb(worker)
        for n in range(200):
            opener.open(urllib.parse.quote(server.base + paths[n % len(paths)], safe=":/?&=%")).read()
        after_pages = rss_mb(worker)
        for n in range(20):
            try:
                opener.open(urllib.parse.quote(server.base + EXPORTS[n % len(EXPORTS)][1], safe=":/?&=%")).read()
            except urllib.error.HTTPError:
                pass  # an export the portal does not serve yet
        return {"fresh": round(fresh, 1), "after_pages": round(after_pages, 1), "after_exports": round(rss_mb(worker), 1)}
    finally:
        server.stop()


# --- the report -----------------------------------------------------------------------------------------------------

ANALYSIS = "## Targets missed, and why"


def kept_analysis(path: Path) -> str:
    """The hand-written part of an earlier RESULTS.md (from its ``ANALYSIS`` heading on), kept under the new numbers
    for whoever reads them to bring up to date."""
    earlier = path.read_text() if path.exists() else ""
    return "\n" + earlier[earlier.index(ANALYSIS):] if ANALYSIS in earlier else ""


def write_results(runs: list[Run]) -> None:
    OUT.mkdir(exist_ok=True)
    machine = {"cores": os.cpu_count(), "date": datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat(), "workers": WORKERS,
               "connections": CONNECTIONS, "seconds_per_page": SECONDS}
    payload = {"machine": machine, "runs": [asdict(run) for run in runs]}
    if runs:  # the first run at the top level too, in the shape the issue names, so runs compare
        payload.update({k: payload["runs"][0][k] for k in ("ceiling", "pages", "exports", "rss_mb", "load")})
    (OUT / "results.json").write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
    lines = ["# `make bench` results", "",
             f"{machine['date']}, {machine['cores']} cores; gunicorn with {WORKERS} sync workers, wrk with "
             f"{CONNECTIONS} connections for {SECONDS} s a page; each page measured just after the bare hello app "
             "(`tests/benchmarks/hello.py`) served the same way, and given as ratios to it. Queries: what the page "
             f"ran at seed-demo {' '.join(seed_args(SMALL))} and {' '.join(seed_args(SIZE))} (the second must not be larger).",
             ""]
    for run in runs:
        lines += [f"## {run.database}, seed-demo {' '.join(seed_args(run.size))} ({run.seed_seconds:.0f} s to build)", "",
                  f"Data: {run.data.get('seed-demo', '')}", "",
                  f"Ceiling (hello app): {run.ceiling.get('rps')} req/s, p95 {run.ceiling.get('p95_ms')} ms.", "",
                  "| page | req/s | ÷ hello | p50 ms | p95 ms | p95 ÷ hello | queries small → big |",
                  "|---|---:|---:|---:|---:|---:|---|"]
        for p in run.pages:
            failures = f" ({p.failures} failed)" if p.failures else ""
            lines.append(f"| {p.name}{failures} | {p.rps} | {p.rps_ratio:.3f} | {p.p50_ms:.0f} | {p.p95_ms:.0f} | "
                         f"{p.p95_ratio} | {p.queries_small} → {p.queries_big} |")
        lines += ["", "| export | rows | seconds | peak MB | × raw XML |", "|---|---:|---:|---:|---:|"]
        for e in run.exports:
            lines.append(f"| {e.name} | — | — | — | {e.skipped} |" if e.skipped else
                         f"| {e.name} | {e.rows} | {e.seconds} | {e.peak_mb} | {e.xml_ratio} |")
        lo = run.load
        if lo:
            verdict = "passed" if not lo["server_errors"] and not lo["acknowledged_missing"] else "FAILED"
            lines += ["", f"Load test ({verdict}): {lo['clients']} clients for {lo['seconds']} s, {lo['reads']} reads and "
                          f"{lo['writes']} writes; {lo['acknowledged']} writes acknowledged, "
                          f"{lo['acknowledged_missing']} of them missing afterwards; {lo['server_errors']} server errors"
                          f"{': ' + '; '.join(lo['errors_seen']) if lo['errors_seen'] else ''}; {lo['refused']} refused (4xx)."]
        rss = run.rss_mb
        lines += ["", f"One worker's RSS: {rss.get('fresh')} MB fresh, {rss.get('after_pages')} MB after 200 pages, "
                      f"{rss.get('after_exports')} MB after 20 exports.", ""]
    (OUT / "RESULTS.md").write_text("\n".join(lines) + kept_analysis(OUT / "RESULTS.md"))
    print(f"wrote {OUT / 'RESULTS.md'} and {OUT / 'results.json'}")


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: `make bench` installs it from Debian's packages")
    runs = [bench("SQLite", lambda size, instance: f"sqlite:///{instance}/bench-{size}.db")]
    postgres = os.environ.get("BENCH_DATABASE_URL")
    if postgres:
        runs.append(bench("PostgreSQL", lambda size, instance: postgres))
    write_results(runs)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--export"]:
        export_child(*sys.argv[2:6])
    else:
        main()
