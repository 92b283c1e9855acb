"""Request bodies: the Converse schema for every model, and each family's native InvokeModel body."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bedrock_chat.bedrock.attachment_blocks import add_attachment_blocks
from bedrock_chat.bedrock.families import chat_messages, codec_for_model
from bedrock_chat.bedrock.request_features import (
    add_native_cache_points,
    add_native_thinking_blocks,
    add_request_features,
    invoke_arguments,
    reasoning_control,
    thinking_budget,
    thinking_enabled,
    with_blobs,
)
from bedrock_chat.core.attachment_request_checks import check_request
from bedrock_chat.core.attachments import Attachment
from bedrock_chat.core.catalog import ModelInfo
from bedrock_chat.core.conversation import Role
from bedrock_chat.core.params import GenerationParams, RequestOptions
from bedrock_chat.core.reasoning import MIN_THINKING_BUDGET, ReasoningBlock

History = list[tuple[Role, str]]
__all__ = ["MIN_THINKING_BUDGET", "History", "TurnRequest", "UnsupportedRequest", "thinking_budget"]


class UnsupportedRequest(ValueError):
    """The chosen API cannot talk to this model (no native schema known for its family)."""


@dataclass(frozen=True)
class TurnRequest:
    model: ModelInfo
    history: History
    params: GenerationParams
    options: RequestOptions
    # The signed reasoning of each turn of ``history`` (Conversation.reasoning_history), sent back unchanged.
    reasoning: tuple[tuple[ReasoningBlock, ...], ...] = ()
    # The images and documents of each history turn, index for index (empty: a text-only request).
    attachments: tuple[tuple[Attachment, ...], ...] = ()

    @property
    def streaming(self) -> bool:
        return self.options.streaming and self.model.streaming

    @property
    def operation(self) -> str:
        if self.options.api == "invoke":
            return "invoke_model_with_response_stream" if self.streaming else "invoke_model"
        return "converse_stream" if self.streaming else "converse"

    @property
    def uses_thinking(self) -> bool:
        # Claude's thinking (a budget of at least 1,024 tokens below max_tokens, or adaptive) fixes temperature.
        return thinking_enabled(self.model, self.params)

    def check_attachments(self) -> None:
        """Raises ``AttachmentError`` when Bedrock would refuse this request's attachments: checked before sending,
        over the whole request (a later turn sends the earlier turns' attachments again)."""
        every = [item for turn in self.attachments for item in turn]
        if every:
            check_request(every, self.model.attachment_capabilities, self.options.api, self.model.family,
                          latest=self.attachments[-1])

    def body(self, placeholder_bytes: bool = False) -> dict[str, Any]:
        """The JSON body that goes on the wire (Converse: the request minus the model id in the path).

        ``placeholder_bytes``: attachments appear as a short note instead of their bytes (the preview)."""
        if self.options.api == "invoke":
            body = native_body(self.model, self.history, self.params, self.uses_thinking)
            add_native_thinking_blocks(body, self.reasoning, self.model)
            add_native_cache_points(body, self.model, self.params)
        else:
            body = converse_body(self.history, self.params, self.uses_thinking)
            add_request_features(body, self.model, self.params, self.streaming, self.reasoning)
        add_attachment_blocks(body, self.options.api, self.model.family, self.attachments, placeholder_bytes)
        return body

    def call_arguments(self) -> dict[str, Any]:
        if self.options.api == "invoke":
            return {"modelId": self.model.invoke_id, "body": json.dumps(self.body()),
                    "contentType": "application/json", "accept": "application/json",
                    **invoke_arguments(self.model, self.params)}
        return {"modelId": self.model.invoke_id, **with_blobs(self.body())}

    def preview(self) -> str:
        return json.dumps(self.body(placeholder_bytes=True), ensure_ascii=False, indent=2)


def _text_messages(history: History) -> list[dict[str, Any]]:
    """Messages in the shape Converse and Nova's native body share."""
    return [{"role": role.value, "content": [{"text": text}]} for role, text in history]


def converse_body(history: History, params: GenerationParams, thinking: bool) -> dict[str, Any]:
    config: dict[str, Any] = {"maxTokens": params.max_tokens}
    if thinking:
        config["temperature"] = 1.0  # extended thinking accepts no other temperature
    else:
        config.update(temperature=params.temperature, topP=params.top_p)
    if params.stop_sequences:
        config["stopSequences"] = list(params.stop_sequences)
    body: dict[str, Any] = {
        "messages": _text_messages(history),
        "inferenceConfig": config,
    }
    if params.system_prompt:
        body["system"] = [{"text": params.system_prompt}]
    return body


def _nova(history: History, params: GenerationParams) -> dict[str, Any]:
    config: dict[str, Any] = {"maxTokens": params.max_tokens, "temperature": params.temperature,
                              "topP": params.top_p}
    if params.stop_sequences:
        config["stopSequences"] = list(params.stop_sequences)
    body: dict[str, Any] = {
        "schemaVersion": "messages-v1",
        "messages": _text_messages(history),
        "inferenceConfig": config,
    }
    if params.system_prompt:
        body["system"] = [{"text": params.system_prompt}]
    return body


def _anthropic(history: History, params: GenerationParams, thinking: bool, control: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": params.max_tokens,
        "messages": [{"role": role.value, "content": [{"type": "text", "text": text}]} for role, text in history],
    }
    if thinking:
        body["temperature"] = 1.0
        if control == "adaptive":
            body["thinking"] = {"type": "adaptive"}
            if params.reasoning_effort:
                body["output_config"] = {"effort": params.reasoning_effort}
        else:
            body["thinking"] = {"type": "enabled", "budget_tokens": thinking_budget(params)}
    else:
        body.update(temperature=params.temperature, top_p=params.top_p)
    if params.system_prompt:
        body["system"] = params.system_prompt
    if params.stop_sequences:
        body["stop_sequences"] = list(params.stop_sequences)
    return body


def _llama_prompt(history: History, system: str) -> str:
    parts = ["<|begin_of_text|>"]
    if system:
        parts.append(f"<|start_header_id|>system<|end_header_id|>\n\n{system}<|eot_id|>")
    for role, text in history:
        parts.append(f"<|start_header_id|>{role.value}<|end_header_id|>\n\n{text}<|eot_id|>")
    parts.append("<|start_header_id|>assistant<|end_header_id|>\n\n")
    return "".join(parts)


def _with_system_first(history: History, system: str) -> History:
    if not system or not history:
        return history
    (role, text), *rest = history
    return [(role, f"{system}\n\n{text}"), *rest]


def _mistral_prompt(history: History, system: str) -> str:
    prompt = "<s>"
    for role, text in _with_system_first(history, system):
        prompt += f"[INST] {text} [/INST]" if role == Role.USER else f" {text}</s>"
    return prompt


def _titan_prompt(history: History, system: str) -> str:
    lines = [f"{'User' if role == Role.USER else 'Bot'}: {text}" for role, text in _with_system_first(history, system)]
    return "\n".join([*lines, "Bot:"])


def _deepseek_prompt(history: History, system: str) -> str:
    prompt = f"<｜begin▁of▁sentence｜>{system}"
    for role, text in history:
        prompt += f"<｜User｜>{text}" if role == Role.USER else f"<｜Assistant｜>{text}<｜end▁of▁sentence｜>"
    return prompt + "<｜Assistant｜>"


def native_body(model: ModelInfo, history: History, params: GenerationParams, thinking: bool) -> dict[str, Any]:
    codec = codec_for_model(model.model_id)
    if codec is not None:
        return codec.body(chat_messages(history), params)
    family = model.family
    stops = list(params.stop_sequences)
    if family == "nova":
        return _nova(history, params)
    if family == "anthropic":
        return _anthropic(history, params, thinking, reasoning_control(model))
    if family == "llama":  # Llama's native schema has no stop sequences
        return {"prompt": _llama_prompt(history, params.system_prompt), "max_gen_len": params.max_tokens,
                "temperature": params.temperature, "top_p": params.top_p}
    if family in ("mistral", "deepseek"):
        prompt = (_mistral_prompt if family == "mistral" else _deepseek_prompt)(history, params.system_prompt)
        body: dict[str, Any] = {"prompt": prompt, "max_tokens": params.max_tokens,
                                "temperature": params.temperature, "top_p": params.top_p}
        if stops:
            body["stop"] = stops
        return body
    if family == "titan":
        config: dict[str, Any] = {"maxTokenCount": params.max_tokens, "temperature": params.temperature,
                                  "topP": params.top_p}
        if stops:
            config["stopSequences"] = stops
        return {"inputText": _titan_prompt(history, params.system_prompt), "textGenerationConfig": config}
    raise UnsupportedRequest(f"bedrock-chat has no native request schema for {model.model_id}; use the Converse API.")
