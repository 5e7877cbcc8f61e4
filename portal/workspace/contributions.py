"""What the workspace shows on other areas' pages (portal.areas): the link from a person's register page to
their performance archive (履职档案)."""
from flask import url_for

from portal.areas import Panel


def register_panel(deputy) -> Panel | None:
    return Panel(title="履职档案", template="workspace/_register_panel.html", order=90,
                 link=url_for("workspace.deputy_archive", deputy_id=deputy.id))
