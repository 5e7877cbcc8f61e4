"""Benchmark the register on a large demo database: `make bench` (or python -m tests.benchmarks.bench_register).

Timings are printed, never asserted: they depend on the machine. Each figure is the median of several runs.
"""
import html
import os
import re
import statistics
import sys
import tempfile
import time

SIZE = int(os.environ.get("BENCH_SIZE", "50"))  # seed-demo size: 200 deputies per unit


def median_ms(action, runs: int = 7) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    os.environ["PORTAL_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="portal-bench-")
    from portal import create_app
    from portal.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": os.environ.get("PORTAL_DATABASE_URL")
                      or f"sqlite:///{os.environ['PORTAL_INSTANCE_PATH']}/bench.db", "WTF_CSRF_ENABLED": False})
    runner = app.test_cli_runner()
    start = time.perf_counter()
    with app.app_context():
        runner.invoke(args=["init-db", "--no-admin"])
        result = runner.invoke(args=["seed-demo", "--size", str(SIZE)])
    print(f"seed-demo --size {SIZE}: {time.perf_counter() - start:.1f} s — {result.output.strip()}")

    from sqlalchemy import func, select

    from portal.auth.models import Role, User
    from portal.register.models import Deputy

    with app.app_context():
        deputies = db.session.scalar(select(func.count(Deputy.id)))
        liaison = db.session.scalar(select(User.username).where(User.role == Role.LIAISON).limit(1))
    client = app.test_client()
    client.post("/login", data={"username": liaison, "password": "Demo1234"})
    hx = {"HX-Request": "true", "HX-Target": "results"}

    def deep_page_cursor() -> str:
        """Walk 40 pages by their 下一页 links to reach a deep one; that page alone is timed."""
        url = "/register/?status="
        for _ in range(40):
            body = client.get(url, headers=hx).get_data(as_text=True)
            url = html.unescape(re.search(r'href="([^"]+)"[^>]*>下一页', body).group(1))
        assert "page=41" in url
        return url

    deep = deep_page_cursor()
    rows = [
        ("register first page (full HTML)", lambda: client.get("/register/")),
        ("register first page (htmx fragment)", lambda: client.get("/register/?q=", headers=hx)),
        ("register page 40 by keyset cursor", lambda: client.get(deep, headers=hx)),
        ("search pinyin initials 'zs'", lambda: client.get("/register/?q=zs", headers=hx)),
        ("search full pinyin 'zhang'", lambda: client.get("/register/?q=zhang", headers=hx)),
        ("search 3+ chars '人民医院' (FTS5 trigram)", lambda: client.get("/register/?q=人民医院", headers=hx)),
        ("search 2 chars '李明' (LIKE fallback)", lambda: client.get("/register/?q=李明", headers=hx)),
        ("search phone fragment '1391'", lambda: client.get("/register/?q=1391", headers=hx)),
        ("export all active to .xlsx", lambda: client.get("/register/export.xlsx")),
        ("export all active to .docx", lambda: client.get("/register/export.docx")),
    ]
    print(f"{deputies} deputies in the register ({app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]})")
    for label, action in rows:
        runs = 3 if "export" in label else 9
        print(f"  {label:45s} {median_ms(action, runs):8.1f} ms")


if __name__ == "__main__":
    sys.exit(main())
