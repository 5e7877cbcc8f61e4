"""Command-line interface."""
import io

from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from portal import cli, clock
from portal.auth.models import Court, CourtLevel, Duty, Role, User
from portal.extensions import db
from portal.register.models import DeputyKind
from tests.conftest import log_in


def test_init_db_creates_the_first_admin_once(runner):
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "已创建系统管理员账户：用户名 admin，初始密码" in result.output and "安全管理员和审计管理员" in result.output
    password = result.output.split("初始密码 ")[1].split("（")[0]
    admin = db.session.scalar(select(User).where(User.admin_duty == Duty.SYSTEM))
    assert admin.role == Role.NONE
    assert admin.check_password(password)
    again = runner.invoke(args=["init-db"])
    assert "管理员账户已存在" in again.output
    assert len(list(db.session.scalars(select(User)))) == 1


def test_init_db_takes_the_admin_password_from_config(app, runner):
    app.config["ADMIN_PASSWORD"] = "Given-Passw0rd"
    result = runner.invoke(args=["init-db"])
    assert "密码取自 PORTAL_ADMIN_PASSWORD" in result.output and "Given-Passw0rd" not in result.output
    assert db.session.scalar(select(User)).check_password("Given-Passw0rd")


def test_init_db_asks_for_the_courts_name_at_a_terminal(runner, monkeypatch):
    monkeypatch.setattr(cli, "_stdin_is_terminal", lambda: True)
    result = runner.invoke(args=["init-db"], input="某某市中级人民法院\nbad code!\nmmzy\n")
    assert result.exit_code == 0, result.output
    assert "本院名称" in result.output and "法院代码只能包含" in result.output  # a bad code is asked again
    court = db.session.scalar(select(Court))
    assert (court.name, court.code, court.level) == ("某某市中级人民法院", "mmzy", CourtLevel.INTERMEDIATE)
    assert "本院：某某市中级人民法院（代码 mmzy，中级人民法院）" in result.output
    assert db.session.scalar(select(User)).court_id == court.id
    again = runner.invoke(args=["init-db"], input="")
    assert again.exit_code == 0 and "本院名称（如" not in again.output  # a named court is not asked again


def test_init_db_without_a_terminal_leaves_the_naming_to_the_admin(runner):
    result = runner.invoke(args=["init-db"])  # as `make run` in CI: no terminal, no name, nothing asked
    assert result.exit_code == 0, result.output
    assert "本院名称（如" not in result.output and "管理员首次登录时将提示填写本院名称" in result.output
    court = db.session.scalar(select(Court))
    assert court.name == "" and not court.named and court.name != "人民法院"
    named = runner.invoke(args=["init-db", "--court-name", "青溪县人民法院", "--court-code", "qx"])
    assert named.exit_code == 0, named.output
    court = db.session.scalar(select(Court))
    assert (court.name, court.code, court.level) == ("青溪县人民法院", "qx", CourtLevel.BASIC)


def test_init_db_takes_the_court_name_from_the_environment(monkeypatch, tmp_path):
    from tests.conftest import make_app

    monkeypatch.setenv("PORTAL_COURT_NAME", "某某区人民法院")
    monkeypatch.setenv("PORTAL_COURT_CODE", "mmq")
    app = make_app()
    assert app.config["COURT_NAME"] == "某某区人民法院" and app.config["COURT_CODE"] == "mmq"


def test_init_db_takes_the_court_name_from_config(app, runner):
    app.config.update(COURT_NAME="某某区人民法院", COURT_CODE="mmq")
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    court = db.session.scalar(select(Court))
    assert (court.name, court.code, court.level) == ("某某区人民法院", "mmq", CourtLevel.BASIC)


def test_init_db_refuses_a_bad_court_code(runner):
    result = runner.invoke(args=["init-db", "--court-name", "某某区人民法院", "--court-code", "bad code"])
    assert result.exit_code != 0 and "法院代码只能包含" in result.output
    assert db.session.scalar(select(Court)) is None


def test_reset_password_for_a_lost_admin_password(app, runner, client, make_user, tmp_path):
    admin = make_user(Duty.SYSTEM, username="admin")
    assert log_in(client, "admin").status_code == 302
    other = app.test_client()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        log_in(other, "admin", "forgotten-1")  # the admin tried and is locked out now
    result = runner.invoke(args=["reset-password", "ADMIN"])
    assert result.exit_code == 0, result.output
    password = result.output.split("生成新密码：")[1].split("（")[0]
    assert "只显示这一次" in result.output and "原有登录已全部失效" in result.output
    assert client.get("/").status_code == 302  # the old session has ended
    assert log_in(other, "admin", password).status_code == 302  # and the lock is lifted
    secret = tmp_path / "pw"
    secret.write_text("Chosen-passw0rd\n")
    result = runner.invoke(args=["reset-password", "admin", "--password-file", str(secret)])
    assert result.exit_code == 0 and "Chosen-passw0rd" not in result.output
    assert db.session.get(User, admin.id).check_password("Chosen-passw0rd")
    assert other.get("/").status_code == 302
    secret.write_text("short\n")
    weak = runner.invoke(args=["reset-password", "admin", "--password-file", str(secret)])
    assert weak.exit_code != 0 and "密码至少需要 8 位" in weak.output
    assert db.session.get(User, admin.id).check_password("Chosen-passw0rd")
    missing = runner.invoke(args=["reset-password", "nobody"])
    assert missing.exit_code != 0 and "没有用户名为 nobody 的账户" in missing.output


def test_create_user_from_password_file(runner, court, tmp_path, make_department):
    make_department("立案庭")
    secret = tmp_path / "pw"
    secret.write_text("Str0ng-enough\n")
    result = runner.invoke(args=["create-user", "wanger", "--role", "handler", "--name", "王二", "--court", "main",
                                 "--department", "立案庭", "--password-file", str(secret)])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "wanger"))
    assert user.display_name == "王二" and user.department.name == "立案庭" and user.check_password("Str0ng-enough")


def test_create_user_prompts_and_rejects_bad_input(runner, court):
    result = runner.invoke(args=["create-user", "li", "--role", "leader"], input="Str0ng-enough\nStr0ng-enough\n")
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["create-user", "li", "--role", "leader"], input="x\nx\n").exit_code != 0
    weak = runner.invoke(args=["create-user", "zhao", "--role", "leader"], input="short\nshort\n")
    assert weak.exit_code != 0 and "密码至少需要 8 位" in weak.output
    assert runner.invoke(args=["create-user", "qian", "--role", "boss"]).exit_code != 0
    missing = runner.invoke(args=["create-user", "sun", "--role", "leader", "--court", "nope"], input="Str0ng-enough\n")
    assert "找不到法院代码" in missing.output


def test_export_register(runner, make_deputy, tmp_path, court):
    make_deputy(name="张三")
    make_deputy(name="李四", kind=DeputyKind.CPPCC)
    xlsx, docx = tmp_path / "r.xlsx", tmp_path / "r.docx"
    result = runner.invoke(args=["export", "register", "-o", str(xlsx)])
    assert result.exit_code == 0 and "已导出 2 名" in result.output
    names = [row[0] for row in load_workbook(xlsx).active.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["张三", "李四"]
    assert runner.invoke(args=["export", "register", "-o", str(docx), "--kind", "cppcc"]).exit_code == 0
    document = Document(io.BytesIO(docx.read_bytes()))
    text = "".join(cell.text for row in document.tables[0].rows for cell in row.cells)
    assert "李四" in text and "张三" not in text
    assert runner.invoke(args=["export", "register", "-o", str(tmp_path / "r.pdf")]).exit_code != 0


# --- backup and restore (issue 14) ------------------------------------------------------------------------------

def _restore_target_url(tmp_path) -> str:
    """An empty database beside the test's: a new SQLite file, or a PostgreSQL database ``<name>_restore``."""
    from sqlalchemy import create_engine
    from sqlalchemy import text as sql
    from sqlalchemy.engine import make_url

    from tests.conftest import DATABASE_URL

    if not DATABASE_URL.startswith("postgresql"):
        return f"sqlite:///{tmp_path / 'restored.db'}"
    base = make_url(DATABASE_URL)
    name = f"{base.database}_restore"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sql(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _contents() -> dict:
    """Every table's primary keys, and each audit row's hash."""
    from sqlalchemy import select

    from portal.audit import AuditLog

    found = {table.name: set(db.session.execute(select(*table.primary_key.columns)).all())
             for table in db.metadata.sorted_tables}
    found["audit hashes"] = set(db.session.execute(select(AuditLog.id, AuditLog.hash)).all())
    return found


def test_backup_while_writing_then_restore_into_an_empty_instance(app, runner, client, records, tmp_path):
    """A populated portal backed up while a request thread keeps writing; the backup restored into an empty
    instance holds every record, stored file and audit row, and its audit chain verifies."""
    import threading
    from pathlib import Path

    from portal import audit
    from tests.conftest import make_app

    liaison = db.session.get(User, records["user"])
    liaison.role = Role.LIAISON
    db.session.commit()
    assert log_in(client, liaison.username).status_code == 302
    uploads = Path(app.config["UPLOAD_FOLDER"])
    files = {path.relative_to(uploads): path.read_bytes() for path in uploads.rglob("*") if path.is_file()}
    assert files
    before = _contents()
    assert before["audit_log"] and before["item"] and before["attachment"]

    written, stop = threading.Event(), threading.Event()
    statuses = []

    def keep_writing():
        while not stop.is_set():
            statuses.append(client.post("/items/new", data={
                "kind": "letter", "origin": "mailbox", "received_on": clock.today().isoformat(),
                "title": "备份时登记的来信", "content": "请核实。"}).status_code)
            written.set()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        written.wait()
        result = runner.invoke(args=["backup", "-o", str(tmp_path / "portal.tar.gz")])
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    assert set(statuses) == {303}
    assert "已备份" in result.output and (tmp_path / "portal.tar.gz").exists()

    target = make_app(SQLALCHEMY_DATABASE_URI=_restore_target_url(tmp_path),
                      UPLOAD_FOLDER=str(tmp_path / "restored-uploads"))
    with target.app_context():
        try:
            restored = target.test_cli_runner().invoke(args=["restore", str(tmp_path / "portal.tar.gz")])
            assert restored.exit_code == 0, restored.output
            assert "审计日志" in restored.output and "校验通过" in restored.output
            after = _contents()
            for table, keys in before.items():
                assert keys <= after[table], table  # everything written before the backup, and the same audit rows
            assert audit.verify().intact
            restored_uploads = Path(target.config["UPLOAD_FOLDER"])
            assert {name: (restored_uploads / name).read_bytes() for name in files} == files
            again = target.test_cli_runner().invoke(args=["restore", str(tmp_path / "portal.tar.gz")])
            assert again.exit_code == 1 and "已有数据" in again.output
            forced = target.test_cli_runner().invoke(args=["restore", "--force", str(tmp_path / "portal.tar.gz")])
            assert forced.exit_code == 0, forced.output
        finally:
            db.session.remove()
            db.engine.dispose()


def test_restore_with_another_data_key_warns_whose_two_factor_secret_it_cannot_read(runner, make_user, tmp_path):
    """The data key is not in the backup: restored on a server with another key, the records are all there and
    the command names the users whose two-factor secret waits for the right key (instance/data_key)."""
    import pyotp

    from portal.auth import twofactor
    from tests.conftest import make_app

    user = make_user(Role.LIAISON)
    secret = twofactor.new_secret()
    twofactor.enrol(user, secret, pyotp.TOTP(secret).now())
    db.session.commit()
    result = runner.invoke(args=["backup", "-o", str(tmp_path / "portal.tar.gz")])
    assert result.exit_code == 0 and "instance/data_key" in result.output, result.output

    username = user.username  # read here: inside the target's app context db.session is the target's
    for key, warned in (("another-data-key-than-the-one-of-the-backup", True), (None, False)):
        target = make_app(SQLALCHEMY_DATABASE_URI=_restore_target_url(tmp_path),
                          UPLOAD_FOLDER=str(tmp_path / "restored-uploads"), **({"DATA_KEY": key} if key else {}))
        with target.app_context():
            try:
                restored = target.test_cli_runner().invoke(args=["restore", "--force", str(tmp_path / "portal.tar.gz")])
                assert restored.exit_code == 0, restored.output
                assert ("无法用本机的数据加密密钥解密" in restored.output
                        and username in restored.output) is warned, restored.output
            finally:
                db.session.remove()
                db.engine.dispose()


def test_restore_refuses_what_is_no_backup(runner, tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a backup")
    result = runner.invoke(args=["restore", str(junk)])
    assert result.exit_code == 1 and "无法读取备份文件" in result.output


def test_supervise_refreshes_the_query_planners_statistics(app, runner):
    """SQLite keeps no statistics until ANALYZE runs, and then reads a hundred courts' item list by sorting every item;
    the hourly ``supervise`` keeps them fresh (PostgreSQL records when each table was analyzed)."""
    from sqlalchemy import text

    sqlite = db.engine.dialect.name == "sqlite"
    if sqlite:
        db.session.execute(text("DROP TABLE IF EXISTS sqlite_stat1"))
        db.session.commit()
    assert runner.invoke(args=["supervise"]).exit_code == 0
    if sqlite:
        assert db.session.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")).scalar() == 1
    else:
        assert db.session.execute(text("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'item'")).scalar()
