"""``flask --app portal export duty-reports --year YYYY -o FILE [--court CODE] [--with-lower]``: the year's
reporting overview as Word (.docx), or every report of the year as Excel (.xlsx), by the file's extension."""
from pathlib import Path

import click

from portal.cli import court_options, export_scope


def register(export: click.Group) -> None:
    export.add_command(export_duty_reports)


@click.command("duty-reports")
@click.option("--year", type=click.IntRange(2000, 2100), required=True, help="The year of the reports.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="Output file: .docx for the overview, .xlsx for the list of reports.")
@click.option("--group", "group_value", default="",
              help="Only one deputy group, as level|term|name (e.g. 'county|第十八届|城东街道代表组').")
@court_options
def export_duty_reports(year: int, output: str, group_value: str, court_code: str | None, with_lower: bool) -> None:
    """The year's duty reporting (代表述职情况汇总): every group's figures and every deputy who reported."""
    from portal.duty.documents import build_overview_docx, overview_document, queue_xlsx
    from portal.duty.services import GroupKey, QueueFilters, all_reports

    path = Path(output)
    suffix = path.suffix.lower()
    if suffix not in (".docx", ".xlsx"):
        raise click.ClickException("输出文件的扩展名应为 .docx 或 .xlsx")
    group = GroupKey.parse(group_value) if group_value else None
    if group_value and group is None:
        raise click.ClickException("代表组的写法应为 层级|届次|名称，例如 county|第十八届|城东街道代表组")
    if group_value and suffix == ".xlsx":
        raise click.ClickException("--group 只用于 Word 汇总；Excel 导出本年度全部述职报告")
    scope = export_scope(court_code, with_lower)
    if suffix == ".xlsx":
        reports = all_reports(QueueFilters(year=year, state=""), scope.court_ids)
        path.write_bytes(queue_xlsx(reports, QueueFilters(year=year, state=""), scope))
        click.echo(f"已导出{scope.label} {year} 年 {len(reports)} 份述职报告到 {path}")
        return
    document = overview_document(year, group=group, scope=scope)
    path.write_bytes(build_overview_docx(document))
    click.echo(f"已导出{scope.label} {year} 年 {len(document.groups)} 个代表组、{len(document.deputies)} 名代表的述职情况到 {path}")
