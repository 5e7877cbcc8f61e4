"""The figures' routes in the role matrix (see tests/route_matrix.py): the staff's figures page; the staff home
(main.index, in the matrix itself) shows the same figures, and a deputy's home is the workspace."""
from tests.route_matrix import STAFF

ROUTES = {
    "figures.index": ("GET", "/figures/", STAFF),
}


def records(court, make_user, make_deputy, make_department) -> dict:
    return {}
