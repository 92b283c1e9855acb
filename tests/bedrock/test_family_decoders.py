"""The newer families' decoders on the shapes Bedrock documents, including the ones the endpoint never sends."""

from __future__ import annotations

import json

import pytest

from bedrock_chat.bedrock.decoding import MalformedStreamError, native_response, native_stream_chunk
from bedrock_chat.core.events import MessageStopped, ReasoningDelta, StopReason, TextDelta, Usage


def _stops(events):
    return [event.reason for event in events if isinstance(event, MessageStopped)]


@pytest.mark.parametrize(("finish", "reason"), [
    ("COMPLETE", StopReason.END_TURN), ("MAX_TOKENS", StopReason.MAX_TOKENS),
    ("ERROR_TOXIC", StopReason.CONTENT_FILTERED), ("ERROR_LIMIT", StopReason.CONTEXT_WINDOW)])
def test_cohere_finish_reasons(finish, reason):
    whole = native_response("cohere", {"text": "Hi", "finish_reason": finish, "generation_id": "g"}, {})
    assert _stops(whole) == [reason]
    end = native_stream_chunk("cohere", {"is_finished": True, "event_type": "stream-end", "finish_reason": finish,
                                         "response": {"text": "Hi"}})
    assert _stops(end) == [reason]
    assert native_stream_chunk("cohere", {"is_finished": False, "event_type": "stream-start",
                                          "generation_id": "g"}) == []


def test_gpt_oss_reasoning_tags_become_reasoning():
    body = {"choices": [{"index": 0, "message": {"role": "assistant",
                                                 "content": "<reasoning>Think first.</reasoning>The answer."},
                         "finish_reason": "stop"}], "usage": {"prompt_tokens": 5, "completion_tokens": 9}}
    events = native_response("openai", body, {})
    assert [e for e in events if isinstance(e, ReasoningDelta)] == [ReasoningDelta("Think first.")]
    assert [e for e in events if isinstance(e, TextDelta)] == [TextDelta("The answer.")]
    assert Usage(5, 9) in events and _stops(events) == [StopReason.END_TURN]
    chunk = {"choices": [{"index": 0, "delta": {"reasoning": "hmm"}, "finish_reason": None}]}
    assert native_stream_chunk("openai", chunk) == [ReasoningDelta("hmm")]


def test_a_reply_that_only_mentions_the_tag_keeps_it():
    body = {"choices": [{"message": {"content": "Use <reasoning></reasoning> tags."}, "finish_reason": "stop"}]}
    assert TextDelta("Use <reasoning></reasoning> tags.") in native_response("jamba", body, {})


def test_mistral_chat_and_prompt_shapes_are_told_apart():
    chat = {"choices": [{"index": 0, "message": {"role": "assistant", "content": "Bonjour"}, "stop_reason": None}]}
    assert native_stream_chunk("mistral", chat) == [TextDelta("Bonjour")]
    prompt = {"outputs": [{"text": "Salut", "stop_reason": "length"}]}
    assert native_stream_chunk("mistral", prompt) == [TextDelta("Salut"), MessageStopped(StopReason.MAX_TOKENS)]


def test_content_filter_and_length_in_chat_completions():
    assert _stops(native_stream_chunk("qwen", {"choices": [{"delta": {}, "finish_reason": "content_filter"}]})) == [
        StopReason.CONTENT_FILTERED]
    assert _stops(native_stream_chunk("jamba", {"choices": [{"delta": {}, "finish_reason": "length"}]})) == [
        StopReason.MAX_TOKENS]


@pytest.mark.parametrize(("family", "chunk"), [("cohere", {"event_type": "text-generation"}),
                                               ("openai", {"choices": [{"index": 0}]})])
def test_a_malformed_chunk_is_one_clear_error(family, chunk):
    with pytest.raises(MalformedStreamError):
        native_stream_chunk(family, chunk)


@pytest.mark.parametrize(("family", "body"), [("cohere", {"finish_reason": "COMPLETE"}), ("qwen", {"choices": []})])
def test_a_malformed_answer_is_one_clear_error(family, body):
    with pytest.raises(MalformedStreamError):
        native_response(family, body, {})


@pytest.fixture
def counting_runtime():
    """These models have no CountTokens on Bedrock (the endpoint refuses it, as Bedrock does); counting every
    model shows that each native body is counted the way its usage reports."""
    from bedrock_chat.local_endpoint import LocalBedrockServer, ServerOptions
    from tests.conftest import make_client

    with LocalBedrockServer(ServerOptions(tokens_per_second=0, first_token_delay=0,
                                          count_tokens_for_every_model=True)) as server:
        yield make_client("bedrock-runtime", server.url)


def test_count_tokens_counts_each_native_body_as_its_usage_reports(counting_runtime):
    runtime = counting_runtime
    bodies = {
        "cohere.command-r-v1:0": {"message": "How far is the Moon?", "preamble": "Be brief.",
                                  "chat_history": [{"role": "USER", "message": "Hi"},
                                                   {"role": "CHATBOT", "message": "Hello."}]},
        "openai.gpt-oss-20b-1:0": {"messages": [{"role": "developer", "content": "Be brief."},
                                                {"role": "user", "content": "How far is the Moon?"}]},
        "us.meta.llama4-scout-17b-instruct-v1:0": {
            "prompt": "<|begin_of_text|><|header_start|>user<|header_end|>\n\nHow far is the Moon?<|eot|>"
                      "<|header_start|>assistant<|header_end|>\n\n"},
    }
    for model_id, body in bodies.items():
        raw = json.dumps(body).encode()
        counted = runtime.count_tokens(modelId=model_id, input={"invokeModel": {"body": raw}})["inputTokens"]
        answer = runtime.invoke_model(modelId=model_id, body=raw)
        used = int(answer["ResponseMetadata"]["HTTPHeaders"]["x-amzn-bedrock-input-token-count"])
        assert counted == used > 0, model_id
