"""``flask --app portal surveys remind``: the deadline reminders of open surveys (run daily from cron, beside
``notify send-due``, which then sends them)."""
import click
from flask.cli import with_appcontext

from portal import audit
from portal.extensions import db


def register(export: click.Group) -> None:
    """Surveys have no export command yet; their commands are in ``COMMANDS``."""


@click.group("surveys")
def surveys() -> None:
    """Opinion surveys (民意测评)."""


@surveys.command("remind")
@with_appcontext
def remind() -> None:
    """Remind the deputies who have not answered, once per survey, in the last days before its deadline."""
    from portal.surveys.services import queue_deadline_reminders

    with audit.as_system(db.session):
        count = queue_deadline_reminders()
        db.session.commit()
    click.echo(f"已为 {count} 份民意测评排队发送催填提醒")


COMMANDS = [surveys]
