"""The SMTP password in the system keyring (rule 29), never in the database, a settings file or
a log. Where no keyring backend exists the window asks once per session and keeps it in memory
(desktop/ui/window/preferences_mail.py); the command line reads FRONTDESK_SMTP_PASSWORD then."""

from __future__ import annotations

import logging

from desktop.services.mail.transport import SmtpSettings

SERVICE = "Frontdesk SMTP"
ENVIRONMENT = "FRONTDESK_SMTP_PASSWORD"
_log = logging.getLogger(__name__)


def _account(settings: SmtpSettings) -> str:
    return f"{settings.user}@{settings.host}"


def keyring_usable() -> bool:
    """Whether a real backend holds secrets here (the fail backend's priority is 0)."""
    try:
        import keyring  # loaded when first asked: it reads every backend's entry point

        return keyring.get_keyring().priority > 0
    except Exception:  # a broken backend is no backend  # noqa: BLE001
        return False


def stored_password(settings: SmtpSettings) -> str | None:
    if not settings.user or not keyring_usable():
        return None
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(SERVICE, _account(settings))
    except KeyringError:
        _log.warning("the keyring could not be read")  # never the password itself
        return None


def store_password(settings: SmtpSettings, password: str) -> bool:
    """Keep the password in the keyring; False when there is none (then the caller keeps it
    for the session)."""
    if not settings.user or not keyring_usable():
        return False
    import keyring
    from keyring.errors import KeyringError

    try:
        if password:
            keyring.set_password(SERVICE, _account(settings), password)
        else:
            keyring.delete_password(SERVICE, _account(settings))
        return True
    except KeyringError:
        _log.warning("the keyring could not be written")
        return False
