"""``flask --app portal export receptions --from YYYY-MM-DD --to YYYY-MM-DD -o FILE [--court CODE] [--with-lower]``."""
from pathlib import Path

import click

from portal.cli import court_options, export_period, export_scope, period_options


def register(export: click.Group) -> None:
    export.add_command(export_receptions)


@click.command("receptions")
@period_options
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="Output .docx file.")
@court_options
def export_receptions(date_from: str, date_to: str, output: str, court_code: str | None, with_lower: bool) -> None:
    """The register of receptions of a period (接待登记汇总)."""
    from portal.reception.documents import build_register_docx, register_document
    from portal.reception.services import ReceptionFilters, all_filtered

    period = export_period(date_from, date_to)
    path = Path(output)
    if path.suffix.lower() != ".docx":
        raise click.ClickException("输出文件的扩展名应为 .docx")
    scope = export_scope(court_code, with_lower)
    filters = ReceptionFilters(period=period)
    receptions = all_filtered(filters, scope.court_ids)
    data = register_document(receptions, filters, scope)
    path.write_bytes(build_register_docx(data))
    click.echo(f"已导出{scope.label} {data.visits} 次来访接待（{data.persons} 人次）到 {path}")
