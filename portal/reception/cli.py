"""``flask --app portal export receptions --from YYYY-MM-DD --to YYYY-MM-DD -o FILE``."""
from datetime import datetime
from pathlib import Path

import click

from portal.cli import export_court


def register(export: click.Group) -> None:
    export.add_command(export_receptions)


@click.command("receptions")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), required=True, help="First day, YYYY-MM-DD.")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), required=True, help="Last day, YYYY-MM-DD.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="Output .docx file.")
@click.option("--court", "court_code", help="Court code (defaults to the top court).")
def export_receptions(date_from: datetime, date_to: datetime, output: str, court_code: str | None) -> None:
    """The register of receptions of a period (接待登记汇总)."""
    from portal.documents.reception import build_register_docx
    from portal.reception.services import (
        ReceptionFilters,
        all_filtered,
        register_document,
    )

    if date_to < date_from:
        raise click.ClickException("结束日期不能早于开始日期")
    path = Path(output)
    if path.suffix.lower() != ".docx":
        raise click.ClickException("输出文件的扩展名应为 .docx")
    court = export_court(court_code)
    if court is None:
        raise click.ClickException("数据库中还没有法院，请先运行 init-db")
    filters = ReceptionFilters(date_from=date_from.date().isoformat(), date_to=date_to.date().isoformat())
    receptions = all_filtered(filters, [court.id])
    data = register_document(receptions, filters, court.name)
    path.write_bytes(build_register_docx(data))
    click.echo(f"已导出{court.name} {data.visits} 次来访接待（{data.persons} 人次）到 {path}")
