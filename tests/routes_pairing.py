"""Pairing's routes in the role matrix."""
from datetime import date

from portal.auth.models import Role
from portal.extensions import db
from portal.register.models import Pairing
from tests.route_matrix import EDITORS

ROUTES = {
    "pairing.index": ("GET", "/pairing/", EDITORS),
    "pairing.mine": ("GET", "/pairing/mine", {Role.LEADER}),
    "pairing.leader": ("GET", "/pairing/leader/{paired_leader}", EDITORS),
    "pairing.pair": ("POST", "/pairing/leader/{paired_leader}", EDITORS,
                     {"deputy_ids": "{unpaired_deputy}", "since": "2025-03-01"}),
    "pairing.end": ("POST", "/pairing/{pairing}/end", EDITORS, {"ended_on": "2025-06-30"}),
}


def records(court, make_user, make_deputy, make_department) -> dict:
    leader = make_user(Role.LEADER, display_name="结对院领导")
    paired = make_deputy(name="结对代表")
    unpaired = make_deputy(name="待结对代表")
    pairing = Pairing(deputy_id=paired.id, leader_id=leader.id, since=date(2024, 4, 15))
    db.session.add(pairing)
    db.session.commit()
    return {"paired_leader": leader.id, "pairing": pairing.id, "unpaired_deputy": unpaired.id}
