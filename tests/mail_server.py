"""A real SMTP server on 127.0.0.1 for the outbox's tests (aiosmtpd, the test extra): plain,
STARTTLS or implicit TLS with a self-signed certificate made here (cryptography), optionally
asking for a login, and scripted to fail: answer a message with a reply code, or drop the
connection in the middle of one."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
import ssl
import threading
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    import ipaddress

    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - dt.timedelta(days=1))
                   .not_valid_after(now + dt.timedelta(days=2))
                   .add_extension(x509.SubjectAlternativeName(
                       [x509.DNSName("localhost"),
                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None),
                                  critical=True)
                   .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class Inbox:
    """The handler: keeps every message accepted; `script` holds what to do with the next
    messages instead ("drop", or a reply such as "451 Try again later")."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.script: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            action = self.script.pop(0) if self.script else ""
        if action == "drop":
            server.transport.close()
            return "421 closing"  # never read: the connection is gone
        if action:
            return action
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.original_content,
                                                          policy=email.policy.default))
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


class Authenticator:
    def __init__(self, user: str, password: str) -> None:
        self.user, self.password = user, password

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == self.user
              and auth_data.password.decode() == self.password)
        return AuthResult(success=ok, handled=False)


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def client_context(cert: Path) -> ssl.SSLContext:
    """What the desk trusts: the test's certificate (a real site's is the system's CAs)."""
    return ssl.create_default_context(cafile=str(cert))


def start(inbox: Inbox, *, security: str = "none", cert: tuple[Path, Path] | None = None,
          login: tuple[str, str] | None = None) -> Controller:
    kwargs: dict = {}
    if security == "starttls":
        assert cert is not None
        kwargs["tls_context"] = server_context(*cert)
        kwargs["require_starttls"] = True
    if login is not None:
        kwargs.update(authenticator=Authenticator(*login), auth_required=True,
                      auth_require_tls=security != "none")
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(),
                            ssl_context=server_context(*cert) if security == "tls" else None,
                            **kwargs)
    controller.start()
    return controller
