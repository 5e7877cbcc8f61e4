"""Pairing's routes in the role matrix."""
from portal.auth.models import Role
from tests.route_matrix import EDITORS

ROUTES = {
    "pairing.index": ("GET", "/pairing/", EDITORS),
    "pairing.mine": ("GET", "/pairing/mine", {Role.LEADER}),
    "pairing.leader": ("GET", "/pairing/leader/{paired_leader}", EDITORS),
}


def records(court, make_user, make_deputy, make_department) -> dict:
    leader = make_user(Role.LEADER, display_name="结对院领导")
    make_deputy(name="结对代表", paired_leader_id=leader.id)
    return {"paired_leader": leader.id}
