"""Shared fixtures: a local Bedrock endpoint and real boto3 clients pointed at it."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

from bedrock_chat.local_endpoint import LocalBedrockServer, ServerOptions

# Tests never reach AWS and never read the developer's own credentials or config.
for _name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_BEDROCK",
              "AWS_ENDPOINT_URL_BEDROCK_RUNTIME"):
    os.environ.pop(_name, None)
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# ...nor the developer's keyring: a pasted API key in a test must never land in a real keychain.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

DUMMY_CREDENTIALS = {"aws_access_key_id": "AKIDLOCALTEST", "aws_secret_access_key": "local-secret-key"}


@pytest.fixture(scope="session")
def local_server() -> Iterator[LocalBedrockServer]:
    """A shared endpoint streaming at full speed."""
    with LocalBedrockServer(ServerOptions(tokens_per_second=0, first_token_delay=0)) as server:
        yield server


@pytest.fixture
def paced_server() -> Iterator[LocalBedrockServer]:
    """A fresh endpoint at a person's pace, for tests of timing-dependent behaviour (Stop, drip)."""
    with LocalBedrockServer(ServerOptions(tokens_per_second=200, first_token_delay=0.05)) as server:
        yield server


def make_client(service: str, url: str, region: str = "us-east-1", **config: Any) -> Any:
    settings = {"retries": {"mode": "standard", "max_attempts": 3}, "read_timeout": 30, "connect_timeout": 5}
    settings.update(config)
    return boto3.client(service, endpoint_url=url, region_name=region, config=Config(**settings),
                        **DUMMY_CREDENTIALS)


@pytest.fixture
def runtime(local_server: LocalBedrockServer) -> Any:
    return make_client("bedrock-runtime", local_server.url)


@pytest.fixture
def control(local_server: LocalBedrockServer) -> Any:
    return make_client("bedrock", local_server.url)


def send_header(client: Any, name: str, value: str) -> None:
    """Adds a header to every request the client sends (how tests choose faults and pace per request); a turn
    that runs in the turn host process sends it too."""
    from bedrock_chat.bedrock.session import add_request_header

    add_request_header(client, name, value)


def stop_sending_header(client: Any, name: str) -> None:
    from bedrock_chat.bedrock.session import remove_request_header

    remove_request_header(client, name)


@pytest.fixture(autouse=True)
def _dispose_of_main_windows() -> Iterator[None]:
    """Every main window a test made is closed and deleted at its end, as ``qtbot.addWidget`` does for those
    handed to it: a closed window that nobody deletes is kept by its own signal connections, so each one a test
    made on its own stayed in memory to the end of the run."""
    yield
    main_window = sys.modules.get("bedrock_chat.ui.main_window")
    if main_window is None:  # no window in this run so far (and Qt need not be loaded)
        return
    from PySide6.QtWidgets import QApplication

    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, main_window.MainWindow):
            widget.close()
            widget.deleteLater()


# -- opt-in memory trace ---------------------------------------------------------------------------------------
# BEDROCK_CHAT_TEST_MEMORY=FILE appends one JSON line per test: its id, this process's resident set (VmRSS) and
# peak (VmHWM) in MiB after its teardown, how many main windows, conversation views, compare columns and
# conversations are still alive after a full collection, and how many widgets Qt still has. A count that climbs
# test after test is a leak (tests/ui/test_window_lifetime.py has what one was). It slows the run: counting walks
# every object after every test.
_MEMORY_TRACE = os.environ.get("BEDROCK_CHAT_TEST_MEMORY")

if _MEMORY_TRACE:
    import gc
    import json
    from pathlib import Path

    def _status_mib(field: str) -> float:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
        return 0.0

    def _live_counts() -> dict[str, int]:
        from PySide6.QtCore import QCoreApplication, QEvent
        from PySide6.QtWidgets import QApplication

        if QApplication.instance() is not None:  # what the test's teardown handed to deleteLater goes first
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            QApplication.processEvents()
        gc.collect()
        counts = dict.fromkeys(("MainWindow", "ChatView", "AnswerView", "CompareColumn", "Conversation"), 0)
        for thing in gc.get_objects():
            name = type(thing).__name__
            if name in counts:
                counts[name] += 1
        counts["qt_widgets"] = len(QApplication.allWidgets()) if QApplication.instance() is not None else 0
        return counts

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_logfinish(nodeid: str, location: Any) -> None:
        line = {"test": nodeid, "rss_mib": round(_status_mib("VmRSS"), 1),
                "peak_mib": round(_status_mib("VmHWM"), 1), **_live_counts()}
        with Path(_MEMORY_TRACE).open("a", encoding="utf-8") as trace:
            trace.write(json.dumps(line) + "\n")


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No credential, proxy or CA bundle of the person running the tests, and no instance metadata lookups."""
    for name in ("AWS_BEARER_TOKEN_BEDROCK", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                 "AWS_CA_BUNDLE", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "NO_PROXY", "no_proxy",
                 "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return monkeypatch
