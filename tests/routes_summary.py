"""The annual summary's routes in the role matrix (see tests/route_matrix.py): the liaison office edits, leaders
read and export, handlers and deputies are refused."""
from portal.access import export_scope
from portal.auth.models import Role
from portal.summary import services
from tests.route_matrix import EDITORS

READERS = {Role.LIAISON, Role.LEADER}
SECTION = "/summary/{summary}/sections/{summary_section}"

ROUTES = {
    "summary.index": ("GET", "/summary/?year=2025", READERS),
    "summary.create": ("POST", "/summary/?year=2024", EDITORS),
    "summary.detail": ("GET", "/summary/{summary}", READERS),
    "summary.refresh": ("POST", "/summary/{summary}/refresh", EDITORS),
    "summary.section": ("GET", SECTION + "?edit=1", READERS),
    "summary.save_section": ("POST", SECTION, EDITORS, {"title": "热情接待代表委员来访", "text": "全年接待{{接待人次}}人次。"}),
    "summary.regenerate": ("POST", SECTION + "/regenerate", EDITORS),
    "summary.versions": ("GET", SECTION + "/versions?v=1", READERS),
    "summary.restore": ("POST", SECTION + "/versions/1/restore", EDITORS),
    "summary.export_docx": ("GET", "/summary/export.docx?year=2025", READERS),
    "summary.export_saved": ("GET", "/summary/{summary}/export.docx", READERS),
}


def records(court, make_user, make_deputy, make_department) -> dict:
    """The test court's saved summary of 2025 (generated from whatever records the matrix has)."""
    from portal.extensions import db

    summary = services.create(export_scope(court, False), 2025, None)
    db.session.commit()
    return {"summary": summary.id, "summary_section": summary.sections[0].id}
