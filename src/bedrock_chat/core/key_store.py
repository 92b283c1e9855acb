"""Where a pasted Bedrock API key is kept: the operating system's keyring (the ``keyring`` package), or, when no
keyring service runs, in memory until the app closes.

No Qt and no boto3 here. The key never reaches a log, the settings, the database or an export.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

log = logging.getLogger(__name__)

KEYRING_SERVICE = "bedrock-chat"
KEYRING_USER = "bedrock-api-key"


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
            if stored and stored.strip() and self._memory is None:  # a blank entry is no key
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

    @staticmethod
    def keyring_available() -> bool:
        """Whether a keyring service can hold the key (False on a headless box without one)."""
        try:
            import keyring
            from keyring.backends import fail

            return not isinstance(keyring.get_keyring(), fail.Keyring)
        except Exception as error:  # a broken backend is as good as none
            log.info("keyring unusable: %s", type(error).__name__)
            return False

    def status(self) -> KeyStatus:
        with self._lock:
            has_key, persistent = self._memory is not None, self._persistent
        if not has_key:
            return KeyStatus(False, False, "No API key saved.")
        if persistent:
            return KeyStatus(True, True, "The API key is kept in your system keyring.")
        return KeyStatus(True, False, "No system keyring is available: the API key is kept in memory only, "
                                      "until Bedrock Chat closes. Paste it again next time.")
