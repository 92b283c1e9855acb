"""A proxy password with an ``@`` in it (urllib3 and botocore split the user info at the last ``@``) is hidden
whole wherever the proxy or endpoint address is shown: error messages, their details, copied code."""

from __future__ import annotations

import pytest

from bedrock_chat.bedrock.connection import ConnectionSettings
from bedrock_chat.bedrock.error_context import context_for
from bedrock_chat.bedrock.errors import describe_error
from bedrock_chat.bedrock.request_code import CodeTarget, cli_command
from bedrock_chat.bedrock.requests import TurnRequest
from bedrock_chat.bedrock.session import BedrockClients
from bedrock_chat.core.catalog import bundled_catalog
from bedrock_chat.core.conversation import Role
from bedrock_chat.core.params import GenerationParams, RequestOptions
from tests.netkit import RecordingProxy

HELLO = [{"role": "user", "content": [{"text": "hello"}]}]
PASSWORD = "hunt@er2secret"


def test_a_proxy_password_with_an_at_sign_is_never_shown(clean_env) -> None:  # type: ignore[no-untyped-def]
    clean_env.setenv("AWS_ACCESS_KEY_ID", "AKIDPROXYTEST")
    clean_env.setenv("AWS_SECRET_ACCESS_KEY", "proxy-test-secret")
    with RecordingProxy(9, require_auth=True) as proxy:
        clean_env.setenv("HTTPS_PROXY", proxy.url.replace("http://", f"http://alice:{PASSWORD}@"))
        clients = BedrockClients(ConnectionSettings(region="us-east-1", max_attempts=1))
        with pytest.raises(Exception) as raised:
            clients.runtime.converse(modelId="amazon.nova-micro-v1:0", messages=HELLO)
        message = describe_error(raised.value, context=context_for(clients.runtime))
    assert proxy.requests  # the proxy was asked, with the password as botocore read it
    assert message.title == "The proxy asks for a user name and password"
    shown = str(message) + message.details
    assert "er2secret" not in shown and "hunt" not in shown


def test_an_endpoint_password_with_an_at_sign_stays_out_of_copied_code() -> None:
    model = next(m for m in bundled_catalog("us-east-1") if m.invoke_id == "amazon.nova-micro-v1:0")
    request = TurnRequest(model, [(Role.USER, "hello")], GenerationParams.defaults_for(model.limits),
                          RequestOptions("converse", False))
    settings = ConnectionSettings(region="us-east-1", endpoint_url=f"https://alice:{PASSWORD}@proxy.example")
    assert "er2secret" not in settings.description
    assert "er2secret" not in cli_command(request, CodeTarget.of(settings))


def test_hiding_user_info_in_a_long_message_takes_time_in_proportion_to_it() -> None:
    """Every log record and every error's details pass through ``hide_password``: a scheme of any length let a
    long run of dotted words (an error page's body, a list of host names) take time growing with its square,
    16 KB a second and 200 KB minutes, on the GUI thread."""
    import time

    from bedrock_chat.bedrock.connection import hide_password
    from bedrock_chat.logging_setup import redact

    long_text = "see a.b.c" + ".word" * 40_000 + " or https://user:secret@proxy.example:8080/ then"
    started = time.monotonic()
    hidden = hide_password(long_text)
    logged = redact(long_text, ())
    assert time.monotonic() - started < 2.0  # about 0.03 s now; minutes before
    assert hidden.endswith("https://user:…@proxy.example:8080/ then") and "secret" not in logged
    assert hide_password("svn+ssh://me:pw@host/repo") == "svn+ssh://me:…@host/repo"
    assert hide_password("x" * 40 + ".https://me:pw@host/") == "x" * 40 + ".https://me:…@host/"
