"""Command-line interface: ``flask --app portal <command>``."""
import importlib
import importlib.util

import click
from flask import Flask, current_app
from flask_migrate import upgrade
from sqlalchemy import select

from portal.auth.models import Court, Department, Role
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


def register_cli(app: Flask) -> None:
    from portal import AREAS

    app.cli.add_command(init_db)
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo)
    app.cli.add_command(export)
    for area in AREAS:  # each area adds its own `export …` subcommands
        if importlib.util.find_spec(f"portal.{area}.cli"):
            importlib.import_module(f"portal.{area}.cli").register(export)


@click.command("init-db")
@click.option("--no-admin", is_flag=True, help="Do not create the first admin account.")
def init_db(no_admin: bool) -> None:
    """Create or upgrade the database schema; create the first admin when there is none."""
    upgrade(directory=current_app.extensions["migrate"].directory, revision="heads")
    click.echo(f"数据库已就绪：{db.engine.url.render_as_string(hide_password=True)}")
    if no_admin:
        return
    from portal.auth.services import ensure_admin

    admin, password = ensure_admin(current_app.config.get("ADMIN_PASSWORD"))
    db.session.commit()
    if password and not current_app.config.get("ADMIN_PASSWORD"):
        click.echo(f"已创建管理员账户：用户名 {admin.username}，初始密码 {password}（只显示这一次，请登录后修改）")
    elif password:
        click.echo(f"已创建管理员账户：用户名 {admin.username}，密码取自 PORTAL_ADMIN_PASSWORD")
    else:
        click.echo(f"管理员账户已存在：用户名 {admin.username}")


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", "display_name", help="Display name (defaults to the username).")
@click.option("--court", "court_code", help="Court code (defaults to the top court).")
@click.option("--department", help="Department name within the court.")
@click.option("--password-file", type=click.File("r"), help="Read the password from this file ('-' for stdin).")
def create_user_command(username: str, role: str, display_name: str | None, court_code: str | None,
                        department: str | None, password_file) -> None:
    """Create a user account. Prompts for the password unless --password-file is given."""
    from portal.auth.services import (
        create_user,
        default_court,
        password_problem,
        username_taken,
    )

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
                       password=password, department=dept)
    db.session.commit()
    click.echo(f"已创建用户 {user.username}（{user.role.label}，{court.name}）")


@click.command("seed-demo")
@click.option("--size", type=click.IntRange(1, 1000), default=1, show_default=True,
              help="1 is one year of one city's courts; the data grows in proportion.")
@click.option("--seed", type=int, default=2024, show_default=True, help="Random seed, for repeatable data.")
def seed_demo(size: int, seed: int) -> None:
    """Fill the database with realistic Chinese demo data."""
    from portal.demo import seed as seed_data

    counts = seed_data(size=size, random_seed=seed)
    db.session.commit()
    click.echo("已生成演示数据：" + "，".join(f"{label} {n}" for label, n in counts.items()))


@click.group()
def export() -> None:
    """Export records to .xlsx or .docx files."""
