"""``flask --app portal export items --from YYYY-MM-DD --to YYYY-MM-DD -o FILE [--court CODE] [--with-lower]`` (Word
or Excel by the file's extension) and ``flask --app portal supervise``."""
from pathlib import Path

import click

from portal.cli import court_options, export_period, export_scope, period_options, refresh_planner_statistics


def register(export: click.Group) -> None:
    export.add_command(export_items)


@click.command("supervise")
def supervise() -> None:
    """The overdue check (超期升级督办) of every court, for cron or a systemd timer; run it as often as you like.
    It also refreshes the query planner's statistics (ANALYZE)."""
    from portal.extensions import db
    from portal.items.supervision import escalate_overdue

    count = escalate_overdue()
    db.session.commit()
    refresh_planner_statistics()  # SQLite's planner needs fresh statistics as the data grows; this runs hourly
    click.echo(f"已升级督办 {count} 件超期事项。" if count else "没有新的超期事项。")


COMMANDS = [supervise]  # top-level commands (portal.cli adds them)


@click.command("items")
@period_options
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="Output file: .docx for the table, .xlsx for the spreadsheet.")
@court_options
def export_items(date_from: str, date_to: str, output: str, court_code: str | None, with_lower: bool) -> None:
    """The item table of a period with 办结率, 按期办结率 and 满意率, by kind and by department."""
    from portal.items import queries
    from portal.items.documents import build_item_table, build_item_xlsx, item_table

    period = export_period(date_from, date_to)
    suffix = Path(output).suffix.lower()
    if suffix not in (".docx", ".xlsx"):
        raise click.ClickException("输出文件的扩展名应为 .docx 或 .xlsx")
    scope = export_scope(court_code, with_lower)
    start, end = period.start, period.end
    report = queries.figures(scope.court_ids, start, end)
    if suffix == ".xlsx":
        items = list(queries.stream_period_rows(scope.court_ids, start, end))
        Path(output).write_bytes(build_item_xlsx(scope.title, items, report))
    else:
        items = queries.period_items(scope.court_ids, start, end)
        Path(output).write_bytes(build_item_table(item_table(scope.title, start, end, items, report)))
    total = report.total
    rate = "—" if total.closed_rate is None else f"{total.closed_rate}%"
    click.echo(f"已导出{scope.label} {len(items)} 件到 {output}：收件 {total.received}，办结 {total.closed}，办结率 {rate}")
