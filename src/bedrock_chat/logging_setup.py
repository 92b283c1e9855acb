"""Logging for the app: a rotating file in the user's log folder, warnings on stderr, and no secret in either.

botocore and urllib3 log signed request headers (session tokens, bearer tokens) at DEBUG, so they are held at
WARNING whatever level the app runs at; a filter also scrubs the values of the credential variables, and the
user info of any URL, from every record, in case a message or a traceback quotes one.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from pathlib import Path

from bedrock_chat import __version__
from bedrock_chat.bedrock.connection import hide_password

LOG_FILE_NAME = "bedrock-chat.log"
MAX_BYTES = 2 * 1024 * 1024
BACKUP_COUNT = 3
FILE_FORMAT = "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"
REDACTED = "[redacted]"
# Variables whose values are credentials; any of them in the environment is scrubbed from every log record.
SECRET_VARIABLES = ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_BEARER_TOKEN_BEDROCK")
# Shapes of credentials that may reach a message without coming from this process's environment.
_SECRET_PATTERNS = (
    re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?)[^\s,\"'}]+(\s+[^\s,\"'}]+)?"),
    re.compile(r"(?i)(x-amz-security-token[\"']?\s*[:=]\s*[\"']?)[^\s,\"'}]+"),
    re.compile(r"(?i)((?:aws_)?(?:secret_access_key|session_token|bearer_token)[\"']?\s*[:=]\s*[\"']?)[^\s,\"'}]+"),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9+/=._-]{8,}"),
)
SDK_LOGGERS = ("botocore", "boto3", "urllib3", "s3transfer")
# Libraries whose DEBUG output is a trace of their own internals (markdown-it logs every block rule it tries).
NOISY_LOGGERS = ("markdown_it", "asyncio", "qasync")
_MIN_SECRET_LENGTH = 4  # shorter values would blank out ordinary words
_current_file: Path | None = None


def log_file() -> Path | None:
    """The file this process logs to, if logging to a file was set up."""
    return _current_file


def log_folder() -> Path:
    """Where Help › Open log folder goes: the folder in use, or the default one."""
    return _current_file.parent if _current_file is not None else default_log_dir()


def default_log_dir() -> Path:
    from platformdirs import user_log_path

    return user_log_path("bedrock-chat", appauthor=False)


def redact(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda match: match.group(1) + REDACTED, text)
    return hide_password(text)  # a proxy or endpoint URL's user info (user:password@, token@)


class SecretFilter(logging.Filter):
    """Replaces credential values and credential-shaped text in a record before any handler writes it."""

    def __init__(self, secrets: tuple[str, ...] | None = None) -> None:
        super().__init__()
        self._secrets = secrets

    def secrets(self) -> tuple[str, ...]:
        if self._secrets is not None:
            return self._secrets
        # Read at each record: the Connection dialog or a test may set a key after logging starts.
        values = (os.environ.get(name, "") for name in SECRET_VARIABLES)
        return tuple(value for value in values if len(value) >= _MIN_SECRET_LENGTH)

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = self.secrets()
        message = record.getMessage()
        cleaned = redact(message, secrets)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            # Format the traceback now, so the cleaned text is what every handler prints.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, secrets)
        return True


def quiet_sdk_loggers() -> None:
    """The SDK's DEBUG output includes signed headers: never let it through, whatever the app's level."""
    for name in SDK_LOGGERS + NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def remove_handlers() -> None:
    """Takes this module's handlers off the root logger and closes the file (tests, and a second configure)."""
    global _current_file
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_bedrock_chat", False):
            root.removeHandler(handler)
            handler.close()
    _current_file = None


def configure_logging(log_dir: Path | None = None, level: int = logging.INFO) -> Path | None:
    """Sends records to ``log_dir/bedrock-chat.log`` (rotated) and warnings to stderr; returns the file's path.

    A log folder that cannot be created leaves stderr logging only: logging must never stop the app.
    """
    import platform
    from logging.handlers import RotatingFileHandler  # imports socket and pickle: only when logging starts
    remove_handlers()
    root = logging.getLogger()
    root.setLevel(level)
    secret_filter = SecretFilter()
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.WARNING)
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handlers: list[logging.Handler] = [console]
    path: Path | None = None
    try:
        folder = log_dir if log_dir is not None else default_log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / LOG_FILE_NAME
        file_handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8")
        file_handler.setFormatter(logging.Formatter(FILE_FORMAT))
        handlers.append(file_handler)
    except OSError as error:
        path = None
        print(f"bedrock-chat: cannot write the log file ({error}); logging to the terminal only.", file=sys.stderr)
    for handler in handlers:
        handler.addFilter(secret_filter)
        handler._bedrock_chat = True  # type: ignore[attr-defined]  # marks ours, so a second call replaces them
        root.addHandler(handler)
    quiet_sdk_loggers()
    global _current_file
    _current_file = path
    logging.getLogger("bedrock_chat").info("bedrock-chat %s on Python %s, %s", __version__,
                                           platform.python_version(), platform.platform())
    return path
