"""Where messages go: an SMTP server for email, an SMS gateway over HTTP, or only the log.

Courts use different SMS platforms; the ``http`` gateway is configured, not coded: ``SMS_URL``, ``SMS_METHOD``
(GET or POST), ``SMS_PARAMS`` (a query-string template with ``{mobile}`` and ``{text}``, e.g.
``account=court&mobile={mobile}&content={text}``) and ``SMS_SUCCESS`` (a regular expression the gateway's answer
matches when it accepted the message). The ``log`` backends record a message as sent without sending it: the
default, so a portal with nothing configured works and loses nothing (the messages stay in the outbox).
"""
import logging
import re
import smtplib
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """The server or gateway refused or did not answer; the message is tried again later."""


@dataclass
class Outgoing:
    address: str
    subject: str
    body: str


def sms_backend():
    return _http_sms if current_app.config["SMS_BACKEND"] == "http" else _log("短信")


def email_backend():
    return _smtp if current_app.config.get("MAIL_SERVER") else _log("邮件")


def _log(kind: str):
    def send(message: Outgoing) -> str:
        log.info("%s（未配置发送服务，仅记录）→ %s：%s", kind, message.address, message.body)
        return "未配置发送服务：仅记录，未实际发送"

    return send


def _smtp(message: Outgoing) -> str:
    config = current_app.config
    email = EmailMessage()
    email["From"] = formataddr((config["MAIL_SENDER_NAME"], config["MAIL_SENDER"]))
    email["To"] = message.address
    email["Subject"] = message.subject or "法院联络工作通知"
    email["Message-ID"] = make_msgid(domain=config["MAIL_SENDER"].rpartition("@")[2] or None)
    email.set_content(message.body)
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["NOTIFY_TIMEOUT_SECONDS"]) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            refused = smtp.send_message(email)
    except (OSError, smtplib.SMTPException) as error:
        raise DeliveryError(f"邮件服务器：{error}") from error
    if refused:
        raise DeliveryError(f"邮件服务器拒收：{refused}")
    return "邮件服务器已接收"


def _http_sms(message: Outgoing) -> str:
    config = current_app.config
    values = {"mobile": message.address, "text": message.body}
    query = urllib.parse.urlencode([(key, value.format(**values))
                                    for key, value in urllib.parse.parse_qsl(config["SMS_PARAMS"])])
    method = config["SMS_METHOD"].upper()
    url, data = config["SMS_URL"], None
    if method == "GET":
        url += ("&" if "?" in url else "?") + query
    else:
        data = query.encode()
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=config["NOTIFY_TIMEOUT_SECONDS"]) as response:
            answer = response.read(2000).decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"短信网关 HTTP {error.code}：{error.read(500).decode('utf-8', 'replace')}") from error
    except OSError as error:
        raise DeliveryError(f"短信网关无应答：{error}") from error
    if not re.search(config["SMS_SUCCESS"], answer):
        raise DeliveryError(f"短信网关未接受：{answer[:300]}")
    return answer[:500]
