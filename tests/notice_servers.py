"""Real servers for notices tests: a local SMTP server (aiosmtpd) and an HTTP stand-in for an SMS platform."""
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from aiosmtpd.controller import Controller


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server():
    mailbox = Mailbox()
    with socket.socket() as probe:  # a free port: the controller checks its server by connecting to it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield controller, mailbox
    controller.stop()


class Gateway(BaseHTTPRequestHandler):
    """An SMS platform stand-in: answers "0 accepted", or "9 rejected" to the numbers in ``refuse``."""

    received: list = []
    refuse: set = set()

    def do_POST(self):
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode()).items()}
        type(self).received.append(form)
        answer = "9 rejected" if form.get("mobile") in self.refuse else "0 accepted"
        self.send_response(200)
        self.end_headers()
        self.wfile.write(answer.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    Gateway.received, Gateway.refuse = [], set()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, Gateway
    server.shutdown()
    server.server_close()


def configure(app, smtp, sms) -> None:
    """Point the app's mail and SMS settings at the two servers."""
    controller, _ = smtp
    server, _ = sms
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, SMS_BACKEND="http",
                      SMS_URL=f"http://127.0.0.1:{server.server_port}/send", SMS_METHOD="POST",
                      SMS_PARAMS="account=court&mobile={mobile}&content={text}", SMS_SUCCESS=r"^0\b")
