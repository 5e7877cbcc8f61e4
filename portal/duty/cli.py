"""``flask --app portal export duty-reports --year YYYY -o FILE [--court CODE] [--with-lower]``: the year's
reporting overview as Word."""
from pathlib import Path

import click

from portal.cli import court_options, export_scope


def register(export: click.Group) -> None:
    export.add_command(export_duty_reports)


@click.command("duty-reports")
@click.option("--year", type=click.IntRange(2000, 2100), required=True, help="The year of the reports.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="Output .docx file.")
@click.option("--group", "group_value", default="",
              help="Only one deputy group, as level|term|name (e.g. 'county|第十八届|城东街道代表组').")
@court_options
def export_duty_reports(year: int, output: str, group_value: str, court_code: str | None, with_lower: bool) -> None:
    """The year's duty reporting (代表述职情况汇总): every group's figures and every deputy who reported."""
    from portal.duty.documents import build_overview_docx, overview_document
    from portal.duty.services import GroupKey

    path = Path(output)
    if path.suffix.lower() != ".docx":
        raise click.ClickException("输出文件的扩展名应为 .docx")
    group = GroupKey.parse(group_value) if group_value else None
    if group_value and group is None:
        raise click.ClickException("代表组的写法应为 层级|届次|名称，例如 county|第十八届|城东街道代表组")
    scope = export_scope(court_code, with_lower)
    document = overview_document(year, group=group, scope=scope)
    path.write_bytes(build_overview_docx(document))
    click.echo(f"已导出{scope.label} {year} 年 {len(document.groups)} 个代表组、{len(document.deputies)} 名代表的述职情况到 {path}")
