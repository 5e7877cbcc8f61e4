"""``flask --app portal trash purge --before YYYY-MM-DD``: purge, as the system, what was deleted before a day."""
from datetime import date

import click

from portal.extensions import db


def register(export: click.Group) -> None:
    """The bin has nothing to export."""


@click.group("trash")
def trash_group() -> None:
    """The recycle bin (回收站)."""


@trash_group.command("purge")
@click.option("--before", "before", required=True, help="Purge the records deleted before this day (YYYY-MM-DD).")
def purge_command(before: str) -> None:
    """Delete for good the bin's records deleted before a day (court time), with their files; audited."""
    from portal.trash.services import purge_before

    try:
        day = date.fromisoformat(before)
    except ValueError:
        raise click.BadParameter("日期格式应为 2025-03-01。", param_hint="--before") from None
    count = purge_before(day)
    db.session.commit()
    click.echo(f"已彻底删除回收站中 {day.isoformat()} 之前删除的 {count} 条记录。")


COMMANDS = [trash_group]
