"""Attachments through the app's request bodies, real boto3 and the local endpoint: Converse image and document
blocks (streaming or not), Claude's and Nova's native image blocks, and the endpoint's refusals as Bedrock words
them. The endpoint's reply starts with what it received, so each test sees the bytes arrive."""

from __future__ import annotations

import base64
import json

import pytest
from botocore.exceptions import ClientError

from bedrock_chat.bedrock.model_list import load_catalog
from bedrock_chat.bedrock.requests import TurnRequest
from bedrock_chat.bedrock.session import BedrockClients, ConnectionSettings
from bedrock_chat.bedrock.turn import CancelToken, run_turn
from bedrock_chat.core.attachments import make_attachment
from bedrock_chat.core.conversation import Role
from bedrock_chat.core.events import TextDelta
from bedrock_chat.core.params import GenerationParams, RequestOptions
from tests.attachment_files import GIF_1X1, PDF, png, png_header_only

IMAGE = make_attachment("red.png", png(12, 8))
DOCUMENT = make_attachment("Budget 2026 (draft).pdf", PDF)


@pytest.fixture(scope="module")
def clients(local_server):
    return BedrockClients(ConnectionSettings(endpoint_url=local_server.url, offline=True, max_attempts=1))


@pytest.fixture(scope="module")
def models(clients):
    return {model.invoke_id: model for model in load_catalog(clients.control)}


def _reply(clients, model, attachments, api="converse", streaming=True, history=None):
    request = TurnRequest(model, history or [(Role.USER, "What is in these?")], GenerationParams(max_tokens=300),
                          RequestOptions(api, streaming), attachments=attachments)
    request.check_attachments()
    events = []
    run_turn(clients.runtime, request, events.append, CancelToken())
    return "".join(event.text for event in events if isinstance(event, TextDelta))


@pytest.mark.parametrize("streaming", [True, False])
def test_converse_sends_image_and_document_blocks(clients, models, streaming):
    text = _reply(clients, models["amazon.nova-lite-v1:0"], ((IMAGE, DOCUMENT),), streaming=streaming)
    assert text.startswith(f"[attachments] image png {IMAGE.size} bytes 12x8; "
                           f"document pdf {DOCUMENT.size} bytes “Budget 2026 (draft)”")


@pytest.mark.parametrize(("model_id", "streaming"), [
    ("anthropic.claude-3-haiku-20240307-v1:0", True), ("anthropic.claude-3-haiku-20240307-v1:0", False),
    ("amazon.nova-lite-v1:0", True), ("amazon.nova-lite-v1:0", False),
])
def test_native_image_blocks_of_claude_and_nova(clients, models, model_id, streaming):
    gif = make_attachment("dot.gif", GIF_1X1)
    text = _reply(clients, models[model_id], ((IMAGE, gif),), api="invoke", streaming=streaming)
    assert text.startswith(f"[attachments] image png {IMAGE.size} bytes 12x8; image gif {len(GIF_1X1)} bytes 1x1")


def test_a_later_turn_sends_the_earlier_attachments_again(clients, models):
    history = [(Role.USER, "Look"), (Role.ASSISTANT, "I see it."), (Role.USER, "And this one?")]
    text = _reply(clients, models["amazon.nova-lite-v1:0"], ((IMAGE,), (), (DOCUMENT,)), history=history)
    assert text.startswith("[attachments] image png") and "document pdf" in text.split("\n")[0]


def test_a_document_sent_again_in_a_later_turn_gets_a_name_of_its_own(clients, models):
    """Bedrock refuses two documents of one name anywhere in a request; earlier turns' documents go again."""
    history = [(Role.USER, "Read this"), (Role.ASSISTANT, "Read."), (Role.USER, "And the revised one?")]
    text = _reply(clients, models["amazon.nova-lite-v1:0"], ((DOCUMENT,), (), (DOCUMENT,)), history=history)
    assert text.split("\n")[0] == (f"[attachments] document pdf {DOCUMENT.size} bytes “Budget 2026 (draft)”; "
                                   f"document pdf {DOCUMENT.size} bytes “Budget 2026 (draft) (2)”")


def test_the_preview_shows_a_note_instead_of_the_bytes(models):
    request = TurnRequest(models["anthropic.claude-3-haiku-20240307-v1:0"], [(Role.USER, "hi")], GenerationParams(),
                          RequestOptions("invoke", True), attachments=((IMAGE,),))
    preview = json.loads(request.preview())
    source = preview["messages"][0]["content"][0]["source"]
    assert source["data"] == f"<{IMAGE.size} bytes of PNG, sent as base64>" and source["media_type"] == "image/png"
    native = json.loads(request.call_arguments()["body"])
    assert base64.b64decode(native["messages"][0]["content"][0]["source"]["data"]) == IMAGE.data


def _converse_error(runtime, model_id, content):
    with pytest.raises(ClientError) as raised:
        runtime.converse(modelId=model_id, messages=[{"role": "user", "content": content}])
    assert raised.value.response["Error"]["Code"] == "ValidationException"
    return raised.value.response["Error"]["Message"]


def test_the_endpoint_refuses_what_bedrock_refuses(runtime):
    text = {"text": "What is this?"}
    doc = {"document": {"format": "pdf", "name": "report.pdf", "source": {"bytes": PDF}}}
    assert "document file name can only contain alphanumeric" in _converse_error(
        runtime, "amazon.nova-lite-v1:0", [doc, text])
    doc["document"]["name"] = "two  spaces"
    assert "more than one consecutive whitespace" in _converse_error(runtime, "amazon.nova-lite-v1:0", [doc, text])
    doc["document"]["name"] = "fine"
    assert "must also include a text block" in _converse_error(runtime, "amazon.nova-lite-v1:0", [doc])
    html_as_png = {"image": {"format": "png", "source": {"bytes": b"<html><script>x</script></html>"}}}
    assert "not a valid png, jpeg, gif or webp" in _converse_error(runtime, "amazon.nova-lite-v1:0",
                                                                   [html_as_png, text])
    gif_as_png = {"image": {"format": "png", "source": {"bytes": GIF_1X1}}}
    assert "does not match" in _converse_error(runtime, "amazon.nova-lite-v1:0", [gif_as_png, text])
    bmp = {"image": {"format": "bmp", "source": {"bytes": png()}}}
    assert "Member must satisfy enum value set: [png, jpeg, gif, webp]" in _converse_error(
        runtime, "amazon.nova-lite-v1:0", [bmp, text])
    image = {"image": {"format": "png", "source": {"bytes": png()}}}
    assert "doesn't support the image" in _converse_error(runtime, "amazon.nova-micro-v1:0", [image, text])
    assert "maximum is 20" in _converse_error(runtime, "amazon.nova-lite-v1:0", [image] * 21 + [text])
    wide = {"image": {"format": "png", "source": {"bytes": png_header_only(8001, 10)}}}
    assert "8001x10 pixels" in _converse_error(runtime, "amazon.nova-lite-v1:0", [wide, text])
    assert "maximum is 5" in _converse_error(runtime, "amazon.nova-lite-v1:0", [doc] * 6 + [text])
    with pytest.raises(ClientError, match="duplicate document names"):  # across messages, as Bedrock checks
        runtime.converse(modelId="amazon.nova-lite-v1:0", messages=[
            {"role": "user", "content": [doc, text]}, {"role": "assistant", "content": [{"text": "Read."}]},
            {"role": "user", "content": [doc, text]}])
    big = {"image": {"format": "png", "source": {"bytes": png(2, 2, extra=3_800_000)}}}
    assert "image exceeds 3.75 MB" in _converse_error(runtime, "amazon.nova-lite-v1:0", [big, text])


def test_native_bodies_need_real_base64(runtime):
    body = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 100, "messages": [{"role": "user", "content": [
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "%%%not base64"}},
        {"type": "text", "text": "hi"}]}]}
    with pytest.raises(ClientError) as raised:
        runtime.invoke_model(modelId="anthropic.claude-3-haiku-20240307-v1:0", body=json.dumps(body))
    assert "not valid base64" in raised.value.response["Error"]["Message"]
