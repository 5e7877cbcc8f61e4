"""``flask --app portal export hearings --from 2024-01-01 --to 2024-12-31 -o FILE``."""
from datetime import date
from pathlib import Path

import click
from sqlalchemy import select

from portal.access import court_subtree_ids
from portal.auth.models import Court
from portal.cli import export_court
from portal.extensions import db


def register(export: click.Group) -> None:
    export.add_command(export_hearings)


def _day(ctx, param, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"日期应写作 2024-01-31，而不是“{value}”") from None


@click.command("hearings")
@click.option("--from", "day_from", required=True, callback=_day, help="First day, e.g. 2024-01-01.")
@click.option("--to", "day_to", required=True, callback=_day, help="Last day, e.g. 2024-12-31.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="Output .docx file.")
@click.option("--court", "court_code", help="Court code: that court and the courts below it (default: all).")
def export_hearings(day_from: date, day_to: date, output: str, court_code: str | None) -> None:
    """The hearings deputies were invited to in a period, with totals (场次、人次)."""
    from portal.documents.hearings import build_period_docx
    from portal.hearings.documents import period_report

    path = Path(output)
    if path.suffix.lower() != ".docx":
        raise click.ClickException("输出文件的扩展名应为 .docx")
    if day_to < day_from:
        raise click.ClickException("结束日期不能早于开始日期")
    court = export_court(court_code)
    court_ids = court_subtree_ids(court.id) if court_code else list(db.session.scalars(select(Court.id)))
    report = period_report(court_ids, court.name if court else "", day_from, day_to)
    path.write_bytes(build_period_docx(report))
    click.echo(f"已导出 {len(report.hearings)} 场庭审、出席 {report.attended_total} 人次到 {path}")
