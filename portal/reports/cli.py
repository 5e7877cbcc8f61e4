"""``flask --app portal export briefing --month YYYY-MM [--court CODE] [--with-lower] -o FILE`` and
``flask --app portal export quarterly --year Y --quarter Q [--court CODE] [--with-lower] -o FILE``: the same Word
documents as the pages' downloads, for the whole court scope (no user: everything the scope holds)."""
from pathlib import Path

import click
from flask import current_app

from portal.cli import court_options, export_scope


def register(export: click.Group) -> None:
    export.add_command(export_briefing)
    export.add_command(export_quarterly)


def _write(output: str, build, data) -> Path:
    path = Path(output)
    if path.suffix.lower() != ".docx":
        raise click.ClickException("输出文件的扩展名应为 .docx")
    try:
        path.write_bytes(build(data))
    except OSError as error:
        raise click.ClickException(f"无法写入 {path}：{error.strerror}") from error
    return path


@click.command("briefing")
@click.option("--month", required=True, help="The month reported, YYYY-MM.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True, help="Output .docx.")
@court_options
def export_briefing(month: str, output: str, court_code: str | None, with_lower: bool) -> None:
    """The monthly briefing (每月通报) of a month."""
    from portal.reports import services
    from portal.reports.documents import build_briefing_docx

    chosen, problem = services.parse_month(month)
    if problem or not month.strip():
        raise click.ClickException(problem or services.MONTH_PROBLEM)
    scope = export_scope(court_code, with_lower)
    with current_app.test_request_context():  # the figures carry their lists' addresses
        data = services.briefing(None, scope, chosen)
    path = _write(output, build_briefing_docx, data)
    click.echo(f"已导出{scope.label}{data.title}（例会 {data.meeting_label}）到 {path}")


@click.command("quarterly")
@click.option("--year", required=True, help="The year, e.g. 2025.")
@click.option("--quarter", required=True, help="The quarter, 1 to 4.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True, help="Output .docx.")
@court_options
def export_quarterly(year: str, quarter: str, output: str, court_code: str | None, with_lower: bool) -> None:
    """The quarterly report to the leading group (季度汇报) of a quarter."""
    from portal.reports import services
    from portal.reports.documents import build_quarterly_docx

    chosen, problem = services.parse_quarter(year, quarter)
    if problem or not year.strip() or not quarter.strip():
        raise click.ClickException(problem or services.QUARTER_PROBLEM)
    scope = export_scope(court_code, with_lower)
    with current_app.test_request_context():
        data = services.quarterly(None, scope, chosen)
    path = _write(output, build_quarterly_docx, data)
    click.echo(f"已导出{scope.label}{data.title}到 {path}")
