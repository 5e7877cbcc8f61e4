"""Command-line interface: ``flask --app portal <command>``."""
import importlib
import importlib.util
import re
import sys

import click
from flask import Flask, current_app
from flask_migrate import upgrade
from sqlalchemy import func, select, text

from portal.auth.models import Court, Department, Duty, Role
from portal.extensions import db


def top_court() -> Court | None:
    """The deployment's top court: the first one without a parent."""
    return db.session.scalar(select(Court).where(Court.parent_id.is_(None)).order_by(Court.id))


def export_court(court_code: str | None) -> Court | None:
    """The court an export's ``--court`` names, or the top court; an unknown code stops the command."""
    if not court_code:
        return top_court()
    court = db.session.scalar(select(Court).where(Court.code == court_code))
    if court is None:
        raise click.ClickException(f"找不到法院代码 {court_code}")
    return court


def court_options(command):
    """``--court CODE`` and ``--with-lower``, with the same meaning on every ``export`` subcommand."""
    command = click.option("--with-lower", is_flag=True,
                           help="Include the courts below it (含下级法院); without it, that court alone (本院).")(command)
    return click.option("--court", "court_code", help="Court code (default: the top court).")(command)


def export_scope(court_code: str | None, with_lower: bool):
    """The court scope of an export: the court named (or the top court), alone or with the courts below it."""
    from portal.access import export_scope as scope_of

    court = export_court(court_code)
    if court is None:
        raise click.ClickException("数据库中还没有法院，请先运行 init-db")
    return scope_of(court, with_lower)


def period_options(command):
    """``--from`` and ``--to`` (YYYY-MM-DD), the same on every ``export`` subcommand with a period."""
    command = click.option("--to", "date_to", required=True, help="Last day, YYYY-MM-DD.")(command)
    return click.option("--from", "date_from", required=True, help="First day, YYYY-MM-DD.")(command)


def export_period(date_from: str, date_to: str):
    """The period of an export; a bad or reversed range stops the command with the same message as the pages."""
    from portal import periods

    period = periods.parse(date_from, date_to)
    if period.problem or period.start is None or period.end is None:
        raise click.ClickException(period.problem or periods.FORMAT_PROBLEM)
    return period


def register_cli(app: Flask) -> None:
    from portal import AREAS

    app.cli.add_command(init_db)
    app.cli.add_command(create_user_command)
    app.cli.add_command(reset_password_command)
    app.cli.add_command(set_role_command)
    app.cli.add_command(seed_demo)
    app.cli.add_command(copy_uploads_to_database)
    app.cli.add_command(export)
    app.cli.add_command(audit_group)
    from portal.backup import backup_command, restore_command

    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    for area in AREAS:  # each area adds its own `export …` subcommands, and its COMMANDS if it has any
        if importlib.util.find_spec(f"portal.{area}.cli"):
            module = importlib.import_module(f"portal.{area}.cli")
            module.register(export)
            for command in getattr(module, "COMMANDS", ()):
                app.cli.add_command(command)


def _stdin_is_terminal() -> bool:
    """Whether someone sits at the command (not CI, a script or a pipe): only then does init-db ask."""
    return sys.stdin is not None and sys.stdin.isatty()


def _court_code(value: str) -> str:
    value = value.strip()
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,20}", value):
        raise click.BadParameter("法院代码只能包含字母、数字、_ 和 -，不超过 20 个字符。")
    return value


def _court_name(value: str) -> str:
    value = value.strip()
    if len(value) > 100:
        raise click.BadParameter("法院名称不能超过 100 个字符。")
    return value


def _name_the_court(court_name: str | None, court_code: str | None) -> None:
    """Create the top court, or name it while it is unnamed: from the options, the settings, or by asking."""
    from portal.auth.services import court_level, default_court

    court = top_court()
    if court is not None and court.named:
        click.echo(f"本院：{court.name}（代码 {court.code}，{court.level.label}）")
        return
    name = court_name or current_app.config.get("COURT_NAME")
    code = court_code or current_app.config.get("COURT_CODE")
    if not name and _stdin_is_terminal():
        name = click.prompt("本院名称（如 某某市中级人民法院；直接回车则留待管理员首次登录时填写）", default="",
                            show_default=False, value_proc=_court_name)
        if name and not code:
            code = click.prompt("法院代码（用于导出和命令行的 --court）", default=court.code if court else "court",
                                value_proc=_court_code)
    name, code = _court_name(name or ""), _court_code(code) if code else None
    if court is None:
        court = default_court(name=name, code=code or "court")
    elif name:
        if code and db.session.scalar(select(Court).where(Court.code == code, Court.id != court.id)):
            raise click.ClickException(f"法院代码 {code} 已被使用")
        court.name, court.level = name, court_level(name)
        court.code = code or court.code
    if court.named:
        click.echo(f"本院：{court.name}（代码 {court.code}，{court.level.label}）")
    else:
        click.echo("本院尚未命名：管理员首次登录时将提示填写本院名称（或运行 init-db --court-name 名称）。")


def refresh_planner_statistics() -> None:
    """ANALYZE: the query planner's statistics of every table. SQLite keeps none until asked, and without them it
    answers a list of a hundred courts' items by sorting every item instead of reading the date index (0.3 s
    against 2 ms at a province's size). PostgreSQL's autovacuum keeps its own; running it there is harmless."""
    db.session.execute(text("ANALYZE"))
    db.session.commit()


@click.command("init-db")
@click.option("--no-admin", is_flag=True, help="Do not create the first admin account (nor the first court).")
@click.option("--court-name", help="The court's name, when it has none yet (PORTAL_COURT_NAME); asked otherwise.")
@click.option("--court-code", help="The court's code, when it has no name yet (PORTAL_COURT_CODE).")
def init_db(no_admin: bool, court_name: str | None, court_code: str | None) -> None:
    """Create or upgrade the database schema; create the first court and admin when there are none.

    Asks for the court's name when it has none and stdin is a terminal; in scripts and CI it takes
    --court-name or PORTAL_COURT_NAME, or leaves the naming to the admin's first login.
    """
    upgrade(directory=current_app.extensions["migrate"].directory, revision="heads")
    click.echo(f"数据库已就绪：{db.engine.url.render_as_string(hide_password=True)}")
    if no_admin:
        return
    from portal.auth.services import ensure_admin

    try:
        _name_the_court(court_name, court_code)
    except click.BadParameter as error:
        raise click.ClickException(error.format_message()) from error
    admin, password = ensure_admin(current_app.config.get("ADMIN_PASSWORD"))
    db.session.commit()
    if password and not current_app.config.get("ADMIN_PASSWORD"):
        click.echo(f"已创建系统管理员账户：用户名 {admin.username}，初始密码 {password}（只显示这一次，请登录后修改）")
    elif password:
        click.echo(f"已创建系统管理员账户：用户名 {admin.username}，密码取自 PORTAL_ADMIN_PASSWORD")
    else:
        click.echo(f"系统管理员账户已存在：用户名 {admin.username}")
    if password:
        click.echo("请登录后在“系统管理 → 用户”中为另外两人创建安全管理员和审计管理员账户（三员分立）。")


@click.command("copy-uploads-to-database")
def copy_uploads_to_database() -> None:
    """Copy the uploaded files of instance/uploads (UPLOAD_FOLDER) into the database, before switching
    PORTAL_UPLOAD_STORAGE to "database" for several app servers; can run again."""
    from portal.uploads import copy_folder_to_database

    copied = copy_folder_to_database()
    db.session.commit()
    click.echo(f"已将 {copied} 个文件复制到数据库；设置 PORTAL_UPLOAD_STORAGE=database 后生效。")


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.NONE.value, show_default=True,
              help="Business role; none for an administrator who does no liaison work.")
@click.option("--duty", type=click.Choice([d.value for d in Duty]),
              help="Administrator duty: system, security or audit (三员分立: one person, at most one duty).")
@click.option("--name", "display_name", help="Display name (defaults to the username).")
@click.option("--court", "court_code", help="Court code (defaults to the top court).")
@click.option("--department", help="Department name within the court.")
@click.option("--password-file", type=click.File("r"), help="Read the password from this file ('-' for stdin).")
def create_user_command(username: str, role: str, duty: str | None, display_name: str | None,
                        court_code: str | None, department: str | None, password_file) -> None:
    """Create a user account. Prompts for the password unless --password-file is given."""
    from portal.auth.services import (
        create_user,
        default_court,
        duty_problem,
        password_problem,
        username_taken,
    )

    problem = duty_problem(Role(role), Duty(duty) if duty else None)
    if problem:
        raise click.ClickException(problem)
    if username_taken(username):
        raise click.ClickException(f"用户名 {username} 已存在")
    court = db.session.scalar(select(Court).where(Court.code == court_code)) if court_code else default_court()
    if court is None:
        raise click.ClickException(f"找不到法院代码 {court_code}")
    dept = None
    if department:
        dept = db.session.scalar(select(Department).where(Department.court_id == court.id,
                                                          Department.name == department))
        if dept is None:
            raise click.ClickException(f"{court.name}没有名为“{department}”的部门")
    if password_file:
        password = password_file.readline().rstrip("\r\n")
    else:
        password = click.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码")
    problem = password_problem(password)
    if problem:
        raise click.ClickException(problem)
    user = create_user(username=username, display_name=display_name or username, role=Role(role), court=court,
                       password=password, department=dept, admin_duty=Duty(duty) if duty else None)
    db.session.commit()
    click.echo(f"已创建用户 {user.username}（{user.roles_label}，{court.name}）")


@click.command("set-role")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), help="The new business role.")
@click.option("--duty", type=click.Choice([d.value for d in Duty] + ["none"]),
              help="The new administrator duty, or none.")
def set_role_command(username: str, role: str | None, duty: str | None) -> None:
    """Change an account's business role or administrator duty from the server, e.g. a small court's only system
    administrator who is also its liaison (nobody changes their own in the portal). Recorded in the audit log."""
    from portal.auth.models import User
    from portal.auth.services import duty_problem

    user = db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    if user is None:
        raise click.ClickException(f"没有用户名为 {username} 的账户")
    new_role = Role(role) if role else user.role
    new_duty = user.admin_duty if duty is None else (None if duty == "none" else Duty(duty))
    problem = duty_problem(new_role, new_duty)
    if problem:
        raise click.ClickException(problem)
    user.role, user.admin_duty = new_role, new_duty
    db.session.commit()
    click.echo(f"{user.username}（{user.display_name}）现为：{user.roles_label}")


@click.command("reset-password")
@click.argument("username")
@click.option("--password-file", type=click.File("r"), help="Read the new password from this file ('-' for stdin).")
def reset_password_command(username: str, password_file) -> None:
    """Give an account a new password, e.g. a lost admin's: generated and shown once unless --password-file.

    Every session of the account ends and a login lock is lifted.
    """
    from portal.auth.models import User
    from portal.auth.services import password_problem, reset_password

    user = db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    if user is None:
        raise click.ClickException(f"没有用户名为 {username} 的账户")
    password = None
    if password_file:
        password = password_file.readline().rstrip("\r\n")
        problem = password_problem(password)
        if problem:
            raise click.ClickException(problem)
    new = reset_password(user, password)
    db.session.commit()
    if password:
        click.echo(f"已为 {user.username}（{user.display_name}）设置新密码，原有登录已全部失效。")
    else:
        click.echo(f"已为 {user.username}（{user.display_name}）生成新密码：{new}（只显示这一次，请登录后修改）。"
                   "原有登录已全部失效。")
    if not user.active:
        click.echo("注意：该账户已停用，启用后才能登录。")


@click.command("seed-demo")
@click.option("--size", type=click.IntRange(1, 1000), default=1, show_default=True,
              help="1 is one year of one city's courts; the data grows in proportion.")
@click.option("--province", is_flag=True,
              help="The province-scale data set instead (about 100 courts, 10,000 deputies, 100,000 items…), "
                   "written with bulk inserts; --size is then ignored.")
@click.option("--scale", type=click.FloatRange(0, 1, min_open=True), default=1.0, show_default=True,
              help="With --province: a fraction of the full province, e.g. 0.1.")
@click.option("--seed", type=int, default=2024, show_default=True, help="Random seed, for repeatable data.")
def seed_demo(size: int, province: bool, scale: float, seed: int) -> None:
    """Fill the database with realistic Chinese demo data, then list the accounts to try it with."""
    from portal.demo import DEMO_PASSWORD, demo_accounts
    from portal.demo import seed as seed_data

    admins = _admin_usernames()
    if province:
        from portal.demo_province import seed as seed_province

        counts = seed_province(scale=scale, random_seed=seed)
    else:
        counts = seed_data(size=size, random_seed=seed)
    db.session.commit()
    refresh_planner_statistics()  # the data just grew from nothing
    click.echo("已生成演示数据：" + "，".join(f"{label} {n}" for label, n in counts.items()))
    click.echo(f"演示账户（密码均为 {DEMO_PASSWORD}）：")
    for label, usernames in demo_accounts():
        click.echo(f"  {label}：{'、'.join(usernames)}")
    new = [name for name in _admin_usernames() if name not in admins]
    if admins:
        click.echo(f"管理员 {'、'.join(admins)} 的密码不变：仍是 make run（init-db）第一次运行时显示的密码；"
                   f"忘记时运行 flask --app portal reset-password {admins[0]}。")
    if new:
        click.echo(f"管理员（系统、安全、审计三员）：{'、'.join(new)}（密码 {DEMO_PASSWORD}）")


def _admin_usernames() -> list[str]:
    """The administrators (every duty), system administrators first."""
    from portal.auth.models import User

    query = select(User.username).where(User.admin_duty.is_not(None))
    return list(db.session.scalars(query.order_by(User.admin_duty != Duty.SYSTEM, User.id)))


@click.group()
def export() -> None:
    """Export records to .xlsx or .docx files."""


@click.group("audit")
def audit_group() -> None:
    """The audit trail: verify its hash chain, purge rows past the retention period."""


@audit_group.command("verify")
def audit_verify() -> None:
    """Check every audit row's HMAC and its link to the previous row; name the first broken link."""
    from portal import audit

    verdict = audit.verify()
    if not verdict.intact:
        raise click.ClickException(f"审计日志校验失败：第一处断裂在记录 #{verdict.broken_id}（{verdict.reason}）。")
    click.echo(f"审计日志完整：共 {verdict.rows} 条记录，校验值逐条衔接。")


@audit_group.command("purge")
@click.option("--before", "before", required=True, help="Remove rows written before this day, YYYY-MM-DD "
              "(at least 180 days ago).")
def audit_purge(before: str) -> None:
    """Remove audit rows older than the retention period (180 days), keeping the chain verifiable."""
    from portal import audit, params

    day = params.parse_date(before)
    if day is None:
        raise click.ClickException("日期格式应为 YYYY-MM-DD")
    try:
        count = audit.purge(day)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"已清理 {day:%Y-%m-%d} 之前的审计记录 {count} 条。" if count else f"{day:%Y-%m-%d} 之前没有审计记录。")
