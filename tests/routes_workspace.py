"""The workspace's routes in the role matrix (see tests/route_matrix.py)."""
from portal.auth.models import Role
from tests.route_matrix import STAFF

ROUTES = {
    "workspace.index": ("GET", "/workspace/", {Role.DEPUTY}),
    "workspace.archive": ("GET", "/workspace/archive", {Role.DEPUTY}),
    "workspace.archive_docx": ("GET", "/workspace/archive.docx", {Role.DEPUTY}),
    "workspace.deputy_archive": ("GET", "/workspace/archive/{deputy}", STAFF),
    "workspace.deputy_archive_docx": ("GET", "/workspace/archive/{deputy}.docx", STAFF),
}


def records(court, make_user, make_deputy, make_department) -> dict:
    return {}  # the register's deputy of the matrix ({deputy}) is enough
