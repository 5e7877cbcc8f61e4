"""``flask --app portal notify run`` (the long-running worker) and ``notify send-due`` (one pass, for cron)."""
import signal

import click
from flask.cli import with_appcontext

from portal.notices import delivery


def register(export: click.Group) -> None:
    """Notices have no export; their commands are in ``COMMANDS``."""


@click.group("notify")
def notify() -> None:
    """Deliver queued SMS and email (消息发送)."""


@notify.command("send-due")
@with_appcontext
def send_due() -> None:
    """Send every message due now, then stop."""
    click.echo(f"已尝试发送 {delivery.send_due()} 条消息")


@notify.command("run")
@click.option("--interval", type=click.FloatRange(0.1, 3600), default=5.0, show_default=True,
              help="Seconds to wait when nothing is due.")
@with_appcontext
def run(interval: float) -> None:
    """Keep sending: several workers may run at once (on PostgreSQL). Ends cleanly on SIGTERM or Ctrl+C."""
    stopping = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.append(True))
    click.echo(f"消息发送进程已启动（每 {interval:g} 秒检查一次）")
    delivery.run(interval, stop=lambda: bool(stopping))
    click.echo("消息发送进程已停止")


COMMANDS = [notify]
