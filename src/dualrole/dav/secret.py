"""Where the phone-sync password comes from: ``DUALROLE_DAV_PASSWORD``, the system keyring
(the ``keyring`` library: macOS Keychain, Secret Service, Windows Credential Locker), or
the caller's prompt. It is never written to a file by dualrole, nor printed."""

from __future__ import annotations

import os
from collections.abc import Callable
from urllib.parse import urlsplit

ENV = "DUALROLE_DAV_PASSWORD"
SERVICE = "dualrole-dav"


class NoPassword(Exception):
    """No password in the environment or the keyring, and none could be asked for."""


def _account(user: str, url: str) -> str:
    return f"{user}@{urlsplit(url).netloc or url}"


def from_keyring(user: str, url: str) -> str | None:
    try:
        import keyring

        value = keyring.get_password(SERVICE, _account(user, url))
    except Exception:  # no backend, a locked keyring, no D-Bus: as if nothing is stored
        return None
    return value or None


def save_in_keyring(user: str, url: str, password: str) -> bool:
    """Keep ``password`` in the system keyring; False when there is no usable keyring."""
    try:
        import keyring
        from keyring.backends import fail, null

        if isinstance(keyring.get_keyring(), fail.Keyring | null.Keyring):
            return False
        keyring.set_password(SERVICE, _account(user, url), password)
    except Exception:
        return False
    return True


def password(user: str, url: str, ask: Callable[[], str] | None = None) -> tuple[str, str]:
    """The password and where it came from (``environment``, ``keyring`` or ``prompt``)."""
    if os.environ.get(ENV):
        return os.environ[ENV], "environment"
    stored = from_keyring(user, url)
    if stored:
        return stored, "keyring"
    if ask is not None:
        return ask(), "prompt"
    raise NoPassword(
        f"No password for {user}: set {ENV}, or run `dualrole dav connect` on a terminal "
        "to type it (and keep it in the system keyring)."
    )
