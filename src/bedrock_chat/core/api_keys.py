"""Bedrock API keys: what a pasted key says about itself (short-term keys carry their expiry), and where it is
kept (the operating system's keyring; in memory until the app closes when no keyring service runs).

No Qt and no boto3 here. The key never reaches a log, the settings, the database or an export.
"""

from __future__ import annotations

import base64
import binascii
import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

log = logging.getLogger(__name__)

SHORT_TERM_PREFIX = "bedrock-api-key-"
KEYRING_SERVICE = "bedrock-chat"
KEYRING_USER = "bedrock-api-key"


def short_term_expiry(key: str) -> datetime | None:
    """When a short-term key stops working, or None for a long-term key (or anything unreadable).

    A short-term key is ``bedrock-api-key-`` + base64 of a SigV4-presigned URL, whose ``X-Amz-Date`` and
    ``X-Amz-Expires`` say when it was signed and for how long.
    """
    key = key.strip()
    if not key.startswith(SHORT_TERM_PREFIX):
        return None
    encoded = key[len(SHORT_TERM_PREFIX):]
    try:
        url = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=False).decode("utf-8")
        query = parse_qs(urlsplit(url if "://" in url else "https://" + url).query)
        signed = datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        return signed + timedelta(seconds=int(query["X-Amz-Expires"][0]))
    except (binascii.Error, UnicodeDecodeError, KeyError, IndexError, ValueError):
        return None


def describe_expiry(key: str, now: datetime | None = None) -> str:
    """One line for the Connection dialog: when a short-term key expires, or that the key is long-term."""
    expiry = short_term_expiry(key)
    if expiry is None:
        return "Long-term key (or one whose expiry cannot be read): it works until it is revoked or expires."
    left = expiry - (now or datetime.now(UTC))
    when = expiry.astimezone().strftime("%Y-%m-%d %H:%M")
    if left.total_seconds() <= 0:
        return f"Short-term key: expired at {when}. Generate a new one in the Amazon Bedrock console."
    hours, rest = divmod(int(left.total_seconds()), 3600)
    return f"Short-term key: expires at {when} (in {hours} h {rest // 60} min)."


@dataclass(frozen=True)
class KeyStatus:
    """Where the key lives now, in words for the dialog and the window."""

    has_key: bool
    persistent: bool  # False: only in this process's memory, gone when the app closes
    note: str


class ApiKeyStore:
    """The pasted Bedrock API key: in the OS keyring when one works, else in memory for this session.

    Keyring calls may block (a locked keychain asks for a password), so callers run them off the GUI thread.
    """

    def __init__(self) -> None:
        self._memory: str | None = None
        self._persistent = False
        self._lock = threading.Lock()

    def load(self) -> str | None:
        with self._lock:
            if self._memory is not None:
                return self._memory
        try:
            import keyring

            stored = keyring.get_password(KEYRING_SERVICE, KEYRING_USER)
        except Exception as error:  # no backend, a locked or broken keychain: the app works without it
            log.info("no keyring available: %s", type(error).__name__)
            return None
        with self._lock:
            if stored and self._memory is None:
                self._memory, self._persistent = stored, True
            return self._memory

    def save(self, key: str) -> KeyStatus:
        key = key.strip()
        try:
            import keyring

            keyring.set_password(KEYRING_SERVICE, KEYRING_USER, key)
            persistent = True
        except Exception as error:  # keyring.errors.NoKeyringError and friends: keep it for this session only
            log.info("cannot store the API key in a keyring: %s", type(error).__name__)
            persistent = False
        with self._lock:
            self._memory, self._persistent = key, persistent
        return self.status()

    def forget(self) -> KeyStatus:
        with self._lock:
            self._memory, self._persistent = None, False
        try:
            import keyring

            keyring.delete_password(KEYRING_SERVICE, KEYRING_USER)
        except Exception as error:  # nothing stored, or no keyring: either way no key is kept
            log.info("no stored API key removed: %s", type(error).__name__)
        return self.status()

    def status(self) -> KeyStatus:
        with self._lock:
            has_key, persistent = self._memory is not None, self._persistent
        if not has_key:
            return KeyStatus(False, False, "No API key saved.")
        if persistent:
            return KeyStatus(True, True, "The API key is kept in your system keyring.")
        return KeyStatus(True, False, "No system keyring is available: the API key is kept in memory only, "
                                      "until Bedrock Chat closes. Paste it again next time.")
