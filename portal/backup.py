"""Backup and restore (等保三级 数据备份恢复): ``flask --app portal backup -o FILE`` and ``restore FILE``.

A backup is one ``.tar.gz`` holding

- ``manifest.json``: the format, the database dialect, the Alembic revision, when, and the rows of every table
  as counted in the very snapshot that was backed up;
- the database: on SQLite a copy made with SQLite's online backup API (``sqlite3.Connection.backup``), consistent
  while the portal keeps writing; on PostgreSQL a ``pg_dump`` custom-format archive taken in an exported snapshot,
  the same snapshot the counts were taken in;
- ``uploads/``: the stored files (attachments), copied after the database snapshot. A file is written before the
  row naming it commits, so every file the snapshot refers to is there (a few newer ones may be too).

The audit chain's key (instance/audit_key or PORTAL_AUDIT_KEY) is deliberately not in the backup: keep it with the
instance's configuration, so that whoever holds a backup cannot rewrite its audit trail unnoticed. Nor is the data
key (instance/data_key or PORTAL_DATA_KEY, portal.crypto) that encrypts the two-factor secrets: whoever holds a
backup reads none of them, and a restore needs the same key, kept separately, for those secrets to work.

``restore`` writes a backup into an empty instance (refusing one with data unless ``--force``), upgrades an older
revision to this version's schema, then checks the counts against the manifest and verifies the audit chain.
"""
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import timezone
from pathlib import Path

import click
from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import func, inspect, select, text

from portal import clock
from portal.extensions import db

FORMAT = "portal-backup/1"
SQLITE_MEMBER = "database/portal.sqlite3"
PG_MEMBER = "database/portal.pgdump"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why, in Chinese."""


def _tables() -> list[str]:
    return [table.name for table in db.metadata.sorted_tables]


def _counts(connection) -> dict[str, int]:
    existing = set(inspect(connection).get_table_names())
    return {name: connection.scalar(select(func.count()).select_from(db.metadata.tables[name]))
            for name in _tables() if name in existing}


def _revision(connection) -> str | None:
    if "alembic_version" not in inspect(connection).get_table_names():
        return None
    return connection.scalar(text("SELECT version_num FROM alembic_version"))


def _pg_url() -> str:
    """The database URL as libpq's tools take it (no SQLAlchemy driver name)."""
    return db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"找不到 {name}：请安装与数据库版本一致的 PostgreSQL 客户端工具（postgresql-client）")
    return path


def backup(output: Path) -> dict:
    """Write a backup of the database and the uploads to ``output``; returns the manifest."""
    with tempfile.TemporaryDirectory(prefix="portal-backup-") as work:
        work = Path(work)
        (work / "database").mkdir()
        if db.engine.dialect.name == "sqlite":
            copy = work / SQLITE_MEMBER
            source, target = sqlite3.connect(db.engine.url.database), sqlite3.connect(copy)
            try:
                source.backup(target)  # all pages in one step: one consistent snapshot
            finally:
                source.close()
                target.close()
            from sqlalchemy import create_engine

            engine = create_engine(f"sqlite:///{copy}")
            with engine.connect() as connection:
                counts, revision = _counts(connection), _revision(connection)
            engine.dispose()
        elif db.engine.dialect.name == "postgresql":
            pg_dump = _tool("pg_dump")
            with db.engine.connect() as connection:
                connection.exec_driver_sql("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                snapshot = connection.scalar(text("SELECT pg_export_snapshot()"))
                counts, revision = _counts(connection), _revision(connection)
                result = subprocess.run([pg_dump, "--format=custom", "--no-owner", "--no-privileges",
                                         f"--snapshot={snapshot}", f"--file={work / PG_MEMBER}", _pg_url()],
                                        capture_output=True, text=True)
                connection.rollback()
            if result.returncode:
                raise BackupError(f"pg_dump 失败：{result.stderr.strip()}")
        else:
            raise BackupError(f"不支持备份 {db.engine.dialect.name} 数据库")
        manifest = {"format": FORMAT, "dialect": db.engine.dialect.name, "revision": revision,
                    "created_at": clock.now().astimezone(timezone.utc).isoformat(), "counts": counts}
        (work / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        uploads = Path(current_app.config["UPLOAD_FOLDER"])
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work / "manifest.json", "manifest.json")
            archive.add(work / "database", "database")
            if uploads.is_dir():
                archive.add(uploads, "uploads")
        os.replace(partial, output)  # never a half-written backup under the name asked for
    return manifest


def _is_empty() -> bool:
    with db.engine.connect() as connection:
        counts = _counts(connection)
    uploads = Path(current_app.config["UPLOAD_FOLDER"])
    has_files = uploads.is_dir() and any(path.is_file() for path in uploads.rglob("*"))
    return not any(counts.values()) and not has_files


def restore(archive_path: Path, *, force: bool = False) -> dict:
    """Restore the backup at ``archive_path`` into this instance; returns the manifest."""
    with tempfile.TemporaryDirectory(prefix="portal-restore-") as work:
        work = Path(work)
        try:
            with tarfile.open(archive_path, "r:gz") as archive:
                archive.extractall(work, filter="data")  # no absolute paths, links or "..": nothing outside work
        except (tarfile.TarError, OSError) as error:
            raise BackupError(f"无法读取备份文件：{error}") from error
        try:
            manifest = json.loads((work / "manifest.json").read_text())
        except (OSError, ValueError) as error:
            raise BackupError("备份文件中没有有效的 manifest.json，不是本系统的备份") from error
        if manifest.get("format") != FORMAT:
            raise BackupError(f"备份格式 {manifest.get('format')} 不受支持")
        dialect = db.engine.dialect.name
        if manifest["dialect"] != dialect:
            raise BackupError(f"备份来自 {manifest['dialect']} 数据库，不能恢复到 {dialect} 数据库")
        if not force and not _is_empty():
            raise BackupError("目标实例已有数据；恢复会覆盖现有数据，确需覆盖请加 --force")
        db.session.remove()
        db.engine.dispose()
        if dialect == "sqlite":
            source, target = sqlite3.connect(work / SQLITE_MEMBER), sqlite3.connect(db.engine.url.database)
            try:
                source.backup(target)
            finally:
                source.close()
                target.close()
        else:
            result = subprocess.run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
                                     "--single-transaction", f"--dbname={_pg_url()}", str(work / PG_MEMBER)],
                                    capture_output=True, text=True)
            if result.returncode:
                raise BackupError(f"pg_restore 失败：{result.stderr.strip()}")
        uploads = Path(current_app.config["UPLOAD_FOLDER"])
        if (work / "uploads").is_dir():
            shutil.copytree(work / "uploads", uploads, dirs_exist_ok=True)
    _bring_to_this_version(manifest.get("revision"))
    return manifest


def _bring_to_this_version(revision: str | None) -> None:
    """Upgrade a backup of an older version; refuse one from a newer version than this portal knows."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    if revision not in {r.revision for r in script.walk_revisions()}:
        raise BackupError(f"备份的数据库版本 {revision} 比本系统新或未知，请用相应版本的系统恢复")
    if revision not in script.get_heads():
        upgrade(directory=current_app.extensions["migrate"].directory, revision="heads")


def check(manifest: dict) -> list[str]:
    """What differs between the restored database and the manifest's counts (empty: all there)."""
    with db.engine.connect() as connection:
        counts = _counts(connection)
    return [f"{table}：备份时 {expected} 行，恢复后 {counts.get(table, 0)} 行"
            for table, expected in manifest["counts"].items() if counts.get(table, 0) < expected]


@click.command("backup")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The backup file to write (.tar.gz).")
def backup_command(output: Path) -> None:
    """Back up the database and the uploaded files into one file, while the portal runs."""
    try:
        manifest = backup(output)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    total = sum(manifest["counts"].values())
    click.echo(f"已备份到 {output}：数据库版本 {manifest['revision']}，{len(manifest['counts'])} 张表共 {total} 行，"
               "含上传文件。审计密钥和数据加密密钥不在备份中，请另行保管 instance/audit_key 和 instance/data_key。")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an instance that already holds data.")
def restore_command(archive: Path, force: bool) -> None:
    """Restore a backup made by ``backup`` into this (empty) instance, then check it and the audit chain."""
    from portal import audit
    from portal.auth import twofactor

    try:
        manifest = restore(archive, force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    missing = check(manifest)
    if missing:
        raise click.ClickException("恢复后的数据与备份清单不符：" + "；".join(missing))
    verdict = audit.verify()
    if not verdict.intact:
        raise click.ClickException(f"已恢复，但审计日志校验失败：第一处断裂在记录 #{verdict.broken_id}"
                                   f"（{verdict.reason}）。审计密钥是否与备份时相同？")
    click.echo(f"已从 {archive} 恢复（备份于 {manifest['created_at']}），各表行数与备份清单一致，"
               f"审计日志 {verdict.rows} 条校验通过。")
    unreadable = twofactor.unreadable_secrets()
    if unreadable:  # the data is there; only these users' second factor waits for the right key
        click.echo(f"警告：{len(unreadable)} 个用户的双因素认证密钥无法用本机的数据加密密钥解密"
                   f"（{'、'.join(u.username for u in unreadable[:10])}{'等' if len(unreadable) > 10 else ''}）。"
                   "请把备份时的 instance/data_key 复制到本机（或设置相同的 PORTAL_DATA_KEY）；"
                   "否则这些用户只能用恢复码登录，或由安全管理员重置后重新绑定。", err=True)
