"""The recycle bin's routes in the role matrix (see tests/route_matrix.py)."""
from portal.extensions import db
from portal.trash.models import DeletedRecord
from tests.route_matrix import EDITORS, STAFF, SYSTEM

ROUTES = {
    "trash.index": ("GET", "/trash/", STAFF | SYSTEM),
    "trash.restore": ("POST", "/trash/{trash_entry}/restore", EDITORS),
    "trash.purge": ("POST", "/trash/{trash_entry}/purge", SYSTEM),
}


def records(court, make_user, make_deputy, make_department) -> dict:
    """A deleted duty term in the test court's bin."""
    entry = DeletedRecord(court_id=court.id, kind="duty_term", label="届期：市级第九十九届", files=[],
                          rows=[{"table": "duty_term", "values": {"id": 9999, "level": "city", "name": "第九十九届",
                                                                  "start_year": 2021, "end_year": 2026}}])
    db.session.add(entry)
    db.session.commit()
    return {"trash_entry": entry.id}
