"""`frontdesk mail run` (docs/exchange-format.md, rule 29): sends what the outbox holds and is
due, once. Registered by desktop/cli.py, which reads the clock and passes it.

Exit 0 when everything due left (or nothing was due), 2 when sending is not set up (no SMTP
server, no password; nothing was tried), 1 when a message failed or waits for another try.
The password comes from the system keyring, else from $FRONTDESK_SMTP_PASSWORD.
"""

from __future__ import annotations

import os
import sys

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def add_commands(commands, database) -> None:
    mail = commands.add_parser("mail", parents=[database], help="send the outbox's due messages")
    what = mail.add_subparsers(dest="action", metavar="ACTION", required=True,
                               parser_class=mail.__class__)
    what.add_parser("run", parents=[database],
                    help="send what the outbox holds and is due, once")


def _qt_application():
    """Invoice PDFs are laid out with QtGui: an application without a screen."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    return QGuiApplication.instance() or QGuiApplication([sys.argv[0]])


def run(args, target, clock, open_database, bad_input) -> int:
    from desktop.services.mail import transport
    from desktop.services.mail.failures import failure_sentence
    from desktop.services.mail.outbox import OutboxService
    from desktop.services.mail.passwords import ENVIRONMENT, stored_password

    with open_database(target, clock) as db:
        settings = OutboxService(db, clock).smtp_settings()
        if not settings.set_up:
            raise bad_input(failure_sentence(transport.NOT_SET_UP))
        password = os.environ.get(ENVIRONMENT) or stored_password(settings)
        if settings.user and not password:
            raise bad_input(f"{failure_sentence(transport.NO_PASSWORD).rstrip('.')}, or set "
                            f"${ENVIRONMENT}.")
        application = _qt_application()  # noqa: F841 (lives while the PDFs are made)
        from desktop.documents.attachments import attachment

        report = OutboxService(db, clock, attachment).send_due(password)
    print(f"Sent {report.sent} message{'s' if report.sent != 1 else ''}; "
          f"{len(report.failed)} failed; {len(report.retrying)} will be tried again.")
    if report.stopped is not None:
        sys.stderr.write(failure_sentence(report.stopped.kind) + "\n")
    elif report.failed:
        sys.stderr.write(failure_sentence(report.failed[0][1]) + "\n")
    return EXIT_FAILED if report.failed or report.retrying or report.stopped else EXIT_OK
