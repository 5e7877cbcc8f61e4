"""``flask --app portal export annual-summary --year Y [--court CODE] [--with-lower] [-o FILE]``: the year's annual
work summary as Word — the saved draft of that court scope when there is one, else the draft the records give now."""
from pathlib import Path

import click

from portal.cli import court_options, export_scope


def register(export: click.Group) -> None:
    export.add_command(export_annual_summary)


@click.command("annual-summary")
@click.option("--year", type=click.IntRange(2000, 2100), required=True, help="The year, e.g. 2025.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Output .docx file (default: <year>年度代表委员联络工作总结.docx).")
@court_options
def export_annual_summary(year: int, output: str | None, court_code: str | None, with_lower: bool) -> None:
    """The annual work summary (年度代表联络工作总结) of a year."""
    from portal.summary import documents, services

    path = Path(output or f"{year}年度代表委员联络工作总结.docx")
    if path.suffix.lower() != ".docx":
        raise click.ClickException("输出文件的扩展名应为 .docx")
    scope = export_scope(court_code, with_lower)
    draft = services.draft_for(scope, year)
    path.write_bytes(documents.build_docx(draft, scope.court.name))
    source = "已保存的草稿" if draft.summary else "按记录新生成的草稿"
    click.echo(f"已导出{scope.label}{year}年度工作总结（{source}，数字统计截至{draft.as_of.isoformat()}）到 {path}")
