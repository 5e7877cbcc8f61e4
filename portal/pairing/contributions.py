"""What pairing shows elsewhere: its figures (the leaders paired with deputies and members, and the pairings that
held on the "as of" day), for the dashboard and the annual summary."""
from sqlalchemy import func, select

from portal.auth.models import User
from portal.extensions import db
from portal.register.models import Deputy, Pairing


def figures(scope):
    """Leaders with a pairing and the pairings holding on the scope's "as of" day, by the leader's court: one
    grouped query. A person paired with leaders of two courts (三级联动) is a pairing in each."""
    from portal.access import EDITOR_ROLES
    from portal.figures.definitions import FigureGroup, figure, tally

    counted = tally(db.session.execute(
        select(User.court_id, func.count(func.distinct(User.id)), func.count(Pairing.id))
        .join(Pairing, Pairing.leader_id == User.id).join(Deputy, Deputy.id == Pairing.deputy_id)
        .where(User.court_id.in_(scope.court_ids), User.active.is_(True), Pairing.current(scope.as_of),
               Deputy.in_office())
        .group_by(User.court_id)), ["leaders", "pairings"])
    links = scope.links("pairing.index", EDITOR_ROLES)
    return FigureGroup("pairing", "结对联络", order=45, figures=[
        figure("leaders", "结对院领导", counted["leaders"], links),
        figure("pairings", "结对关系", counted["pairings"], links)],
        note="截至统计日仍在结对的院领导和结对关系（代表委员在任）；同一人与两级法院院领导结对的，各计一对。")
