"""Fixtures: one migrated database per test run, emptied after each test; factories; login helpers.

An app is built once for each set of settings and kept for the next test (its config restored). Modules marked
``shared_records`` (the role matrix: test_access, test_params) build the matrix's records once and run each test
in a transaction rolled back at its end.

Set PORTAL_TEST_DATABASE_URL to run the suite against another database (PostgreSQL in CI). Set
PORTAL_TEST_UTC_HOUR (``make test`` sets 17 for the SQLite run) to run the whole suite with the clock moved to
the next such hour UTC and ticking from there: at 17:00 UTC the server's date is still yesterday while the
court's (Beijing) date is already tomorrow, so any "today" taken from the wrong clock fails a test.
"""
import contextvars
import itertools
import os
import tempfile
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest
import time_machine
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text

TEST_DIR = tempfile.mkdtemp(prefix="portal-test-")
os.environ["PORTAL_INSTANCE_PATH"] = TEST_DIR  # never read a developer's instance/config.py
for variable in [v for v in os.environ if v.startswith("PORTAL_") and not v.startswith("PORTAL_TEST_")
                 and v != "PORTAL_INSTANCE_PATH"]:  # the suite's own settings (PORTAL_TEST_*) stay
    del os.environ[variable]

import portal.auth.models  # noqa: E402
from portal import clock, create_app  # noqa: E402
from portal.auth.models import Court, CourtLevel, Department, Duty, Role, User  # noqa: E402
from portal.config import DefaultConfig  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.register.models import Deputy, DeputyKind, DeputyLevel, Gender, Mandate, Pairing  # noqa: E402

PASSWORD = "Passw0rd-test"
portal.auth.models.PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # scrypt costs ~0.1 s per hash


def _worker_database(url: str) -> str:
    """The database this test process uses: under pytest-xdist each worker gets its own PostgreSQL database
    (``test_gw0``, ``test_gw1``…), created when missing; SQLite files already live in a per-process folder."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not url.startswith("postgresql"):
        return url
    return _database_beside(url, worker)


def _database_beside(url: str, suffix: str) -> str:
    """Another database next to ``url``: a file beside it (SQLite), a database of its own, created when missing
    (PostgreSQL)."""
    from sqlalchemy.engine import make_url

    base = make_url(url)
    if base.get_backend_name() == "sqlite":
        file = Path(base.database)
        return base.set(database=str(file.with_stem(f"{file.stem}_{suffix}"))).render_as_string()
    name = f"{base.database}_{suffix}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


DATABASE_URL = _worker_database(os.environ.get("PORTAL_TEST_DATABASE_URL") or f"sqlite:///{TEST_DIR}/test.db")
_counter = itertools.count(1)


def _next_utc_hour(hour: int) -> datetime:
    """The next ``hour``:00 UTC from now (forward only, so browser cookies set by the server stay valid)."""
    now = datetime.now(timezone.utc)
    moment = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    return moment if moment > now else moment + timedelta(days=1)


def pytest_configure(config):
    hour = os.environ.get("PORTAL_TEST_UTC_HOUR")
    if hour:
        traveller = time_machine.travel(_next_utc_hour(int(hour)), tick=True)
        traveller.start()
        config.stash[_clock_key] = traveller


def pytest_report_header(config):
    traveller = config.stash.get(_clock_key, None)
    if traveller:
        return f"clock moved to {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC (PORTAL_TEST_UTC_HOUR)"


_clock_key = pytest.StashKey()


class IsolatedClient(FlaskClient):
    """Runs each request in its own app context, as a server would.

    The ``app`` fixture keeps an app context pushed for the test's own queries; without this, requests
    would share it, and with it ``g`` (Flask-Login's cached user) and the database session.
    """

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():  # not so inside a redirect that this client follows
            db.session.expire_all()  # the test's own objects see what the request committed
        return response


def make_app(**overrides):
    config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": DATABASE_URL, "SECRET_KEY": "test",
              "WTF_CSRF_ENABLED": False, "UPLOAD_FOLDER": os.path.join(TEST_DIR, "uploads"),
              # A test that sends an SMS expects it sent at whatever hour it runs; the quiet-hours test sets them.
              "SMS_QUIET_HOURS": ""}
    config.update(overrides)
    if config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # A test database need not survive a crash: not waiting for each commit to reach the disk saves ~3 ms a
        # commit, and tests commit tens of thousands of times.
        config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {**DefaultConfig.SQLALCHEMY_ENGINE_OPTIONS,
                                                        "connect_args": {"options": "-c synchronous_commit=off"}})
    return create_app(config)


@pytest.fixture(scope="session")
def _migrated():
    """Bring the test database to the newest schema once, through the real migrations."""
    app = make_app()
    with app.app_context():
        _migrate(app)
        db.engine.dispose()
    return True


def _migrate(app) -> None:
    """Bring the app's database from nothing to the newest schema."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    from flask_migrate import upgrade

    upgrade(directory=app.extensions["migrate"].directory, revision="heads")


def _empty_database() -> None:
    """Empty the tables the test wrote to, and start ids at 1 again.

    Most tests fill a handful of the ~40 tables: finding those in one query and deleting only from them costs
    far less than a DELETE (SQLite) or TRUNCATE (PostgreSQL) of every table after every test.
    """
    from portal.audit import purging

    db.session.remove()
    tables = [t.name for t in reversed(db.metadata.sorted_tables)  # referencing tables first
              if t.name != "audit_purge"]  # the audit trigger's flag, set by purging() below
    with db.engine.begin() as connection, purging(connection):  # the audit trail's DELETE trigger lets it go
        filled = set(connection.scalars(text(" UNION ALL ".join(
            f"SELECT '{table}' WHERE EXISTS (SELECT 1 FROM \"{table}\")" for table in tables))))
        for table in tables:
            if table in filled:
                connection.execute(text(f'DELETE FROM "{table}"'))
        if connection.dialect.name == "postgresql":  # SQLite's rowids start again by themselves
            used = connection.scalars(text("SELECT quote_ident(sequencename) FROM pg_sequences "
                                           "WHERE schemaname = current_schema() AND last_value IS NOT NULL"))
            for sequence in list(used):
                connection.execute(text(f"ALTER SEQUENCE {sequence} RESTART"))


@pytest.fixture
def app_config() -> dict:
    """Override in a test module (or parametrize) to change settings for its app."""
    return {}


@pytest.fixture
def app(request, _migrated, app_config):
    for marker, shared in (("shared_records", "_shared"), ("seeded_demo", "_demo")):
        if request.node.get_closest_marker(marker):
            with _rolled_back(request.getfixturevalue(shared), app_config) as app:
                yield app
            return
    app = _app_for(app_config)
    config, request_class, routes = dict(app.config), app.request_class, len(list(app.url_map.iter_rules()))
    with app.app_context():
        yield app
        _empty_database()
    app.config.clear()  # what the test changed is not seen by the next one
    app.config.update(config)
    app.request_class = request_class
    if len(list(app.url_map.iter_rules())) != routes:
        del _apps[_app_key(app_config)]  # the test added routes of its own (tests/test_events.py)


_apps: dict = {}
_pooled = None  # the app whose connections stay open for the next test


def _drop(app) -> None:
    """Close the connections an app keeps in its pool."""
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def _close_pools():
    yield
    if _pooled is not None:
        _drop(_pooled)


def _app_key(app_config: dict) -> str:
    return repr(sorted(app_config.items()))


def _app_for(app_config: dict):
    """An app with these settings, kept for the next test that asks for them: building one costs ~0.1 s (mostly
    compiling its ~140 URL rules), a tenth of a small test."""
    app = _apps.get(_app_key(app_config))
    if app is None:
        app = _apps[_app_key(app_config)] = make_app(**app_config)
        app.test_client_class = IsolatedClient
    else:
        app._got_first_request = False  # so a test can still add routes of its own before its first request
    # Connecting to PostgreSQL anew for every test cost ~30 ms a test: the last app used keeps its connections
    # open for the next test, which most often asks for the same app; any other app's are closed.
    global _pooled
    if _pooled is not None and _pooled is not app:
        _drop(_pooled)
    _pooled = app
    return app


@pytest.fixture(scope="module")
def _shared(_migrated):
    """One app and one set of the role matrix's records for a module marked ``shared_records``.

    Building every area's records and a new app for each of the matrix's ~1,100 cases cost most of the suite's
    time; instead they are built (and committed) once per module, and each test runs in a transaction that is
    rolled back at its end (``_rolled_back``), so every test still starts from the same records.
    """
    app = make_app()
    app.test_client_class = IsolatedClient
    with app.app_context():
        court = _court_factory()(code="main", name="某某市中级人民法院")
        ids = build_records(court, _user_factory(court), _deputy_factory(), _department_factory(court))
        court_id = court.id
        db.session.remove()
        yield SimpleNamespace(app=app, court_id=court_id, records=ids, files=_stored_files(app))
        _empty_database()
        db.engine.dispose()


@pytest.fixture(scope="session")
def _demo():
    """The demo data (``flask seed-demo --size 1``) seeded once for this test process in a database of its own,
    for the tests marked ``seeded_demo`` that check what it made: each runs in a transaction rolled back at its end.

    Seeding costs 5–10 s; each area's test of its part of the demo once seeded it on its own."""
    app = make_app(SQLALCHEMY_DATABASE_URI=_database_beside(DATABASE_URL, "demo"),
                   UPLOAD_FOLDER=os.path.join(TEST_DIR, "demo-uploads"))
    app.test_client_class = IsolatedClient
    with app.app_context():
        _migrate(app)
        output = app.test_cli_runner().invoke(args=["seed-demo", "--size", "1"]).output
        line = next(line for line in output.splitlines() if line.startswith("已生成演示数据："))
        counts = {label: int(n) for label, n in (part.rsplit(" ", 1) for part in line.split("：", 1)[1].split("，"))}
        db.session.remove()
        yield SimpleNamespace(app=app, output=output, counts=counts, files=_stored_files(app))
        db.engine.dispose()


@pytest.fixture
def demo_seeded(_demo) -> SimpleNamespace:
    """What ``seed-demo --size 1`` printed (``output``) and the counts it printed (``counts``, by label)."""
    return _demo


def _stored_files(app) -> dict:
    """The files in the app's upload folder with their bytes, to put back what a rolled-back test deleted."""
    folder = Path(app.config["UPLOAD_FOLDER"])
    return {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()}


@contextmanager
def _rolled_back(shared, app_config: dict):
    """The shared app, its database work inside one transaction rolled back at the end.

    Every session (the test's and each request's) joins the test's connection and turns its commits and rollbacks
    into SAVEPOINTs (``join_transaction_mode="create_savepoint"``), so the app behaves as it does on its own.
    """
    app = shared.app
    config, request_class = dict(app.config), app.request_class
    app.config.update(app_config)
    for path, data in shared.files.items():  # a test may delete a record's stored file
        if not path.exists():
            path.write_bytes(data)
    engines = db._app_engines[app]
    engine = engines[None]
    factory = db.session.session_factory
    factory_options = dict(factory.kw)
    with app.app_context():
        connection = engine.connect()
        transaction = connection.begin()
        if connection.dialect.name == "sqlite":
            # pysqlite opens a transaction only at the first write; a SAVEPOINT before it would commit on release.
            connection.exec_driver_sql("BEGIN")
        engines[None] = connection
        factory.configure(join_transaction_mode="create_savepoint")
        try:
            yield app
        finally:
            db.session.remove()
            factory.kw.clear()
            factory.kw.update(factory_options)
            engines[None] = engine
            transaction.rollback()
            connection.close()
            app.config.clear()
            app.config.update(config)
            app.request_class = request_class


@contextmanager
def sql_statements():
    """``with sql_statements() as sent:``: the SQL statements the block sent, in the list ``sent`` (to show that
    a page's or an export's count does not grow with its rows)."""
    sent: list[str] = []

    def listener(conn, cursor, statement, *args):
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def _court_factory():
    def factory(**kw) -> Court:
        n = next(_counter)
        kw.setdefault("code", f"c{n}")
        kw.setdefault("name", f"测试{n}人民法院")
        kw.setdefault("level", CourtLevel.INTERMEDIATE if kw.get("parent") is None else CourtLevel.BASIC)
        court = Court(**kw)
        db.session.add(court)
        db.session.commit()
        return court

    return factory


def _user_factory(court: Court):
    def factory(role: Role | Duty | str = Role.LIAISON, **kw) -> User:
        """A user of business ``role``; a duty (``Duty.AUDIT``) makes an administrator with no business role, and
        ``admin_duty=`` gives a business role a duty as well."""
        n = next(_counter)
        if isinstance(role, Duty) or role in Duty.__members__.values():
            role, kw["admin_duty"] = Role.NONE, Duty(role)
        user = User(username=kw.pop("username", f"user{n}"), display_name=kw.pop("display_name", f"用户{n}"),
                    role=Role(role), court=kw.pop("court", court), **kw)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        return user

    return factory


def _deputy_factory():
    def factory(**kw) -> Deputy:
        n = next(_counter)
        values = {"name": f"代表{n}", "gender": Gender.MALE, "kind": DeputyKind.NPC, "level": DeputyLevel.CITY,
                  "term": "第十六届", "mobile": f"139{n:08d}", "work_unit": "某某公司", "group_name": "城区代表组"}
        values.update(kw)
        # one person with one mandate; the mandate's fields are given with the person's
        seat = {k: values.pop(k) for k in ("kind", "level", "term", "group_name", "constituency", "status", "left_on")
                if k in values}
        leaders = values.pop("paired_with", [])  # a leader or a list of them, paired since a month ago
        deputy = Deputy(**values)
        deputy.mandates.append(Mandate(**seat))
        for leader in leaders if isinstance(leaders, list) else [leaders]:
            deputy.pairings.append(Pairing(leader_id=leader.id, since=clock.today() - timedelta(days=30)))
        deputy.refresh_keys()
        db.session.add(deputy)
        db.session.commit()
        return deputy

    return factory


def _department_factory(court: Court):
    def factory(name: str = "民一庭", **kw) -> Department:
        department = Department(name=name, court=kw.pop("court", court), **kw)
        db.session.add(department)
        db.session.commit()
        return department

    return factory


@pytest.fixture
def make_court(app):
    return _court_factory()


@pytest.fixture
def court(request, make_court) -> Court:
    if request.node.get_closest_marker("shared_records"):
        return db.session.get(Court, request.getfixturevalue("_shared").court_id)
    return make_court(code="main", name="某某市中级人民法院")


@pytest.fixture
def make_user(app, court):
    return _user_factory(court)


@pytest.fixture
def make_deputy(app):
    return _deputy_factory()


@pytest.fixture
def make_department(app, court):
    return _department_factory(court)


def log_in(client, username: str, password: str = PASSWORD):
    return client.post("/login", data={"username": username, "password": password})


def sign_in(client, user: User) -> None:
    """Leave ``client`` logged in as ``user`` the way a right password does, through the login's own last step
    (``auth.routes._log_in``: the UserSession row, the audit record, the session cookie) without posting the form,
    which cost 2–4 times more than most tests' own requests; the login's own tests post it (``log_in``). A user the
    login would first ask for a second factor goes through the form, and so stays logged out until it is given."""
    from flask import session

    from portal.auth import policy
    from portal.auth.routes import _log_in

    if user.twofactor_enabled or policy.twofactor_required(user):
        assert log_in(client, user.username).status_code == 302
        return
    with client.application.test_request_context():  # the client's address and browser, as the login sees them
        _log_in(user, "/")
        cookie = dict(session)
        db.session.commit()
    with client.session_transaction() as client_session:  # what the previous user left goes, as on a login
        client_session.clear()
        client_session.update(cookie)


@pytest.fixture
def login_as(client, make_user, make_deputy):
    """Log the test client in as a new user of ``role``; a deputy user is linked to a new register entry."""

    def login(role: Role | Duty | str, **kw) -> User:
        if role == Role.DEPUTY and "deputy" not in kw:
            kw["deputy"] = make_deputy()
        user = make_user(role, **kw)
        sign_in(client, user)
        return user

    return login


@pytest.fixture
def records(request, court, make_deputy, make_user, make_department):
    """Ids for the URL templates of the role matrix (tests/route_matrix.py); built once per module in modules
    marked ``shared_records``."""
    if request.node.get_closest_marker("shared_records"):
        return dict(request.getfixturevalue("_shared").records)
    return build_records(court, make_user, make_deputy, make_department)


def build_records(court, make_user, make_deputy, make_department) -> dict:
    from tests.route_matrix import RECORD_MAKERS

    deputy = make_deputy(status="active")
    ids = {"deputy": deputy.id, "mandate": deputy.mandates[0].id, "user": make_user(Role.HANDLER).id,
           "department": make_department().id, "court": court.id}
    for make in RECORD_MAKERS:
        ids.update(make(court=court, make_user=make_user, make_deputy=make_deputy, make_department=make_department))
    return ids
