"""Copy as code: the generated boto3 program, run as its own process, gets the reply the app gets; the CLI
command carries exactly the request body; neither carries a credential."""

from __future__ import annotations

import json
import shlex

import pytest

from bedrock_chat.bedrock.api_key import ApiKey
from bedrock_chat.bedrock.connection import ConnectionSettings
from bedrock_chat.bedrock.model_list import load_catalog
from bedrock_chat.bedrock.request_code import CodeTarget, cli_command, python_code
from bedrock_chat.bedrock.requests import TurnRequest
from bedrock_chat.bedrock.session import BedrockClients
from bedrock_chat.bedrock.turn import CancelToken, run_turn
from bedrock_chat.core.attachments import make_attachment
from bedrock_chat.core.conversation import Role
from bedrock_chat.core.events import TextDelta
from bedrock_chat.core.params import GenerationParams, RequestOptions
from tests.attachment_files import png
from tests.copied_code import run_copied_python

# One model per native schema the app speaks.
SCHEMAS = ["amazon.nova-micro-v1:0", "anthropic.claude-3-haiku-20240307-v1:0", "meta.llama3-8b-instruct-v1:0",
           "us.meta.llama4-scout-17b-instruct-v1:0", "mistral.mistral-7b-instruct-v0:2",
           "mistral.mistral-large-2407-v1:0", "us.deepseek.r1-v1:0", "amazon.titan-text-express-v1",
           "cohere.command-r-v1:0", "ai21.jamba-1-5-mini-v1:0", "openai.gpt-oss-20b-1:0", "qwen.qwen3-32b-v1:0"]
HISTORY = [(Role.USER, "Name a river"), (Role.ASSISTANT, "The Nile."),
           (Role.USER, "What's in 'Kathmandu'? \"x\" $HOME")]
PARAMS = GenerationParams(max_tokens=300, temperature=0.3, system_prompt="Be brief; it's fine.")


@pytest.fixture(scope="module")
def connection(local_server):
    return ConnectionSettings(endpoint_url=local_server.url, offline=True, max_attempts=1)


@pytest.fixture(scope="module")
def models(connection):
    return {model.invoke_id: model for model in load_catalog(BedrockClients(connection).control)}


def _app_reply(connection, request):
    events = []
    run_turn(BedrockClients(connection).runtime, request, events.append, CancelToken())
    return "".join(event.text for event in events if isinstance(event, TextDelta))


@pytest.mark.parametrize("model_id", SCHEMAS)
@pytest.mark.parametrize("streaming", [True, False])
def test_copied_python_for_each_native_schema_gets_the_apps_reply(connection, models, tmp_path, model_id, streaming):
    request = TurnRequest(models[model_id], HISTORY, PARAMS, RequestOptions("invoke", streaming))
    code = python_code(request, CodeTarget.of(connection))
    assert run_copied_python(code, tmp_path) == _app_reply(connection, request) + "\n"


@pytest.mark.parametrize("streaming", [True, False])
def test_copied_python_over_converse_gets_the_apps_reply(connection, models, tmp_path, streaming):
    request = TurnRequest(models["us.anthropic.claude-sonnet-4-5-20250929-v1:0"], HISTORY, PARAMS,
                          RequestOptions("converse", streaming))
    code = python_code(request, CodeTarget.of(connection))
    assert "converse_stream" in code if streaming else "converse(" in code
    assert run_copied_python(code, tmp_path) == _app_reply(connection, request) + "\n"


def _cli_words(command):
    # The shell removes backslash-newline before it splits words; shlex doesn't, so do it first.
    return shlex.split(command.replace("\\\n", " "), comments=True)


def _option(words, name):
    return words[words.index(name) + 1]


@pytest.mark.parametrize("api", ["invoke", "converse"])
def test_cli_command_carries_exactly_the_body(connection, models, api):
    request = TurnRequest(models["cohere.command-r-v1:0"], HISTORY, PARAMS, RequestOptions(api, True))
    command = cli_command(request, CodeTarget.of(connection))
    assert command.startswith("# The AWS CLI cannot stream")
    words = _cli_words(command)
    assert words[:3] == ["aws", "bedrock-runtime", "invoke-model" if api == "invoke" else "converse"]
    assert _option(words, "--model-id") == "cohere.command-r-v1:0"
    assert _option(words, "--region") == "us-east-1"
    assert _option(words, "--endpoint-url") == connection.endpoint_url
    body = json.loads(_option(words, "--body" if api == "invoke" else "--cli-input-json"))
    assert body == request.body()
    if api == "invoke":
        assert _option(words, "--cli-binary-format") == "raw-in-base64-out" and words[-1] == "reply.json"


def test_no_credential_ever_reaches_the_code(models, monkeypatch):
    secret = "ABSKQmVkcm9ja0FQSUtleS1zZWNyZXQtdmFsdWU="
    online = ConnectionSettings(region="eu-west-1", profile="work", endpoint_url="https://user:pa55@proxy.example",
                                api_key=ApiKey(secret))
    request = TurnRequest(models["amazon.nova-micro-v1:0"], HISTORY, PARAMS, RequestOptions("converse", False))
    for text in (python_code(request, CodeTarget.of(online)), cli_command(request, CodeTarget.of(online))):
        assert secret not in text and "pa55" not in text and "aws_secret_access_key" not in text
        assert "eu-west-1" in text
    profile_only = ConnectionSettings(region="us-west-2", profile="work")
    code = python_code(request, CodeTarget.of(profile_only))
    assert "profile_name='work'" in code and "endpoint_url" not in code
    assert "--profile work" in cli_command(request, CodeTarget.of(profile_only))


def test_bytes_in_a_converse_body_go_to_the_cli_base64_encoded(models, monkeypatch):
    request = TurnRequest(models["amazon.nova-lite-v1:0"], HISTORY, PARAMS, RequestOptions("converse", False))
    image = {"image": {"format": "png", "source": {"bytes": b"\x89PNG\r\n"}}}
    with_image = {**request.body()}
    with_image["messages"] = [*with_image["messages"][:-1],
                              {"role": "user", "content": [image, *with_image["messages"][-1]["content"]]}]
    monkeypatch.setattr(TurnRequest, "body", lambda self: with_image)
    words = _cli_words(cli_command(request, CodeTarget("us-east-1")))
    sent = json.loads(_option(words, "--cli-input-json"))
    assert sent["messages"][-1]["content"][0]["image"]["source"]["bytes"] == "iVBORw0K"
    assert "b'\\x89PNG\\r\\n'" in python_code(request, CodeTarget("us-east-1"))  # boto3 takes the bytes as they are


@pytest.mark.parametrize(("model_id", "api"), [
    ("amazon.nova-lite-v1:0", "converse"), ("amazon.nova-lite-v1:0", "invoke"),
    ("us.anthropic.claude-sonnet-4-5-20250929-v1:0", "invoke")])
def test_copied_python_sends_the_attachments_too(connection, models, tmp_path, model_id, api):
    image = make_attachment("red.png", png(12, 8))
    request = TurnRequest(models[model_id], [(Role.USER, "What is in this?")], GenerationParams(max_tokens=300),
                          RequestOptions(api, False), attachments=((image,),))
    request.check_attachments()
    reply = _app_reply(connection, request)
    assert reply.startswith("[attachments] image png")  # the endpoint saw the image
    assert run_copied_python(python_code(request, CodeTarget.of(connection)), tmp_path) == reply + "\n"
