"""What the register shows on other areas' pages (portal.areas): its counts of people on the staff home page."""
from flask import url_for

from portal.areas import Panel
from portal.register.services import register_summary


def home_panel(user) -> Panel | None:
    """Deputies and members in office, those who left, and those paired with ``user``."""
    return Panel(title="代表委员名册", template="register/_home_panel.html", order=50,
                 link=url_for("register.index"), extra={"summary": register_summary(user)})
