"""Transcripts: Markdown for people, versioned JSON (docs/transcript-schema.md) for round trips."""

from __future__ import annotations

import html
import json
import math
from typing import Any

from bedrock_chat.core.attachment_transcript import (
    AttachmentFieldError,
    from_json_list,
    markdown_lines,
    to_json_list,
)
from bedrock_chat.core.conversation import Conversation, Message, MessageState, Role, new_id
from bedrock_chat.core.reasoning import ReasoningBlock, blocks_from_list, blocks_to_list

FORMAT = "bedrock-chat.transcript"
VERSION = 1


class TranscriptError(ValueError):
    """A file that is not a transcript this version can read; the message says why."""


def to_json(conversation: Conversation) -> str:
    document = {
        "format": FORMAT,
        "version": VERSION,
        "conversation": {
            "id": conversation.id,
            "title": conversation.title,
            "createdAt": conversation.created_at,
            **({"pinned": True} if conversation.pinned else {}),  # absent rather than false, as files were before
            "messages": [_message_to_dict(message) for message in conversation.messages],
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _message_to_dict(message: Message) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": message.id,
        "role": message.role.value,
        "text": message.text,
        "reasoning": message.reasoning or None,
        "modelId": message.model_id,
        "api": message.api,
        "parameters": message.parameters,
        "stats": message.stats,
        "state": message.state.value,
        "error": message.error,
        "createdAt": message.created_at,
        "finishedAt": message.finished_at,
        "compareGroup": message.compare_group,
        "alternative": message.alternative,
        **({"reasoningBlocks": blocks_to_list(message.reasoning_blocks)} if message.reasoning_blocks else {}),
    }
    if message.attachments:  # absent rather than empty, so files without attachments read as before
        entry["attachments"] = to_json_list(message.attachments)
    return entry


# Limits far above anything the app writes, so a hostile or damaged file cannot exhaust memory or the view.
MAX_MESSAGES = 200_000
MAX_TEXT_CHARS = 20_000_000  # one message's text or reasoning
MAX_SHORT_CHARS = 1_000  # ids, titles, model ids, timestamps
MAX_LONG_CHARS = 200_000  # error messages, parameter values such as a system prompt
MAX_MAP_KEYS = 64  # parameters and stats
MAX_WHOLE_NUMBER = 2**53  # JSON's safe integers; Python reads any length, but one past a float's range breaks math
APIS = ("converse", "invoke")


def _check_string(value: str, limit: int, where: str, key: str) -> str:
    if len(value) > limit:
        raise TranscriptError(f"{where}: “{key}” is longer than {limit:,} characters.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise TranscriptError(f"{where}: “{key}” contains a broken character (a lone surrogate), "
                              "so it is not valid Unicode text.") from error
    return value


def _require_str(data: dict[str, Any], key: str, where: str, limit: int = MAX_SHORT_CHARS) -> str:
    if key not in data:
        raise TranscriptError(f"{where} has no “{key}”.")
    value = data[key]
    if not isinstance(value, str):
        raise TranscriptError(f"{where}: “{key}” is not text.")
    return _check_string(value, limit, where, key)


def _optional_str(data: dict[str, Any], key: str, where: str, limit: int = MAX_SHORT_CHARS) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise TranscriptError(f"{where}: “{key}” is not text.")
    return _check_string(value, limit, where, key)


def _scalar(value: Any, where: str, key: str) -> Any:
    """A value of a parameters or stats map: null, true/false, a finite number, or bounded text."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise TranscriptError(f"{where}: “{key}” is not a finite number.")
        if isinstance(value, int) and abs(value) > MAX_WHOLE_NUMBER:
            raise TranscriptError(f"{where}: “{key}” is too large a number.")
        return value
    if isinstance(value, str):
        return _check_string(value, MAX_LONG_CHARS, where, key)
    if isinstance(value, list) and len(value) <= MAX_MAP_KEYS and all(isinstance(item, str) for item in value):
        return [_check_string(item, MAX_SHORT_CHARS, where, key) for item in value]  # stop sequences
    raise TranscriptError(f"{where}: “{key}” has the wrong type.")


def _optional_map(data: dict[str, Any], key: str, where: str) -> dict[str, Any] | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise TranscriptError(f"{where}: “{key}” is not an object.")
    if len(value) > MAX_MAP_KEYS:
        raise TranscriptError(f"{where}: “{key}” has more than {MAX_MAP_KEYS} entries.")
    place = f"{where}, {key}"
    return {_check_string(name, MAX_SHORT_CHARS, place, "name"): _scalar(item, place, name)
            for name, item in value.items()}


def _message_from_dict(item: Any, where: str) -> Message:
    if not isinstance(item, dict):
        raise TranscriptError(f"{where} is not an object.")
    role_name = _require_str(item, "role", where)
    state_name = _optional_str(item, "state", where) or MessageState.COMPLETE.value
    try:
        role, state = Role(role_name), MessageState(state_name)
    except ValueError as error:
        raise TranscriptError(f"{where}: {error}.") from error
    if state == MessageState.STREAMING:
        state = MessageState.INTERRUPTED  # nothing is streaming into an imported file any more
    alternative = item.get("alternative", False)
    if not isinstance(alternative, bool):
        raise TranscriptError(f"{where}: “alternative” is not true or false.")
    api = _optional_str(item, "api", where)
    if api is not None and api not in APIS:
        raise TranscriptError(f"{where}: “api” must be one of {', '.join(APIS)}.")
    try:
        attachments = from_json_list(item.get("attachments"), where)
    except AttachmentFieldError as error:
        raise TranscriptError(str(error)) from error
    if attachments and role != Role.USER:
        raise TranscriptError(f"{where}: only a user message can carry attachments.")
    return Message(
        role=role,
        text=_require_str(item, "text", where, MAX_TEXT_CHARS),
        id=_optional_str(item, "id", where) or new_id(),
        reasoning=_optional_str(item, "reasoning", where, MAX_TEXT_CHARS) or "",
        model_id=_optional_str(item, "modelId", where),
        api=api,
        parameters=_optional_map(item, "parameters", where),
        stats=_optional_map(item, "stats", where),
        state=state,
        error=_optional_str(item, "error", where, MAX_LONG_CHARS),
        created_at=_require_str(item, "createdAt", where),
        finished_at=_optional_str(item, "finishedAt", where),
        attachments=attachments,
        compare_group=_optional_str(item, "compareGroup", where),
        alternative=alternative,
        reasoning_blocks=_reasoning_blocks(item, where),
    )


def _reasoning_blocks(item: dict[str, Any], where: str) -> list[ReasoningBlock]:
    """Signed reasoning, kept so an imported conversation can go on thinking; bounded like any text."""
    raw = item.get("reasoningBlocks")
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > MAX_MAP_KEYS:
        raise TranscriptError(f"{where}: “reasoningBlocks” must be a list of at most {MAX_MAP_KEYS} blocks.")
    for block in raw:
        if isinstance(block, dict):
            for key, value in block.items():
                if isinstance(value, str):
                    _check_string(value, MAX_TEXT_CHARS, where, f"reasoningBlocks.{key}")
    blocks = blocks_from_list(raw)
    if len(blocks) != len(raw):
        raise TranscriptError(f"{where}: a reasoning block is not {{text, signature}} or {{redactedContent}} (base64).")
    return blocks


def from_json(text: str) -> Conversation:
    """Reads a transcript, checking every field's type and size; any problem is one ``TranscriptError``."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise TranscriptError(f"The file is not valid JSON (line {error.lineno}, column {error.colno}); "
                              "it may be truncated or corrupt.") from error
    except RecursionError as error:
        raise TranscriptError("The file nests JSON far more deeply than any transcript does, "
                              "so it is not a transcript.") from error
    except ValueError as error:  # e.g. an integer with more digits than Python converts
        raise TranscriptError(f"The file is not valid JSON ({error}).") from error
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise TranscriptError("This is not a bedrock-chat transcript.")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version > VERSION or version < 1:
        shown = version if isinstance(version, int) else "of this kind"
        raise TranscriptError(f"Transcript version {shown} is not supported by this version of bedrock-chat.")
    body = document.get("conversation")
    if not isinstance(body, dict):
        raise TranscriptError("The transcript has no “conversation” object.")
    items = body.get("messages")
    if not isinstance(items, list):
        raise TranscriptError("The conversation has no “messages” list.")
    if len(items) > MAX_MESSAGES:
        raise TranscriptError(f"The conversation has more than {MAX_MESSAGES:,} messages.")
    messages = [_message_from_dict(item, f"Message {index + 1}") for index, item in enumerate(items)]
    pinned = body.get("pinned", False)
    if not isinstance(pinned, bool):
        raise TranscriptError("The conversation's “pinned” is not true or false.")
    return Conversation(
        title=_require_str(body, "title", "The conversation"),
        id=_require_str(body, "id", "The conversation"),
        created_at=_require_str(body, "createdAt", "The conversation"),
        messages=messages,
        pinned=pinned,
    )


def stat_number(stats: dict[str, Any] | None, key: str) -> int | float | None:
    """A statistic as a number, or None: a value from a file may be text, and text is never shown as a figure."""
    value = (stats or {}).get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        finite = math.isfinite(value)
    except OverflowError:  # an integer past a float's range (a database written elsewhere): no figure
        return None
    return value if finite else None


def _stats_line(stats: dict[str, Any]) -> str:
    parts = []
    if stat_number(stats, "inputTokens") is not None:
        parts.append(f"{stat_number(stats, 'inputTokens')} in / {stat_number(stats, 'outputTokens')} out tokens")
    if stat_number(stats, "timeToFirstTokenMs") is not None:
        parts.append(f"first token {stat_number(stats, 'timeToFirstTokenMs')} ms")
    if stat_number(stats, "latencyMs") is not None:
        parts.append(f"total {stat_number(stats, 'latencyMs')} ms")
    if isinstance(stats.get("stopReason"), str) and stats["stopReason"]:
        # The line sits inside <sub>, which Markdown viewers render as HTML.
        parts.append(f"stop: {html.escape(stats['stopReason'])}")
    return " · ".join(parts)


def to_markdown(conversation: Conversation) -> str:
    lines = [f"# {conversation.title}", "", f"_Started {conversation.created_at}_", ""]
    for message in conversation.messages:
        if message.role == Role.USER:
            lines += [f"## You · {html.escape(message.created_at)}", "", *markdown_lines(message.attachments),
                      message.text, ""]
            continue
        # Metadata is escaped, as Markdown viewers render inline HTML; the texts themselves stay verbatim.
        model = html.escape(message.model_id or "unknown model")
        note = " · alternative answer (not kept)" if message.alternative else ""
        lines += [f"## Assistant ({model}) · {html.escape(message.created_at)}{note}", ""]
        if message.reasoning:
            lines += ["<details><summary>Reasoning</summary>", "", message.reasoning, "", "</details>", ""]
        lines += [message.text, ""]
        if message.state != MessageState.COMPLETE:
            error = f": {html.escape(message.error)}" if message.error else ""
            lines += [f"_Reply {message.state.value}{error}_", ""]
        if message.stats:
            lines += [f"<sub>{_stats_line(message.stats)}</sub>", ""]
    return "\n".join(lines)
