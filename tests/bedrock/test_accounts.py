"""Real accounts as they are, through real boto3: API keys, narrow permissions, proxies, TLS, captive portals."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from botocore.auth import SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from bedrock_chat.bedrock.api_key import ApiKey
from bedrock_chat.bedrock.connection import ConnectionSettings, is_loopback_url
from bedrock_chat.bedrock.error_context import context_for
from bedrock_chat.bedrock.errors import UnexpectedResponseError, describe_error
from bedrock_chat.bedrock.model_list import load_model_list, resolve_model
from bedrock_chat.bedrock.session import BedrockClients
from bedrock_chat.local_endpoint import LocalBedrockServer, ServerOptions
from tests.netkit import CaptivePortal, RecordingProxy, TlsFront, make_certificates

needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl makes the test CA")
HELLO = [{"role": "user", "content": [{"text": "hello"}]}]
LONG_TERM_KEY = "ABSKQmVkcm9ja0FQSUtleS1sb2NhbC10ZXN0OnNlY3JldC1wYXJ0LW5ldmVyLXNob3du"


def short_term_key(region: str = "eu-west-1") -> str:
    """Built as aws-bedrock-token-generator builds one: a SigV4-presigned URL, base64, with a prefix."""
    import base64

    request = AWSRequest(method="POST", url="https://bedrock.amazonaws.com/",
                         headers={"host": "bedrock.amazonaws.com"}, params={"Action": "CallWithBearerToken"})
    SigV4QueryAuth(Credentials("AKIDTOKENTEST", "token-secret"), "bedrock", region, expires=43200).add_auth(request)
    url = request.url.replace("https://", "") + "&Version=1"
    return "bedrock-api-key-" + base64.b64encode(url.encode()).decode()


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    if shutil.which("openssl") is None:
        pytest.skip("openssl makes the test CA")
    return make_certificates(tmp_path_factory.mktemp("tls"))


def test_short_term_key_expiry_and_region_are_read_from_the_key() -> None:
    key = ApiKey(short_term_key("eu-west-1"))
    assert key.short_term and key.region == "eu-west-1"
    expected = datetime.now(UTC) + timedelta(hours=12)
    assert key.expires_at is not None and abs((key.expires_at - expected).total_seconds()) < 120
    assert "expires in 11 h" in key.describe() or "expires in 12 h" in key.describe()
    assert key.expired(now=datetime.now(UTC) + timedelta(hours=13))
    long_term = ApiKey(LONG_TERM_KEY)
    assert long_term.expires_at is None and not long_term.short_term
    for shown in (repr(key), str(key), key.describe(), repr(long_term), repr(ConnectionSettings(api_key=key))):
        assert key.secret not in shown and long_term.secret not in shown and "token-secret" not in shown


def test_loopback_addresses() -> None:
    for url in ("http://127.0.0.1:8765", "http://127.8.9.1", "http://[::1]:80", "http://localhost:1", "https://a.localhost"):
        assert is_loopback_url(url), url
    for url in ("https://bedrock-runtime.us-east-1.amazonaws.com", "http://10.0.0.1", None, "http://[::2]:1"):
        assert not is_loopback_url(url), url


@needs_openssl
def test_entered_key_goes_as_bearer_over_https_and_never_into_the_environment(
        clean_env, certificates, local_server) -> None:  # type: ignore[no-untyped-def]
    clean_env.setenv("AWS_CA_BUNDLE", str(certificates.ca))
    secret = short_term_key("us-east-1")
    with TlsFront(certificates, int(local_server.url.rsplit(":", 1)[1])) as front:
        clients = BedrockClients(ConnectionSettings(endpoint_url=front.url, api_key=ApiKey(secret)))
        reply = clients.runtime.converse(modelId="amazon.nova-micro-v1:0", messages=HELLO)
        assert reply["output"]["message"]["content"][0]["text"]
        assert load_model_list(clients.control).models
        assert b"Authorization: Bearer " + secret.encode() in front.wire
        assert b"AWS4-HMAC-SHA256" not in front.wire
    import os

    assert secret not in "".join(os.environ.values())


@needs_openssl
def test_environment_key_is_a_way_in_over_https(clean_env, certificates, local_server) -> None:  # type: ignore[no-untyped-def]
    clean_env.setenv("AWS_CA_BUNDLE", str(certificates.ca))
    clean_env.setenv("AWS_BEARER_TOKEN_BEDROCK", LONG_TERM_KEY)
    with TlsFront(certificates, int(local_server.url.rsplit(":", 1)[1])) as front:
        settings = ConnectionSettings(endpoint_url=front.url)
        assert settings.uses_api_key and "from AWS_BEARER_TOKEN_BEDROCK" in settings.description
        assert LONG_TERM_KEY not in settings.description
        clients = BedrockClients(settings)
        clients.runtime.converse(modelId="amazon.nova-micro-v1:0", messages=HELLO)
        assert b"Authorization: Bearer " + LONG_TERM_KEY.encode() in front.wire


def test_environment_key_never_used_for_the_offline_or_an_http_endpoint(clean_env, local_server) -> None:  # type: ignore[no-untyped-def]
    clean_env.setenv("AWS_BEARER_TOKEN_BEDROCK", LONG_TERM_KEY)
    offline = BedrockClients(ConnectionSettings(endpoint_url=local_server.url, offline=True))
    assert offline.runtime.converse(modelId="amazon.nova-micro-v1:0", messages=HELLO)["output"]
    assert local_server.requests[-1].access_key_id == "LOCALENDPOINT"  # SigV4, not the bearer key
    # A plain-http endpoint with credentials of its own: signed with them, the key is never sent in clear text.
    clean_env.setenv("AWS_ACCESS_KEY_ID", "AKIDHTTPTEST")
    clean_env.setenv("AWS_SECRET_ACCESS_KEY", "http-secret")
    http = BedrockClients(ConnectionSettings(endpoint_url=local_server.url))
    assert not http.settings.uses_api_key
    http.runtime.converse(modelId="amazon.nova-micro-v1:0", messages=HELLO)
    assert local_server.requests[-1].access_key_id == "AKIDHTTPTEST"


@needs_openssl
def test_untrusted_certificate_names_aws_ca_bundle_and_the_bundle_fixes_it(
        clean_env, certificates, local_server) -> None:  # type: ignore[no-untyped-def]
    clean_env.setenv("AWS_BEARER_TOKEN_BEDROCK", LONG_TERM_KEY)
    with TlsFront(certificates, int(local_server.url.rsplit(":", 1)[1])) as front:
        clients = BedrockClients(ConnectionSettings(endpoint_url=front.url, max_attempts=1))
        with pytest.raises(Exception) as raised:
            clients.runtime.converse(modelId="amazon.nova-micro-v1:0", messages=HELLO)
        message = describe_error(raised.value, context=context_for(clients.runtime))
        assert "AWS_CA_BUNDLE" in str(message) and "not trusted" in str(message)
        assert "report" not in str(message) and front.url in message.title
        assert "CERTIFICATE_VERIFY_FAILED" in message.details
        clean_env.setenv("AWS_CA_BUNDLE", str(certificates.ca))
        trusted = BedrockClients(ConnectionSettings(endpoint_url=front.url))
        assert trusted.runtime.converse(modelId="amazon.nova-micro-v1:0", messages=HELLO)["output"]


@needs_openssl
def test_proxy_carries_real_endpoints_but_never_loopback(clean_env, certificates, local_server) -> None:  # type: ignore[no-untyped-def]
    port = int(local_server.url.rsplit(":", 1)[1])
    with TlsFront(certificates, port) as front, RecordingProxy(front.port) as proxy:
        for name in ("HTTP_PROXY", "HTTPS_PROXY"):
            clean_env.setenv(name, proxy.url)
        clean_env.setenv("AWS_CA_BUNDLE", str(certificates.ca))
        clean_env.setenv("AWS_BEARER_TOKEN_BEDROCK", LONG_TERM_KEY)
        offline = BedrockClients(ConnectionSettings(endpoint_url=local_server.url, offline=True))
        assert offline.runtime.converse(modelId="amazon.nova-micro-v1:0", messages=HELLO)["output"]
        assert proxy.requests == []
        # No endpoint URL: AWS's own host name, reached through the proxy (which tunnels to the TLS front).
        real = BedrockClients(ConnectionSettings(region="us-east-1"))
        assert real.runtime.converse(modelId="amazon.nova-micro-v1:0", messages=HELLO)["output"]
        tunnels = [line.rsplit(" ", 1)[0] for line in proxy.requests]
        assert tunnels == ["CONNECT bedrock-runtime.us-east-1.amazonaws.com:443"]
        assert b"Host: bedrock-runtime.us-east-1.amazonaws.com" in front.wire
        assert b"Authorization: Bearer " + LONG_TERM_KEY.encode() in front.wire


def test_unreachable_proxy_names_its_variable(clean_env) -> None:  # type: ignore[no-untyped-def]
    clean_env.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    clean_env.setenv("AWS_BEARER_TOKEN_BEDROCK", LONG_TERM_KEY)
    clients = BedrockClients(ConnectionSettings(region="us-east-1", max_attempts=1, connect_timeout=2))
    with pytest.raises(Exception) as raised:
        clients.runtime.converse(modelId="amazon.nova-micro-v1:0", messages=HELLO)
    message = describe_error(raised.value, context=context_for(clients.runtime))
    assert message.title == "Cannot reach the proxy"
    assert "HTTPS_PROXY" in str(message) and "http://127.0.0.1:9" in str(message)
    assert "report" not in str(message)


@pytest.mark.parametrize("redirect", [False, True])
def test_captive_portal_page_is_named_as_such(clean_env, local_server, redirect) -> None:  # type: ignore[no-untyped-def]
    with CaptivePortal(int(local_server.url.rsplit(":", 1)[1]), redirect=redirect) as portal:
        clients = BedrockClients(ConnectionSettings(endpoint_url=portal.url, offline=True, max_attempts=1))
        for call in (lambda: clients.runtime.converse(modelId="amazon.nova-micro-v1:0", messages=HELLO),
                     lambda: clients.runtime.converse_stream(modelId="amazon.nova-micro-v1:0", messages=HELLO),
                     lambda: load_model_list(clients.control)):
            with pytest.raises(UnexpectedResponseError) as raised:
                call()
            message = describe_error(raised.value, context=context_for(clients.runtime))
            assert "sign in to the network" in str(message) and "report" not in str(message)
            assert ("portal.example" in str(message)) == redirect
        portal.signed_in.set()
        assert clients.runtime.converse(modelId="amazon.nova-micro-v1:0", messages=HELLO)["output"]


def test_denied_model_listing_falls_back_to_the_bundled_catalog(clean_env) -> None:  # type: ignore[no-untyped-def]
    options = ServerOptions(tokens_per_second=0, first_token_delay=0,
                            denied_operations=frozenset({"ListFoundationModels", "ListInferenceProfiles"}))
    with LocalBedrockServer(options) as server:
        clients = BedrockClients(ConnectionSettings(endpoint_url=server.url, offline=True, region="us-west-2"))
        listing = load_model_list(clients.control, "us-west-2")
        assert listing.bundled and listing.notice and "may not list" in listing.notice
        assert "AccessDeniedException" in listing.details
        ids = {model.invoke_id for model in listing.models}
        assert "amazon.nova-micro-v1:0" in ids and "us.anthropic.claude-sonnet-4-20250514-v1:0" in ids
        assert "anthropic.claude-sonnet-4-20250514-v1:0" not in ids  # profile-only: never its plain id
        for invoke_id in ("amazon.nova-micro-v1:0", "us.anthropic.claude-sonnet-4-20250514-v1:0"):
            assert clients.runtime.converse(modelId=invoke_id, messages=HELLO)["output"]


def test_denied_profile_listing_offers_profile_only_models_under_regional_ids(clean_env) -> None:  # type: ignore[no-untyped-def]
    options = ServerOptions(tokens_per_second=0, first_token_delay=0,
                            denied_operations=frozenset({"ListInferenceProfiles"}))
    with LocalBedrockServer(options) as server:
        for region, prefix in (("eu-central-1", "eu."), ("ap-northeast-1", "apac."), ("us-east-1", "us.")):
            clients = BedrockClients(ConnectionSettings(endpoint_url=server.url, offline=True, region=region))
            listing = load_model_list(clients.control, region)
            assert not listing.bundled and listing.notice and f"“{prefix}”" in listing.notice
            claude = f"{prefix}anthropic.claude-3-7-sonnet-20250219-v1:0"
            assert claude in {model.invoke_id for model in listing.models}
            assert clients.runtime.converse(modelId=claude, messages=HELLO)["output"]


def test_typed_ids_resolve_without_ever_becoming_another_model(clean_env) -> None:  # type: ignore[no-untyped-def]
    arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/team-a"
    options = ServerOptions(tokens_per_second=0, first_token_delay=0,
                            application_profiles={"team-a": "anthropic.claude-3-5-haiku-20241022-v1:0"})
    with LocalBedrockServer(options) as server:
        clients = BedrockClients(ConnectionSettings(endpoint_url=server.url, offline=True))
        models = load_model_list(clients.control).models
        resolved = resolve_model(clients.control, arn, models).model
        assert resolved.invoke_id == arn and resolved.model_id == "anthropic.claude-3-5-haiku-20241022-v1:0"
        assert resolved.pricing is not None and resolved.limits.max_output_tokens == 8192
        assert clients.runtime.converse(modelId=arn, messages=HELLO)["output"]
        plain = resolve_model(clients.control, "anthropic.claude-3-7-sonnet-20250219-v1:0", models)
        assert plain.model.invoke_id == "us.anthropic.claude-3-7-sonnet-20250219-v1:0" and plain.note
        unknown = resolve_model(clients.control, "acme.unknown-model-v1:0", models).model
        assert unknown.invoke_id == "acme.unknown-model-v1:0" and unknown.pricing is None
        with pytest.raises(Exception) as raised:
            clients.runtime.converse(modelId=unknown.invoke_id, messages=HELLO)
        message = describe_error(raised.value, context=context_for(clients.runtime, "turn", unknown.invoke_id))
        assert "acme.unknown-model-v1:0" in message.title and "refused" in message.title
    denied = ServerOptions(application_profiles={"team-a": "anthropic.claude-3-5-haiku-20241022-v1:0"},
                           denied_operations=frozenset({"GetInferenceProfile"}))
    with LocalBedrockServer(denied) as server:
        clients = BedrockClients(ConnectionSettings(endpoint_url=server.url, offline=True))
        fallback = resolve_model(clients.control, arn, [])
        assert fallback.model.invoke_id == arn and fallback.model.pricing is None
        assert fallback.model.limits.max_output_tokens == 4096 and fallback.note and "AccessDenied" in fallback.note


def test_model_list_errors_never_claim_text_was_kept(clean_env) -> None:  # type: ignore[no-untyped-def]
    clients = BedrockClients(ConnectionSettings(endpoint_url="http://127.0.0.1:9", offline=True, max_attempts=1))
    with pytest.raises(Exception) as raised:
        load_model_list(clients.control)
    listing_message = describe_error(raised.value, context=context_for(clients.control, "models"))
    turn_message = describe_error(raised.value, context=context_for(clients.control, "turn"))
    assert "kept" not in str(listing_message) and "http://127.0.0.1:9" in str(listing_message)
    assert "Cannot reach Bedrock in" not in str(listing_message)
    assert "kept" not in str(turn_message)  # nothing was kept: the connection never opened


def test_messages_name_region_or_profile_as_they_are(clean_env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from botocore.exceptions import EndpointConnectionError, UnauthorizedSSOTokenError

    from bedrock_chat.bedrock.error_context import ErrorContext

    unreachable = EndpointConnectionError(endpoint_url="https://bedrock-runtime.eu-west-3.amazonaws.com")
    assert "Cannot reach Bedrock in eu-west-3" in str(describe_error(unreachable, "eu-west-3"))
    # A region where Bedrock is not known to run is named as such, with regions to pick instead.
    nowhere = describe_error(EndpointConnectionError(endpoint_url="https://bedrock-runtime.af-south-1.amazonaws.com"),
                             "af-south-1")
    assert nowhere.title == "Amazon Bedrock does not seem to be offered in af-south-1"
    assert "us-east-1" in nowhere.action and "af-south-1.amazonaws.com" in nowhere.details
    sso = describe_error(UnauthorizedSSOTokenError(), context=ErrorContext(profile="work-sso"))
    assert "aws sso login --profile work-sso" in str(sso) and "NAME" not in str(sso)
    assert "work-sso" in sso.title


def test_expired_short_term_key_is_named_when_bedrock_refuses_it(clean_env, local_server) -> None:  # type: ignore[no-untyped-def]
    import base64

    from botocore.exceptions import ClientError

    from bedrock_chat.bedrock.error_context import settings_context
    from tests.conftest import make_client, send_header

    url = ("bedrock.amazonaws.com/?Action=CallWithBearerToken&X-Amz-Algorithm=AWS4-HMAC-SHA256"
           "&X-Amz-Credential=AKIDOLD%2F20240101%2Fus-east-1%2Fbedrock%2Faws4_request&X-Amz-Date=20240101T000000Z"
           "&X-Amz-Expires=43200&X-Amz-SignedHeaders=host&X-Amz-Signature=00&Version=1")
    expired = ApiKey("bedrock-api-key-" + base64.b64encode(url.encode()).decode())
    assert expired.expired() and "expired at 12:00 UTC" in expired.describe()
    runtime = make_client("bedrock-runtime", local_server.url)
    send_header(runtime, "x-bedrock-local-fault", "access-denied")
    with pytest.raises(ClientError) as raised:
        runtime.converse(modelId="amazon.nova-micro-v1:0", messages=HELLO)
    settings = ConnectionSettings(endpoint_url="https://bedrock.example", api_key=expired)
    message = describe_error(raised.value, context=settings_context(settings))
    assert message.title == "Your Bedrock API key expired at 12:00 UTC" and "Generate a new" in message.action
    assert expired.secret not in str(message) + message.details


def test_every_exception_family_a_user_can_meet_has_its_own_message() -> None:
    from botocore import exceptions as b
    from urllib3 import exceptions as u

    from bedrock_chat.bedrock.error_context import ErrorContext

    url = "https://bedrock-runtime.us-east-1.amazonaws.com/model/x/converse"
    errors: list[BaseException] = [
        b.NoCredentialsError(), b.PartialCredentialsError(provider="env", cred_var="AWS_SECRET_ACCESS_KEY"),
        b.CredentialRetrievalError(provider="process", error_msg="exit 1"), b.ProfileNotFound(profile="x"),
        b.ConfigParseError(path="~/.aws/config"), b.InvalidConfigError(error_msg="bad"), b.NoRegionError(),
        b.InvalidRegionError(region_name="!"), b.NoAuthTokenError(), b.SSOTokenLoadError(error_msg="gone"),
        b.UnauthorizedSSOTokenError(), b.TokenRetrievalError(provider="sso", error_msg="expired"),
        b.InvalidEndpointConfigurationError(msg="Bearer authorization requires an HTTPS endpoint."),
        b.EndpointConnectionError(endpoint_url=url), b.ConnectTimeoutError(endpoint_url=url),
        b.ReadTimeoutError(endpoint_url=url), b.ConnectionClosedError(endpoint_url=url),
        b.SSLError(endpoint_url=url, error="CERTIFICATE_VERIFY_FAILED"), b.ProxyConnectionError(proxy_url="http://p:3128"),
        b.InvalidProxiesConfigError(), b.ResponseStreamingError(error="reset"), b.HTTPClientError(error="boom"),
        b.UnknownServiceError(service_name="bedrock-runtime", known_service_names="s3"),
        u.ProtocolError("Connection aborted."), u.SSLError("bad handshake"), ConnectionResetError(104, "reset"),
        UnexpectedResponseError(200, "text/html", None, None),
    ]
    titles = set()
    for error in errors:
        message = describe_error(error, context=ErrorContext(region="us-east-1", stage="models"))
        text = str(message)
        assert message.title != "Something unexpected went wrong", error
        assert "report" not in text and "kept" not in text, (error, text)
        assert message.action, error
        assert type(error).__name__ in message.details
        titles.add(message.title)
    assert len(titles) >= 16, titles  # families are told apart, not lumped together


def test_proxy_asking_for_credentials_and_a_missing_ca_bundle_get_their_own_messages(  # type: ignore[no-untyped-def]
        clean_env, certificates, local_server) -> None:
    clean_env.setenv("AWS_BEARER_TOKEN_BEDROCK", LONG_TERM_KEY)
    with RecordingProxy(9, require_auth=True) as proxy:
        clean_env.setenv("HTTPS_PROXY", proxy.url.replace("http://", "http://alice:hunter2@"))
        clients = BedrockClients(ConnectionSettings(region="us-east-1", max_attempts=1))
        with pytest.raises(Exception) as raised:
            clients.runtime.converse(modelId="amazon.nova-micro-v1:0", messages=HELLO)
        message = describe_error(raised.value, context=context_for(clients.runtime))
        assert proxy.requests and proxy.requests[0].startswith("CONNECT bedrock-runtime.us-east-1.amazonaws.com")
        assert message.title == "The proxy asks for a user name and password" and "HTTPS_PROXY" in message.action
        assert "hunter2" not in str(message) + message.details  # the proxy password is never shown
    clean_env.delenv("HTTPS_PROXY")
    clean_env.setenv("AWS_CA_BUNDLE", "/nonexistent/corporate-root.pem")
    with TlsFront(certificates, int(local_server.url.rsplit(":", 1)[1])) as front:
        clients = BedrockClients(ConnectionSettings(endpoint_url=front.url, max_attempts=1))
        with pytest.raises(Exception) as raised:
            clients.runtime.converse(modelId="amazon.nova-micro-v1:0", messages=HELLO)
        message = describe_error(raised.value, context=context_for(clients.runtime))
    assert "AWS_CA_BUNDLE names /nonexistent/corporate-root.pem, which does not exist" in str(message)
    assert "report" not in str(message)


def test_endpoint_from_the_environment_counts_too(clean_env, local_server) -> None:  # type: ignore[no-untyped-def]
    """AWS_ENDPOINT_URL_BEDROCK_RUNTIME at a loopback address: never proxied, and a key is not sent over http."""
    with RecordingProxy(int(local_server.url.rsplit(":", 1)[1])) as proxy:
        clean_env.setenv("HTTP_PROXY", proxy.url)
        clean_env.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", local_server.url)
        clean_env.setenv("AWS_BEARER_TOKEN_BEDROCK", LONG_TERM_KEY)
        clean_env.setenv("AWS_ACCESS_KEY_ID", "AKIDENVENDPOINT")
        clean_env.setenv("AWS_SECRET_ACCESS_KEY", "env-endpoint-secret")
        settings = ConnectionSettings(region="us-east-1")
        assert not settings.uses_api_key  # the runtime endpoint is plain http
        clients = BedrockClients(settings)
        assert clients.runtime.converse(modelId="amazon.nova-micro-v1:0", messages=HELLO)["output"]
        assert proxy.requests == [] and local_server.requests[-1].access_key_id == "AKIDENVENDPOINT"


def test_a_gateway_error_page_is_not_called_a_sign_in_page(clean_env) -> None:  # type: ignore[no-untyped-def]
    import socket
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    page = b"<html><body><h1>502 Bad Gateway</h1></body></html>"

    def answer() -> None:
        connection, _ = listener.accept()
        connection.recv(65536)
        connection.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: "
                           + str(len(page)).encode() + b"\r\nConnection: close\r\n\r\n" + page)
        connection.close()

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    clients = BedrockClients(ConnectionSettings(endpoint_url=url, offline=True, max_attempts=1))
    with pytest.raises(UnexpectedResponseError) as raised:
        clients.runtime.converse(modelId="amazon.nova-micro-v1:0", messages=HELLO)
    thread.join(timeout=5)
    listener.close()
    message = describe_error(raised.value, context=context_for(clients.runtime))
    assert message.title == f"The endpoint {url} answered with an error page (HTTP 502)"
    assert "sign in" not in str(message) and message.retryable


def test_a_password_in_an_endpoint_url_is_never_shown() -> None:
    from botocore.exceptions import EndpointConnectionError

    from bedrock_chat.bedrock.error_context import ErrorContext

    url = "https://gateway-user:s3cret-pass@gateway.example.internal/bedrock"
    assert "s3cret-pass" not in ConnectionSettings(endpoint_url=url).description
    message = describe_error(EndpointConnectionError(endpoint_url=url), context=ErrorContext(endpoint_url=url))
    assert "s3cret-pass" not in str(message) and "gateway-user:…@gateway.example.internal" in str(message)
