"""法院人大代表、政协委员联络工作平台 — the application factory."""
import copy
import importlib
import os
import secrets
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from portal import crypto, uploads
from portal.config import ENVIRONMENT_SETTINGS, DefaultConfig
from portal.extensions import commit_request, csrf, db, login_manager, migrate
from portal.params import IdConverter

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Feature areas, in navigation order. Each is a package ``portal.<area>`` with a blueprint ``bp`` and, optionally,
# ``NAVIGATION`` (label, endpoint, roles) entries, a ``cli`` module with ``register(export_group)``, a ``demo``
# module with ``seed(context)``, ``contributions`` (the hooks of ``portal.areas``) and ``messages`` (what it tells
# people through notices). README's "Inside" lists the files of an area.
AREAS = ["main", "auth", "register", "items", "hearings", "reception", "activities", "surveys", "duty", "voters",
         "workspace", "pairing", "agenda", "notices", "figures", "reports", "summary", "trash", "admin"]


def create_app(test_config: dict | None = None) -> Flask:
    """Build the portal: defaults, then ``instance/config.py``, then ``PORTAL_*`` environment variables."""
    instance_path = os.environ.get("PORTAL_INSTANCE_PATH") or str(PROJECT_ROOT / "instance")
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.url_map.converters["int"] = IdConverter  # before any route is added
    app.config.from_object(DefaultConfig)
    areas = [importlib.import_module(f"portal.{area}") for area in AREAS]
    for area in areas:  # each area's own defaults and environment variables (SETTINGS, ENVIRONMENT)
        app.config.update(copy.deepcopy(getattr(area, "SETTINGS", {})))
    app.config.from_pyfile("config.py", silent=True)
    environment = ENVIRONMENT_SETTINGS | {k: v for area in areas for k, v in getattr(area, "ENVIRONMENT", {}).items()}
    for variable, (key, convert) in environment.items():
        if os.environ.get(variable):
            app.config[key] = convert(os.environ[variable])
    if test_config:
        app.config.update(test_config)

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'portal.db'}"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path))
    if not app.config.get("AUDIT_KEY"):  # the audit chain's HMAC key: outside the database (portal.audit)
        app.config["AUDIT_KEY"] = _instance_secret_key(Path(app.instance_path), "audit_key")
    if not app.config.get("DATA_KEY"):  # encrypts the secrets kept in the database (portal.crypto)
        app.config["DATA_KEY"] = _instance_secret_key(Path(app.instance_path), "data_key")
    crypto.check_key(app.config["DATA_KEY"])
    app.config.setdefault("UPLOAD_FOLDER", str(Path(app.instance_path) / "uploads"))
    if app.config["UPLOAD_STORAGE"] not in uploads.STORAGES:
        raise RuntimeError(f"UPLOAD_STORAGE must be one of {', '.join(uploads.STORAGES)}, "
                           f"not {app.config['UPLOAD_STORAGE']!r}")

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)

    from portal import assets, attachments, audit, errors, events, security, templating, versioning  # noqa: F401 - models and events register

    app.after_request(commit_request)
    errors.init_app(app)
    security.init_app(app)
    versioning.init_app(app)
    templating.init_app(app)
    assets.init_app(app)
    _register_blueprints(app)

    from portal.cli import register_cli

    register_cli(app)
    return app


def _register_blueprints(app: Flask) -> None:
    for area in AREAS:
        app.register_blueprint(importlib.import_module(f"portal.{area}").bp)


def _instance_secret_key(instance: Path, name: str = "secret_key") -> str:
    """A random key kept in ``instance/<name>`` so sessions (or the audit chain, or the encrypted secrets) survive
    restarts without configuration."""
    path = instance / name
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """WAL lets readers work while one writer writes; the busy timeout waits for a lock instead of failing."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={DefaultConfig.SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; fsync only at checkpoints
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
