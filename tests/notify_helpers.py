"""What the notification tests share: settings with senders, a worker on them, and a local SMTP server with
STARTTLS and login (aiosmtpd) that keeps the mails it receives."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from conftest import write_site
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from forms_api import settings
from forms_api.cases import TZ
from forms_api.notify import worker as w
from forms_api.store import open_store

SMS_TEMPLATES = {"assigned": "SMS_1001", "replied": "SMS_1002", "closed": "SMS_1003", "reopened": "SMS_1004"}
SIGN = "码上找代表"


def notify_config(tmp_path: Path, **over: Any) -> dict[str, Any]:
    """Settings on tmp_path's queue and site with the senders given (NOTIFY_SMS=..., SMS_ENDPOINT=...)."""
    base = {
        "QUEUE_DIR": tmp_path / "queue",
        "QUEUE_FSYNC": False,
        "SITE_DIR": write_site(tmp_path / "site"),
        "SITE_URL": "https://daibiao.example.org/",
        "SMS_SIGN_NAME": SIGN,
        "SMS_TEMPLATES": SMS_TEMPLATES,
        "SMS_ACCESS_KEY_ID": "test-id",
        "SMS_ACCESS_KEY_SECRET": "test-secret",
        "SMS_APP_ID": "1400000001",
        "NOTIFY_RETRY_SECONDS": 0,
    }
    return settings.load(base | over, environ={})


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


def make_worker(config: dict[str, Any], clock: dt.datetime) -> w.Worker:
    return w.Worker(
        open_store(config),
        w.senders(config),
        w.Rules.from_config(config),
        site_url=config["SITE_URL"],
        contacts=w.Contacts(config["NOTIFY_CONTACTS"]),
        clock=lambda: clock,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key (PEM files)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "smtp.pem", directory / "smtp.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


@dataclass
class Mailbox:
    port: int
    mails: list[EmailMessage] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.mails.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        return "250 OK"


USER, PASSWORD = "notify@daibiao.example.org", "smtp-password"


@contextmanager
def smtp_server(directory: Path) -> Iterator[Mailbox]:
    """aiosmtpd on 127.0.0.1 requiring STARTTLS and login; set SSL_CERT_FILE to the certificate to trust it."""
    cert_file, key_file = self_signed(directory)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    box = Mailbox(free_port())

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (USER.encode(), PASSWORD.encode())
        if ok:
            box.logins.append(data.login.decode())
        return AuthResult(success=ok)

    controller = Controller(
        box,
        hostname="127.0.0.1",
        port=box.port,
        tls_context=context,
        require_starttls=True,
        authenticator=authenticate,
        auth_required=True,
    )
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


def smtp_settings(box: Mailbox) -> dict[str, Any]:
    return {
        "NOTIFY_EMAIL": "smtp",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": box.port,
        "SMTP_SECURITY": "starttls",
        "SMTP_USER": USER,
        "SMTP_PASSWORD": PASSWORD,
        "SMTP_FROM": USER,
    }
