"""``flask --app portal export register``."""
from pathlib import Path

import click

from portal.cli import top_court


def register(export: click.Group) -> None:
    export.add_command(export_register)


@click.command("register")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="Output file; .xlsx or .docx by its extension.")
@click.option("--kind", type=click.Choice(["npc", "cppcc"]), help="Only 人大代表 (npc) or 政协委员 (cppcc).")
@click.option("--status", type=click.Choice(["active", "retired", "all"]), default="active", show_default=True)
def export_register(output: str, kind: str | None, status: str) -> None:
    """The deputy register."""
    from portal.register import excel
    from portal.register.documents import build_register_docx, register_document
    from portal.register.services import RegisterFilters, all_filtered, stream_with_leaders

    filters = RegisterFilters(kind=kind or "", status="" if status == "all" else status)
    mandates = all_filtered(filters)
    path = Path(output)
    if path.suffix.lower() == ".docx":
        top = top_court()
        data = build_register_docx(register_document(mandates, filters.summary(), top.name if top else ""))
    elif path.suffix.lower() == ".xlsx":
        data = excel.export_xlsx(stream_with_leaders(filters))
    else:
        raise click.ClickException("输出文件的扩展名应为 .xlsx 或 .docx")
    path.write_bytes(data)
    click.echo(f"已导出 {len({m.deputy_id for m in mandates})} 名代表委员（{len(mandates)} 项任职）到 {path}")
