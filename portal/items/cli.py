"""``flask --app portal export items --from YYYY-MM-DD --to YYYY-MM-DD -o FILE`` and ``flask --app portal supervise``."""
from datetime import date
from pathlib import Path

import click

from portal.cli import export_court


def register(export: click.Group) -> None:
    export.add_command(export_items)


@click.command("supervise")
def supervise() -> None:
    """The overdue check (超期升级督办) of every court, for cron or a systemd timer; run it as often as you like."""
    from portal.extensions import db
    from portal.items import services

    count = services.escalate_overdue()
    db.session.commit()
    click.echo(f"已升级督办 {count} 件超期事项。" if count else "没有新的超期事项。")


COMMANDS = [supervise]  # top-level commands (portal.cli adds them)


@click.command("items")
@click.option("--from", "date_from", required=True, help="First day received, YYYY-MM-DD.")
@click.option("--to", "date_to", required=True, help="Last day received, YYYY-MM-DD.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True, help="The .docx file.")
@click.option("--court", "court_code", help="Court code (default: the top court); the courts below it are included.")
def export_items(date_from: str, date_to: str, output: str, court_code: str | None) -> None:
    """The item table of a period with 办结率, 按期办结率 and 满意率, by kind and by department."""
    from portal.access import court_subtree_ids
    from portal.documents.items import build_item_table
    from portal.items import services

    try:
        start, end = date.fromisoformat(date_from), date.fromisoformat(date_to)
    except ValueError:
        raise click.ClickException("日期格式应为 YYYY-MM-DD，如 2025-01-01") from None
    if start > end:
        raise click.ClickException("开始日期不能晚于结束日期")
    if Path(output).suffix.lower() != ".docx":
        raise click.ClickException("输出文件的扩展名应为 .docx")
    court = export_court(court_code)
    if court is None:
        raise click.ClickException("还没有法院，请先运行 init-db")
    court_ids = court_subtree_ids(court.id)
    items = services.period_items(court_ids, start, end)
    report = services.figures(court_ids, start, end)
    Path(output).write_bytes(build_item_table(services.item_table(court.name, start, end, items, report)))
    total = report.total
    rate = "—" if total.closed_rate is None else f"{total.closed_rate}%"
    click.echo(f"已导出 {len(items)} 件到 {output}：收件 {total.received}，办结 {total.closed}，办结率 {rate}")
