"""The reports' routes in the role matrix (see tests/route_matrix.py): the monthly briefing and the quarterly
report, pages and Word copies, for staff (a handler's show what their board shows); deputies get 403."""
from tests.route_matrix import STAFF

ROUTES = {
    "reports.briefing": ("GET", "/reports/briefing", STAFF),
    "reports.briefing_docx": ("GET", "/reports/briefing.docx", STAFF),
    "reports.quarterly": ("GET", "/reports/quarterly", STAFF),
    "reports.quarterly_docx": ("GET", "/reports/quarterly.docx", STAFF),
}


def records(court, make_user, make_deputy, make_department) -> dict:
    return {}
