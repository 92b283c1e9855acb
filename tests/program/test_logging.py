"""The log file: in the folder asked for, rotating, opened from Help, and never holding a credential."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from bedrock_chat.app import create_window
from bedrock_chat.logging_setup import BACKUP_COUNT, MAX_BYTES, REDACTED, configure_logging
from tests.ui.conftest import send_prompt
from tests.ui.test_connection import certificate, https_server

__all__ = ["certificate", "https_server"]  # fixtures: the local endpoint over TLS

# Shaped like the real thing, so any pattern matching on shape would see them too.
SIGNING_SECRETS = {
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
    "AWS_SESSION_TOKEN": "IQoJb3JpZ2luX2VjEXAMPLEsessionTOKENvalueAAAAbbbbCCCCddddEEEE1234567890",
}
BEARER = "ABSKQmVkcm9ja0FQSUtleS1EXAMPLEbearerTOKENvalue0123456789abcdef"


def _read_log(folder) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted(folder.glob("bedrock-chat.log*")))


def test_a_session_with_real_credentials_logs_no_secret(qtbot, make_window, local_server, tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", BEARER)  # set too; over http the app signs with SigV4
    for name, value in SIGNING_SECRETS.items():
        monkeypatch.setenv(name, value)
    log_dir = tmp_path / "logs"
    path = configure_logging(log_dir, logging.DEBUG)  # the most the app ever writes
    assert path == log_dir / "bedrock-chat.log"
    assert logging.getLogger("botocore").getEffectiveLevel() == logging.WARNING
    # Not offline: boto3 signs every request with the credentials above, the session token in a header.
    window = create_window(["--endpoint-url", local_server.url, "--data-dir", str(tmp_path / "data")])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: bool(window.models), timeout=15000)
    assert not window.connection.offline
    reply = send_prompt(qtbot, window, "what is capital of Nepal")
    assert reply.state.value == "complete"
    window.close()
    # A careless message quoting a credential, and a failure whose text holds one: both must be scrubbed.
    test_log = logging.getLogger("bedrock_chat.test")
    test_log.warning("retrying with key %s", SIGNING_SECRETS["AWS_SECRET_ACCESS_KEY"])
    test_log.info("token %s", SIGNING_SECRETS["AWS_SESSION_TOKEN"])
    try:
        raise RuntimeError(f"Authorization: Bearer {BEARER}")
    except RuntimeError:
        test_log.exception("request failed")
    text = _read_log(log_dir)
    assert "/converse-stream" in text  # the session really was logged, requests included
    assert text.count(REDACTED) >= 3
    for name, value in [*SIGNING_SECRETS.items(), ("AWS_BEARER_TOKEN_BEDROCK", BEARER)]:
        assert value not in text, name
        assert value[:16] not in text, name  # not even a prefix


def test_a_session_on_a_bedrock_api_key_logs_no_key(qtbot, https_server, tmp_path, monkeypatch):
    # Only the API key: no access keys anywhere, so the session can work only if the key is really sent (as
    # "Authorization: Bearer …", which botocore does only over https, hence the TLS endpoint).
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", BEARER)
    log_dir = tmp_path / "logs"
    configure_logging(log_dir, logging.DEBUG)
    window = create_window(["--endpoint-url", https_server.url, "--data-dir", str(tmp_path / "data")])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: bool(window.models), timeout=15000)
    reply = send_prompt(qtbot, window, "what is capital of Nepal")
    assert reply.state.value == "complete" and not window.connection.offline
    window.close()
    text = _read_log(log_dir)
    assert "/converse-stream" in text
    assert BEARER not in text and BEARER[:16] not in text


def test_log_file_rotates_at_a_few_megabytes(tmp_path):
    configure_logging(tmp_path, logging.INFO)
    handler = next(h for h in logging.getLogger().handlers if isinstance(h, RotatingFileHandler))
    assert (handler.maxBytes, handler.backupCount) == (MAX_BYTES, BACKUP_COUNT)
    line = "x" * 1000
    for _ in range(int(MAX_BYTES * (BACKUP_COUNT + 2) / 1000)):
        logging.getLogger("bedrock_chat.test").info(line)
    files = sorted(path.name for path in tmp_path.iterdir())
    assert files == ["bedrock-chat.log", *(f"bedrock-chat.log.{n}" for n in range(1, BACKUP_COUNT + 1))]
    assert all(path.stat().st_size <= MAX_BYTES + 2000 for path in tmp_path.iterdir())


def test_an_unwritable_log_folder_does_not_stop_the_app(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert configure_logging(blocker / "logs") is None
    assert "logging to the terminal only" in capsys.readouterr().err


def test_help_open_log_folder_opens_the_folder_in_use(qtbot, make_window, local_server, tmp_path, monkeypatch):
    log_dir = tmp_path / "logs"
    configure_logging(log_dir)
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    window = make_window(local_server.url)
    window.action_by_id["help.log_folder"].trigger()
    assert [url.toLocalFile() for url in opened] == [str(log_dir)]
