"""``flask --app portal export hearings --from 2024-01-01 --to 2024-12-31 -o FILE [--court CODE] [--with-lower]``:
the period's table as Word (.docx), or the hearings and their invitations as Excel (.xlsx), by the file's
extension."""
from pathlib import Path

import click

from portal.cli import court_options, export_period, export_scope, period_options


def register(export: click.Group) -> None:
    export.add_command(export_hearings)


@click.command("hearings")
@period_options
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="Output file: .docx for the table, .xlsx for the spreadsheet.")
@court_options
def export_hearings(date_from: str, date_to: str, output: str, court_code: str | None, with_lower: bool) -> None:
    """The hearings deputies were invited to in a period, with totals (场次、人次)."""
    from portal.hearings.documents import build_period_docx, list_xlsx, period_report
    from portal.hearings.services import HearingFilters, filtered_hearings

    period = export_period(date_from, date_to)
    path = Path(output)
    suffix = path.suffix.lower()
    if suffix not in (".docx", ".xlsx"):
        raise click.ClickException("输出文件的扩展名应为 .docx 或 .xlsx")
    scope = export_scope(court_code, with_lower)
    filters = HearingFilters(when="all", period=period)
    report = period_report(filtered_hearings(filters, scope.court_ids), scope, filters)
    if suffix == ".xlsx":
        path.write_bytes(list_xlsx(filtered_hearings(filters, scope.court_ids), scope, filters))
    else:
        path.write_bytes(build_period_docx(report))
    click.echo(f"已导出{scope.label} {len(report.hearings)} 场庭审、出席 {report.attended_total} 人次到 {path}")
