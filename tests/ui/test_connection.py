"""The Connection dialog as a person uses it: Test connection, a pasted API key (keyring or memory only), the
clients rebuilt when the key changes, AWS SSO sign-in, and Reconnect while a reply streams."""

from __future__ import annotations

import http.client
import json
import logging
import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QPushButton, QWidget

from bedrock_chat.local_endpoint import LocalBedrockServer, ServerOptions
from bedrock_chat.local_endpoint.server_state import bearer_fingerprint
from tests.ui.conftest import install_fake_aws_cli, send_prompt

KEY_A = "ABSKQmVkcm9ja0FQSUtleS1hYWFhOmxvbmctdGVybS1rZXktQQ=="
KEY_B = "ABSKQmVkcm9ja0FQSUtleS1iYmJiOmxvbmctdGVybS1rZXktQg=="


def named(parent: QWidget, kind: type, name: str) -> Any:
    found = [widget for widget in parent.findChildren(kind) if widget.accessibleName() == name]
    assert len(found) == 1, f"{kind.__name__} named {name!r}: {len(found)}"
    return found[0]


def open_dialog(qtbot: Any, window: Any) -> Any:
    window.connection_action.trigger()
    qtbot.waitUntil(lambda: window.connection_dialog is not None and window.connection_dialog.isVisible())
    return window.connection_dialog


def run_test(qtbot: Any, dialog: Any) -> dict[str, str]:
    with qtbot.waitSignal(dialog.checks_finished, timeout=30000):
        named(dialog, QPushButton, "Test connection").click()
    return {name: named(dialog, QLabel, f"{name} verdict").text() for name in ("Credentials", "Model listing",
                                                                                 "Converse")}


def connect_with_key(qtbot: Any, window: Any, key: str) -> None:
    dialog = open_dialog(qtbot, window)
    named(dialog, QLineEdit, "Bedrock API key").setText(key)
    with qtbot.waitSignal(window.models_loaded, timeout=15000):
        named(dialog, QPushButton, "Connect").click()


# -- servers ---------------------------------------------------------------------------------------------


class _RefusingProxy(BaseHTTPRequestHandler):
    """Forwards to the local endpoint, but answers the model-list routes with 403 as a narrow IAM policy does."""

    upstream: str
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _forward(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.split("?")[0] in ("/foundation-models", "/inference-profiles"):
            payload = json.dumps({"message": "User is not authorized to perform: bedrock:ListFoundationModels"})
            self.send_response(403)
            self.send_header("Content-Type", "application/json")
            self.send_header("x-amzn-ErrorType", "AccessDeniedException:http://internal.amazon.com/coral/")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload.encode())
            return
        host, port = self.upstream.removeprefix("http://").split(":")
        upstream = http.client.HTTPConnection(host, int(port), timeout=30)
        headers = {name: value for name, value in self.headers.items() if name.lower() != "host"}
        upstream.request(self.command, self.path, body=body, headers=headers)
        answer = upstream.getresponse()
        data = answer.read()
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        upstream.close()

    def do_GET(self) -> None:
        self._forward()

    def do_POST(self) -> None:
        self._forward()


@pytest.fixture
def refusing_server(local_server: LocalBedrockServer) -> Iterator[str]:
    handler = type("Handler", (_RefusingProxy,), {"upstream": local_server.url})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    return cert, key


@pytest.fixture
def https_server(certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalBedrockServer]:
    """The local endpoint over TLS: botocore sends a bearer key only over https."""
    cert, key = certificate
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    monkeypatch.setenv("AWS_CA_BUNDLE", str(cert))
    with LocalBedrockServer(ServerOptions(tokens_per_second=0, first_token_delay=0, tls=context)) as server:
        yield server


class FileKeyring(KeyringBackend):
    """A real keyring backend that keeps its secrets in one JSON file (the stored case, without a desktop)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def _read(self) -> dict[str, str]:
        return json.loads(self.path.read_text()) if self.path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._read().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        self.path.write_text(json.dumps({**self._read(), f"{service}/{username}": password}))

    def delete_password(self, service: str, username: str) -> None:
        data = self._read()
        data.pop(f"{service}/{username}", None)
        self.path.write_text(json.dumps(data))


@pytest.fixture
def use_keyring() -> Iterator[Any]:
    previous = keyring.get_keyring()

    def install(backend: KeyringBackend) -> KeyringBackend:
        keyring.set_keyring(backend)
        return backend

    yield install
    keyring.set_keyring(previous)


@pytest.fixture
def online_window(qtbot: Any) -> Iterator[Any]:
    from bedrock_chat.app import create_window

    windows: list[Any] = []

    def build(url: str, data_dir: Path, *extra: str) -> Any:
        window = create_window(["--endpoint-url", url, "--data-dir", str(data_dir), *extra])
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    yield build
    for window in windows:
        window.close()


# -- Test connection ---------------------------------------------------------------------------------------


def test_test_connection_against_the_local_endpoint_passes_all_three_checks(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    dialog = open_dialog(qtbot, window)
    verdicts = run_test(qtbot, dialog)
    assert verdicts["Credentials"].startswith("✓ Signed in as arn:aws:iam::123456789012:"), verdicts
    assert verdicts["Model listing"].startswith("✓ ") and "text models listed" in verdicts["Model listing"]
    assert verdicts["Converse"].startswith("✓ amazon.nova-micro-v1:0 answered"), verdicts
    paths = [request.path for request in local_server.requests[-3:]]
    assert paths[0] == "/" and paths[1].startswith("/foundation-models") and paths[2].endswith("/converse")


def test_online_the_identity_check_follows_aws_endpoint_url_sts(qtbot, online_window, local_server, tmp_path,
                                                                monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDFROMENVIRONMENT")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "environment-secret")
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", local_server.url)
    window = online_window(local_server.url, tmp_path)
    qtbot.waitUntil(lambda: bool(window.models), timeout=15000)
    assert not window.connection.offline
    verdicts = run_test(qtbot, open_dialog(qtbot, window))
    assert all(text.startswith("✓ ") for text in verdicts.values()), verdicts
    identity = next(request for request in reversed(local_server.requests) if request.path == "/")
    assert identity.access_key_id == "AKIDFROMENVIRONMENT"


def test_test_connection_names_a_refused_model_listing_and_still_converses(qtbot, make_window, local_server,
                                                                           refusing_server):
    window = make_window(local_server.url)
    dialog = open_dialog(qtbot, window)
    named(dialog, QLineEdit, "Endpoint URL").setText(refusing_server)
    verdicts = run_test(qtbot, dialog)
    assert verdicts["Credentials"].startswith("✓ "), verdicts
    assert verdicts["Model listing"].startswith("✗ Listing models is not allowed"), verdicts
    assert "bedrock:ListFoundationModels" in verdicts["Model listing"]
    assert verdicts["Converse"].startswith("✓ "), verdicts
    # Testing applies nothing: the window still talks to its own endpoint.
    assert window.connection.endpoint_url == local_server.url


def test_test_connection_against_an_endpoint_that_does_not_answer_says_so_on_every_line(qtbot, make_window,
                                                                                       local_server):
    window = make_window(local_server.url)
    dialog = open_dialog(qtbot, window)
    named(dialog, QLineEdit, "Endpoint URL").setText("http://127.0.0.1:9")
    verdicts = run_test(qtbot, dialog)
    for name, text in verdicts.items():
        assert text.startswith("✗ ") and "Traceback" not in text, (name, text)
        assert "network" in text.lower() or "endpoint" in text.lower(), (name, text)


# -- the API key ------------------------------------------------------------------------------------------


def test_a_pasted_key_is_used_over_https_and_a_new_key_rebuilds_the_clients(qtbot, online_window, https_server,
                                                                             tmp_path, use_keyring, caplog):
    use_keyring(fail.Keyring())
    caplog.set_level(logging.DEBUG, logger="bedrock_chat")
    window = online_window(https_server.url, tmp_path)
    # No AWS credentials here at all: without a key the model list cannot load.
    qtbot.waitUntil(window.error_banner.isVisible, timeout=15000)
    connect_with_key(qtbot, window, KEY_A)
    send_prompt(qtbot, window, "hello with key A")
    last = https_server.requests[-1]
    assert last.path.endswith("converse-stream") and last.auth_scheme == "Bearer"
    assert last.bearer_fingerprint == bearer_fingerprint(KEY_A)
    # Where no keyring works, the window says the key lives in memory only.
    assert "memory only" in window.connection_label.text()
    assert "memory only" in window.connection_label.toolTip()

    connect_with_key(qtbot, window, KEY_B)
    send_prompt(qtbot, window, "hello with key B")
    assert https_server.requests[-1].bearer_fingerprint == bearer_fingerprint(KEY_B)
    window.close()

    for path in tmp_path.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for key in (KEY_A, KEY_B):
                assert key.encode() not in data, path
                assert key[4:20].encode() not in data, path
    for record in caplog.records:
        assert KEY_A not in record.getMessage() and KEY_B not in record.getMessage()


def test_an_offline_window_goes_online_with_a_pasted_key(qtbot, make_window, local_server, https_server,
                                                          use_keyring):
    use_keyring(fail.Keyring())
    window = make_window(local_server.url)
    assert window.connection.offline and not window.region_box.isEnabled()
    dialog = open_dialog(qtbot, window)
    named(dialog, QCheckBox, "Offline").setChecked(False)
    named(dialog, QLineEdit, "Endpoint URL").setText(https_server.url)
    named(dialog, QLineEdit, "Bedrock API key").setText(KEY_A)
    verdicts = run_test(qtbot, dialog)
    assert all(text.startswith("✓ ") for text in verdicts.values()), verdicts
    assert "API key" in verdicts["Credentials"]
    with qtbot.waitSignal(window.models_loaded, timeout=15000):
        named(dialog, QPushButton, "Connect").click()
    assert not window.connection.offline and window.region_box.isEnabled()
    send_prompt(qtbot, window, "now online")
    assert https_server.requests[-1].bearer_fingerprint == bearer_fingerprint(KEY_A)
    assert "API key" in window.connection_label.text()


def test_the_dialog_says_a_key_stays_in_memory_when_no_keyring_works(qtbot, make_window, local_server,
                                                                     use_keyring):
    use_keyring(fail.Keyring())
    window = make_window(local_server.url)
    dialog = open_dialog(qtbot, window)
    storage = named(dialog, QLabel, "API key storage")
    qtbot.waitUntil(lambda: "memory only" in storage.text())
    named(dialog, QLineEdit, "Bedrock API key").setText(KEY_A)
    with qtbot.waitSignal(window.connection_ctl.key_status_changed, timeout=10000) as status:
        named(dialog, QPushButton, "Connect").click()
    assert status.args[0].has_key and not status.args[0].persistent
    assert "memory only" in window.statusBar().currentMessage()
    again = open_dialog(qtbot, window)
    assert "memory only" in named(again, QLabel, "API key storage").text()
    assert "…" in named(again, QLineEdit, "Bedrock API key").placeholderText()


def test_a_key_in_the_keyring_is_used_after_a_restart_and_can_be_forgotten(qtbot, online_window, https_server,
                                                                           tmp_path, use_keyring):
    store = use_keyring(FileKeyring(tmp_path / "keyring.json"))
    data_dir = tmp_path / "data"
    window = online_window(https_server.url, data_dir)
    qtbot.waitUntil(window.error_banner.isVisible, timeout=15000)
    dialog = open_dialog(qtbot, window)
    named(dialog, QLineEdit, "Bedrock API key").setText(KEY_A)
    with qtbot.waitSignal(window.connection_ctl.key_status_changed, timeout=10000) as status:
        named(dialog, QPushButton, "Connect").click()
    assert status.args[0].persistent
    assert store.get_password("bedrock-chat", "bedrock-api-key") == KEY_A
    window.close()
    # With no AWS credentials at all, the saved key is a way in: the app no longer starts offline.
    from bedrock_chat.app import create_window

    plain = create_window(["--data-dir", str(data_dir)])
    assert not plain.connection.offline
    plain.close()

    again = online_window(https_server.url, data_dir)
    qtbot.waitUntil(lambda: bool(again.models), timeout=15000)
    assert https_server.requests[-1].bearer_fingerprint == bearer_fingerprint(KEY_A)
    assert "system keyring" in again.connection_label.toolTip()
    dialog = open_dialog(qtbot, again)
    named(dialog, QPushButton, "Forget API key").click()
    with qtbot.waitSignal(again.connection_ctl.key_status_changed, timeout=10000):
        named(dialog, QPushButton, "Connect").click()
    assert store.get_password("bedrock-chat", "bedrock-api-key") is None
    assert again.connection.api_key is None
    for path in data_dir.rglob("*"):
        if path.is_file():
            assert KEY_A.encode() not in path.read_bytes(), path


def test_a_short_term_key_shows_its_expiry(qtbot, make_window, local_server):
    import base64

    url = ("bedrock.amazonaws.com/?Action=CallWithBearerToken&X-Amz-Algorithm=AWS4-HMAC-SHA256"
           "&X-Amz-Credential=AKID%2F20991231%2Fus-east-1%2Fbedrock%2Faws4_request&X-Amz-Date=20991231T000000Z"
           "&X-Amz-Expires=43200&X-Amz-SignedHeaders=host&X-Amz-Signature=abc&Version=1")
    key = "bedrock-api-key-" + base64.b64encode(url.encode()).decode()
    window = make_window(local_server.url)
    dialog = open_dialog(qtbot, window)
    expiry = named(dialog, QLabel, "API key expiry")
    named(dialog, QLineEdit, "Bedrock API key").setText(key)
    assert "short-term" in expiry.text() and "expires in" in expiry.text()
    named(dialog, QLineEdit, "Bedrock API key").setText(KEY_A)
    assert "short-term" not in expiry.text()


# -- AWS SSO ------------------------------------------------------------------------------------------------


@pytest.fixture
def sso_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    config = tmp_path / "aws-config"
    config.write_text("[profile dev-sso]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n"
                      "sso_account_id = 123456789012\nsso_role_name = Dev\nregion = us-east-1\n"
                      "[profile analyst-sso]\nsso_session = corp\nsso_account_id = 123456789012\n"
                      "sso_role_name = Analyst\n[sso-session corp]\nsso_start_url = https://example.awsapps.com/start\n"
                      "sso_region = us-east-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("HOME", str(tmp_path))  # no SSO token cache: the session is "expired"
    return "dev-sso"


def test_an_expired_sso_session_names_the_profile_and_hides_the_button_without_the_aws_cli(
        qtbot, online_window, local_server, sso_profile, tmp_path, monkeypatch):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    window = online_window(local_server.url, tmp_path / "data", "--profile", sso_profile)
    qtbot.waitUntil(window.error_banner.isVisible, timeout=15000)
    assert "“dev-sso”" in window.error_text.text() and "aws sso login --profile dev-sso" in window.error_text.text()
    assert not window.sso_button.isVisible()
    # The dialog lists the config's profiles, SSO ones included, read off the GUI thread.
    dialog = open_dialog(qtbot, window)
    profiles = named(dialog, QComboBox, "AWS profile")
    qtbot.waitUntil(lambda: profiles.findData("analyst-sso") >= 0, timeout=5000)
    assert profiles.currentData() == "dev-sso"
    verdicts = run_test(qtbot, dialog)
    assert verdicts["Credentials"].startswith("✗ The AWS SSO session of profile “dev-sso”"), verdicts
    assert "aws sso login --profile dev-sso" in verdicts["Credentials"]
    assert not named(dialog, QPushButton, "Sign in with AWS SSO").isVisible()  # no AWS CLI here


def test_the_sso_button_runs_aws_sso_login_for_the_profile_then_reconnects(qtbot, online_window, local_server,
                                                                          sso_profile, tmp_path, monkeypatch):
    record = install_fake_aws_cli(tmp_path, monkeypatch)
    window = online_window(local_server.url, tmp_path / "data", "--profile", sso_profile)
    qtbot.waitUntil(window.error_banner.isVisible, timeout=15000)
    assert window.sso_button.isVisible()
    with qtbot.waitSignal(window.connection_ctl.connecting, timeout=10000):
        window.sso_button.click()
    assert record.read_text().split() == ["sso", "login", "--profile", "dev-sso"]
    # The dialog's Test connection offers the same sign-in for the profile it tested.
    record.unlink()
    dialog = open_dialog(qtbot, window)
    qtbot.waitUntil(lambda: named(dialog, QComboBox, "AWS profile").findData("analyst-sso") >= 0, timeout=5000)
    named(dialog, QComboBox, "AWS profile").setCurrentIndex(
        named(dialog, QComboBox, "AWS profile").findData("analyst-sso"))
    verdicts = run_test(qtbot, dialog)
    assert "“analyst-sso”" in verdicts["Credentials"]
    sign_in = named(dialog, QPushButton, "Sign in with AWS SSO")
    assert sign_in.isVisible()
    with qtbot.waitSignal(window.connection_ctl.sso_login_finished, timeout=10000) as finished:
        sign_in.click()
    assert finished.args == [True]
    assert record.read_text().split() == ["sso", "login", "--profile", "analyst-sso"]


# -- Reconnect during a reply ---------------------------------------------------------------------------------


def test_reconnect_during_a_reply_keeps_stop_and_closes_the_old_clients_after(qtbot, make_window, paced_server):
    window = make_window(paced_server.url)
    old = window.clients
    window.prompt.setPlainText("a long one [tokens:400]")
    window.send_button.click()
    qtbot.waitUntil(lambda: bool(window.turns.reply and window.turns.reply.text), timeout=10000)
    with qtbot.waitSignal(window.models_loaded, timeout=15000):
        window.connection_ctl.reconnect(window.connection.region, None)
    assert window.clients is not old
    assert window.stop_button.isEnabled() and not window.model_box.isEnabled()
    assert window.busy
    with qtbot.waitSignal(window.reply_finished, timeout=20000) as finished:
        pass
    assert finished.args[0].state.value == "complete"
    assert window.model_box.isEnabled()
    # The old runtime and control connections are closed; only the new control client's pooled one remains.
    qtbot.waitUntil(lambda: paced_server.open_connections <= 1, timeout=5000)
    send_prompt(qtbot, window, "after reconnect")
    assert not window.uses_clients(old)


def test_the_connection_controls_have_names_and_tooltips(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    dialog = open_dialog(qtbot, window)
    for kind in (QLineEdit, QPushButton, QComboBox, QCheckBox):
        for widget in dialog.findChildren(kind):
            if widget.isVisibleTo(dialog) and not isinstance(widget.parent(), QComboBox):  # an editable box's own
                assert widget.accessibleName() and widget.toolTip(), widget
    assert window.connection_bar.connection_button.accessibleName() == "Connection settings"
    window.connection_bar.connection_button.click()  # the toolbar path raises the same dialog
    assert window.connection_dialog is dialog


class SlowSavingKeyring(FileKeyring):
    """A keychain that takes a while to store a key (a locked one asks for its password first)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        import time

        time.sleep(0.6)
        super().set_password(service, username, password)


def test_forget_right_after_a_slow_save_leaves_no_key(qtbot, online_window, https_server, tmp_path, use_keyring):
    store = use_keyring(SlowSavingKeyring(tmp_path / "keyring.json"))
    window = online_window(https_server.url, tmp_path / "data")
    qtbot.waitUntil(window.error_banner.isVisible, timeout=15000)
    dialog = open_dialog(qtbot, window)
    named(dialog, QLineEdit, "Bedrock API key").setText(KEY_A)
    named(dialog, QPushButton, "Connect").click()  # the save is still in the keychain's hands...
    dialog = open_dialog(qtbot, window)
    named(dialog, QPushButton, "Forget API key").click()  # ...when the person changes their mind
    statuses: list[Any] = []
    window.connection_ctl.key_status_changed.connect(statuses.append)
    named(dialog, QPushButton, "Connect").click()
    qtbot.waitUntil(lambda: bool(statuses) and not statuses[-1].has_key, timeout=10000)
    qtbot.wait(1000)  # past the slow save, whichever order the keychain ran them in
    assert store.get_password("bedrock-chat", "bedrock-api-key") is None
    assert window.connection.api_key is None


def test_every_field_of_the_dialog_has_a_working_keyboard_mnemonic(qtbot, make_window, local_server):
    from PySide6.QtWidgets import QFormLayout

    window = make_window(local_server.url)
    dialog = open_dialog(qtbot, window)
    form = dialog.findChild(QFormLayout)
    labels = [form.itemAt(row, QFormLayout.ItemRole.LabelRole) for row in range(form.rowCount())]
    for item in labels:
        label = item.widget() if item is not None else None
        if isinstance(label, QLabel) and "&" in label.text():
            assert label.buddy() is not None, f"{label.text()!r} shows its & instead of underlining a key"
    assert named(dialog, QLineEdit, "Bedrock API key") in [
        item.widget().buddy() for item in labels if item is not None and isinstance(item.widget(), QLabel)]
