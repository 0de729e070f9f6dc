"""The senders a worker uses, chosen in settings (NOTIFY_SMS, NOTIFY_EMAIL): `log` for development (writes what
would be sent, without the phone or address), SMTP e-mail here, the SMS providers in forms_api/notify/sms.py.

Every sender takes one `Message` and returns, or raises SendError (the provider refused, throttled or could not be
reached): the worker retries it with backoff and records the last failure."""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any, Protocol

log = logging.getLogger("forms_api.notify")


class SendError(Exception):
    """The message was not accepted; str() says why, without personal data (a provider's code and message)."""


@dataclass
class Message:
    """One notification to send: `to` holds the phone (SMS) or the addresses (e-mail); `who` names the recipient
    without personal data (`citizen`, `deputy:<id>` ...), for logs."""

    channel: str
    template: str
    params: dict[str, str]
    to: list[str] = field(repr=False)
    who: str
    text: str
    subject: str = ""


class Sender(Protocol):
    def send(self, message: Message) -> None: ...


class LogSender:
    """Development: log what would be sent (the text, which holds no personal data), never the phone or address."""

    def send(self, message: Message) -> None:
        log.info(
            "notify %s %s to %s: %s %s",
            message.channel,
            message.template,
            message.who,
            message.subject,
            message.text.replace("\n", " "),
        )


class SmtpSender:
    """E-mail over SMTP: STARTTLS (587), implicit TLS (465) or none (a local relay), with login when configured."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.host, self.port = config["SMTP_HOST"], int(config["SMTP_PORT"])
        self.security, self.sender = config["SMTP_SECURITY"], config["SMTP_FROM"]
        self.user, self.password = config["SMTP_USER"], config["SMTP_PASSWORD"]
        self.context = ssl.create_default_context()

    def send(self, message: Message) -> None:
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = self.sender, ", ".join(message.to), message.subject
        mail["Date"], mail["Message-ID"] = formatdate(localtime=True), make_msgid()
        mail.set_content(message.text)
        try:
            if self.security == "tls":
                client: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=30, context=self.context)
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=30)
            with client:
                if self.security == "starttls":
                    client.starttls(context=self.context)
                if self.user:
                    client.login(self.user, self.password)
                client.send_message(mail)
        except (OSError, smtplib.SMTPException) as exc:
            raise SendError(f"smtp: {type(exc).__name__}: {getattr(exc, 'smtp_code', '')}") from exc
