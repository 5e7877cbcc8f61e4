"""The deputy's workspace panel: their latest visits and the follow-up state, and the year's counts."""
from flask import url_for

from portal.areas import Panel
from portal.reception.services import (
    deputy_year_counts,
    followups_of,
    receptions_of_deputy,
)


def deputy_panel(deputy, year: int | None) -> Panel | None:
    receptions, _total = receptions_of_deputy(deputy.id, None, limit=5, year=year)
    followups = followups_of([r.id for r in receptions])
    visits, raised = deputy_year_counts(deputy.id, year)
    return Panel(title="我的来访", template="reception/_deputy_panel.html", order=30,
                 rows=[(r, followups[r.id]) for r in receptions], link=url_for("reception.mine"),
                 archive=[("来访接待", visits), ("来访中提出事项", raised)])
