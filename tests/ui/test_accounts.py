"""The window with real accounts as they are: API keys, narrow permissions, proxies, TLS, captive portals."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

import pytest

from bedrock_chat.app import create_window
from bedrock_chat.core.conversation import MessageState
from bedrock_chat.local_endpoint import LocalBedrockServer, ServerOptions
from tests.netkit import CaptivePortal, RecordingProxy, TlsFront, make_certificates
from tests.ui.conftest import choose_model, install_fake_aws_cli, send_prompt

KEY = "ABSKQmVkcm9ja0FQSUtleS13aW5kb3ctdGVzdDpzZWNyZXQtbmV2ZXItb24tZGlzaw=="
APP_PROFILE = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/team-a"


@pytest.fixture
def clean_env(clean_env: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """The shared clean environment (tests/conftest.py), and no region of the person's either."""
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        clean_env.delenv(name, raising=False)
    return clean_env


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Any:
    if shutil.which("openssl") is None:
        pytest.skip("openssl makes the test CA")
    return make_certificates(tmp_path_factory.mktemp("tls"))


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def _open(qtbot: Any, *argv: str) -> Any:
    window = create_window(list(argv))
    qtbot.addWidget(window)
    window.show()
    return window


def _select(qtbot: Any, window: Any, invoke_id: str) -> None:
    choose_model(qtbot, window, invoke_id)
    assert window.current_model().invoke_id == invoke_id


def _files_contain(folder: Path, secret: str) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file() and secret.encode() in path.read_bytes()]


def test_denied_listing_uses_the_bundled_catalog_says_so_once_and_chat_works(qtbot, make_window, clean_env):  # type: ignore[no-untyped-def]
    options = ServerOptions(tokens_per_second=0, first_token_delay=0,
                            denied_operations=frozenset({"ListFoundationModels", "ListInferenceProfiles"}))
    with LocalBedrockServer(options) as server:
        window = make_window(server.url)
        assert "may not list the Bedrock models" in window.error_text.text()
        assert not window.details_button.isHidden() and not window.retry_button.isVisible()
        window.details_button.click()
        assert "AccessDeniedException" in window.error_details.toPlainText()
        assert "kept" not in window.error_text.text() and "report" not in window.error_text.text()
        assert window.current_model().invoke_id == "amazon.nova-micro-v1:0"
        assert send_prompt(qtbot, window, "hello").state == MessageState.COMPLETE
        _select(qtbot, window, "us.anthropic.claude-sonnet-4-20250514-v1:0")
        assert send_prompt(qtbot, window, "and Claude?").state == MessageState.COMPLETE
        with qtbot.waitSignal(window.models_loaded, timeout=15000):
            window.connect_to_bedrock()  # reconnecting does not repeat the notice
        assert window.error_banner.isHidden()


def test_denied_profile_listing_keeps_profile_only_models(qtbot, make_window, clean_env):  # type: ignore[no-untyped-def]
    options = ServerOptions(tokens_per_second=0, first_token_delay=0,
                            denied_operations=frozenset({"ListInferenceProfiles"}))
    with LocalBedrockServer(options) as server:
        window = make_window(server.url, "--region", "eu-west-3")
        assert "“eu.” profile ids" in window.error_text.text()
        _select(qtbot, window, "eu.anthropic.claude-3-7-sonnet-20250219-v1:0")
        reply = send_prompt(qtbot, window, "hello")
        assert reply.state == MessageState.COMPLETE and reply.model_id == "eu.anthropic.claude-3-7-sonnet-20250219-v1:0"


def test_model_option_takes_an_application_profile_arn(qtbot, make_window, clean_env):  # type: ignore[no-untyped-def]
    options = ServerOptions(tokens_per_second=0, first_token_delay=0,
                            application_profiles={"team-a": "anthropic.claude-3-5-haiku-20241022-v1:0"})
    with LocalBedrockServer(options) as server:
        window = make_window(server.url, "--model", APP_PROFILE)
        model = window.current_model()
        assert model.invoke_id == APP_PROFILE and model.model_id == "anthropic.claude-3-5-haiku-20241022-v1:0"
        assert model.pricing is not None and window.parameters.params().max_tokens <= 8192
        reply = send_prompt(qtbot, window, "hello")
        assert reply.state == MessageState.COMPLETE and reply.model_id == APP_PROFILE


def test_unknown_model_is_named_when_refused_never_replaced(qtbot, make_window, local_server, clean_env):  # type: ignore[no-untyped-def]
    window = make_window(local_server.url, "--model", "acme.unknown-model-v1:0")
    assert window.current_model().invoke_id == "acme.unknown-model-v1:0"
    reply = send_prompt(qtbot, window, "hello")
    assert reply.state == MessageState.FAILED and reply.model_id == "acme.unknown-model-v1:0"
    assert "Bedrock refused the model id “acme.unknown-model-v1:0”" in window.error_text.text()
    assert "Nova Micro" not in window.model_picker.text()


def test_plain_id_of_a_profile_only_model_uses_its_profile(qtbot, make_window, local_server, clean_env):  # type: ignore[no-untyped-def]
    window = make_window(local_server.url, "--model", "anthropic.claude-3-7-sonnet-20250219-v1:0")
    assert window.current_model().invoke_id == "us.anthropic.claude-3-7-sonnet-20250219-v1:0"
    assert send_prompt(qtbot, window, "hello").state == MessageState.COMPLETE


def test_typed_model_id_in_the_model_box(qtbot, clean_env, tmp_path):  # type: ignore[no-untyped-def]
    options = ServerOptions(tokens_per_second=0, first_token_delay=0,
                            application_profiles={"team-a": "anthropic.claude-3-5-haiku-20241022-v1:0"})
    with LocalBedrockServer(options) as server:
        window = _open(qtbot, "--offline", "--endpoint-url", server.url, "--data-dir", str(tmp_path))
        qtbot.waitUntil(lambda: bool(window.models), timeout=15000)
        choose_model(qtbot, window, APP_PROFILE)  # not listed: typed in the picker's filter, Enter uses it
        qtbot.waitUntil(lambda: window.current_model().invoke_id == APP_PROFILE, timeout=15000)
        assert "routes to anthropic.claude-3-5-haiku" in window.statusBar().currentMessage()
        assert send_prompt(qtbot, window, "hello").model_id == APP_PROFILE
        window.close()


def test_api_key_alone_is_a_way_in_through_a_proxy_never_written_anywhere(  # type: ignore[no-untyped-def]
        qtbot, clean_env, certificates, local_server, tmp_path, caplog):
    """A new user with only AWS_BEARER_TOKEN_BEDROCK, behind a company proxy that inspects TLS."""
    caplog.set_level(logging.DEBUG)
    with TlsFront(certificates, _port(local_server.url)) as front, RecordingProxy(front.port) as proxy:
        clean_env.setenv("AWS_BEARER_TOKEN_BEDROCK", KEY)
        clean_env.setenv("HTTPS_PROXY", proxy.url)
        clean_env.setenv("AWS_CA_BUNDLE", str(certificates.ca))
        window = _open(qtbot, "--data-dir", str(tmp_path))
        assert not window.connection.offline
        qtbot.waitUntil(lambda: bool(window.models), timeout=20000)
        assert "API key" in window.connection_label.text() and KEY not in window.connection_label.text()
        reply = send_prompt(qtbot, window, "hello")
        assert reply.state == MessageState.COMPLETE
        assert b"Authorization: Bearer " + KEY.encode() in front.wire
        assert any(line.startswith("CONNECT bedrock-runtime.us-east-1.amazonaws.com:443") for line in proxy.requests)
        window.write_transcript(tmp_path / "export.json")
        window.close()
    assert _files_contain(tmp_path, KEY) == []
    assert KEY not in caplog.text


def test_untrusted_certificate_is_explained_and_the_ca_bundle_fixes_it(  # type: ignore[no-untyped-def]
        qtbot, clean_env, certificates, local_server, tmp_path):
    with TlsFront(certificates, _port(local_server.url)) as front:
        clean_env.setenv("AWS_BEARER_TOKEN_BEDROCK", KEY)
        window = _open(qtbot, "--online", "--endpoint-url", front.url, "--data-dir", str(tmp_path))
        qtbot.waitUntil(lambda: not window.error_banner.isHidden(), timeout=30000)
        text = window.error_text.text()
        assert f"Cannot connect securely to the endpoint {front.url}" in text and "AWS_CA_BUNDLE" in text
        assert "report" not in text and "kept" not in text and not window.send_button.isEnabled()
        clean_env.setenv("AWS_CA_BUNDLE", str(certificates.ca))
        with qtbot.waitSignal(window.models_loaded, timeout=20000):
            window.refresh_button.click()
        assert window.error_banner.isHidden()
        assert send_prompt(qtbot, window, "hello").state == MessageState.COMPLETE
        assert b"Authorization: Bearer " + KEY.encode() in front.wire
        window.close()


def test_offline_with_a_key_and_a_proxy_set_still_chats_without_the_proxy(  # type: ignore[no-untyped-def]
        qtbot, make_window, local_server, clean_env):
    with RecordingProxy(_port(local_server.url)) as proxy:
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy"):
            clean_env.setenv(name, proxy.url)
        clean_env.setenv("AWS_BEARER_TOKEN_BEDROCK", KEY)
        window = make_window(local_server.url)
        assert send_prompt(qtbot, window, "hello").state == MessageState.COMPLETE
        assert proxy.requests == []
        assert local_server.requests[-1].access_key_id == "LOCALENDPOINT"


def test_captive_portal_is_named_and_chat_works_once_signed_in(  # type: ignore[no-untyped-def]
        qtbot, clean_env, local_server, tmp_path):
    clean_env.setenv("AWS_ACCESS_KEY_ID", "AKIDPORTALTEST")
    clean_env.setenv("AWS_SECRET_ACCESS_KEY", "portal-secret")
    with CaptivePortal(_port(local_server.url)) as portal:
        window = _open(qtbot, "--online", "--endpoint-url", portal.url, "--data-dir", str(tmp_path))
        qtbot.waitUntil(lambda: not window.error_banner.isHidden(), timeout=20000)
        assert "sign in to the network" in window.error_text.text()
        assert "report" not in window.error_text.text() and "kept" not in window.error_text.text()
        window.details_button.click()
        assert "text/html" in window.error_details.toPlainText()
        portal.signed_in.set()
        with qtbot.waitSignal(window.models_loaded, timeout=20000):
            window.refresh_button.click()
        assert send_prompt(qtbot, window, "hello").state == MessageState.COMPLETE
        window.close()


def test_key_is_withheld_from_an_http_endpoint_and_the_window_says_why(  # type: ignore[no-untyped-def]
        qtbot, clean_env, local_server, tmp_path):
    clean_env.setenv("AWS_BEARER_TOKEN_BEDROCK", KEY)
    before = len(local_server.requests)
    window = _open(qtbot, "--online", "--endpoint-url", local_server.url, "--data-dir", str(tmp_path))
    qtbot.waitUntil(lambda: not window.error_banner.isHidden(), timeout=20000)
    text = window.error_text.text()
    assert "not sent to an http:// endpoint" in text and local_server.url in text and KEY not in text
    assert len(local_server.requests) == before  # nothing went out: the key never travels in clear text
    window.close()


def test_a_failed_turn_has_its_raw_detail_one_click_away(qtbot, make_window, local_server, clean_env):  # type: ignore[no-untyped-def]
    window = make_window(local_server.url)
    reply = send_prompt(qtbot, window, "hello [fault:access-denied]")
    assert reply.state == MessageState.FAILED and "Model access" in window.error_text.text()
    assert not window.details_button.isHidden() and window.error_details.isHidden()
    window.details_button.click()
    assert not window.error_details.isHidden()
    assert "AccessDeniedException" in window.error_details.toPlainText()
    assert "HTTP status: 403" in window.error_details.toPlainText()
    window.details_button.click()
    assert window.error_details.isHidden()


def test_sso_session_expiring_mid_conversation_names_the_profile_and_offers_sign_in(  # type: ignore[no-untyped-def]
        qtbot, make_window, local_server, clean_env, tmp_path):

    from bedrock_chat.bedrock.connection import ConnectionSettings
    from bedrock_chat.bedrock.session import BedrockClients

    config = tmp_path / "aws-config"
    config.write_text("[profile work-sso]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n"
                      "sso_account_id = 123456789012\nsso_role_name = Dev\nregion = us-east-1\n")
    record = install_fake_aws_cli(tmp_path, clean_env)
    window = make_window(local_server.url, data_dir=tmp_path / "data")
    assert send_prompt(qtbot, window, "hello").state == MessageState.COMPLETE
    # Hours later the SSO session behind the connection has expired (no token in the cache any more).
    clean_env.setenv("AWS_CONFIG_FILE", str(config))
    clean_env.setenv("HOME", str(tmp_path))
    window.connection_ctl.clients = BedrockClients(ConnectionSettings(endpoint_url=local_server.url,
                                                                      profile="work-sso", max_attempts=1))
    reply = send_prompt(qtbot, window, "still there?")
    assert reply.state == MessageState.FAILED
    text = window.error_text.text()
    assert "profile “work-sso”" in text and "aws sso login --profile work-sso" in text and "NAME" not in text
    assert not window.sso_button.isHidden()
    with qtbot.waitSignal(window.connection_ctl.sso_login_finished, timeout=10000):
        window.sso_button.click()
    assert record.read_text().split() == ["sso", "login", "--profile", "work-sso"]
