"""Transcripts: Markdown for people, versioned JSON (docs/transcript-schema.md) for round trips."""

from __future__ import annotations

import json
from typing import Any

from bedrock_chat.core.conversation import Conversation, Message, MessageState, Role

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
            "messages": [_message_to_dict(message) for message in conversation.messages],
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _message_to_dict(message: Message) -> dict[str, Any]:
    return {
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
    }


def _require(data: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in data:
        raise TranscriptError(f"{where} has no “{key}”.")
    value = data[key]
    if not isinstance(value, kind):
        raise TranscriptError(f"{where}: “{key}” has the wrong type.")
    return value


def _optional(data: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    value = data.get(key)
    if value is not None and not isinstance(value, kind):
        raise TranscriptError(f"{where}: “{key}” has the wrong type.")
    return value


def from_json(text: str) -> Conversation:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise TranscriptError(f"The file is not valid JSON (line {error.lineno}, column {error.colno}); "
                              "it may be truncated or corrupt.") from error
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise TranscriptError("This is not a bedrock-chat transcript.")
    version = document.get("version")
    if not isinstance(version, int) or version > VERSION or version < 1:
        raise TranscriptError(f"Transcript version {version!r} is not supported by this version of bedrock-chat.")
    body = _require(document, "conversation", dict, "The transcript")
    messages = []
    for index, item in enumerate(_require(body, "messages", list, "The conversation")):
        where = f"Message {index + 1}"
        if not isinstance(item, dict):
            raise TranscriptError(f"{where} is not an object.")
        try:
            role = Role(_require(item, "role", str, where))
            state = MessageState(item.get("state") or "complete")
        except ValueError as error:
            raise TranscriptError(f"{where}: {error}.") from error
        messages.append(Message(
            role=role,
            text=_require(item, "text", str, where),
            id=_optional(item, "id", str, where) or Message(role, "").id,
            reasoning=_optional(item, "reasoning", str, where) or "",
            model_id=_optional(item, "modelId", str, where),
            api=_optional(item, "api", str, where),
            parameters=_optional(item, "parameters", dict, where),
            stats=_optional(item, "stats", dict, where),
            state=state,
            error=_optional(item, "error", str, where),
            created_at=_require(item, "createdAt", str, where),
            finished_at=_optional(item, "finishedAt", str, where),
        ))
    return Conversation(
        title=_require(body, "title", str, "The conversation"),
        id=_require(body, "id", str, "The conversation"),
        created_at=_require(body, "createdAt", str, "The conversation"),
        messages=messages,
    )


def _stats_line(stats: dict[str, Any]) -> str:
    parts = []
    if stats.get("inputTokens") is not None:
        parts.append(f"{stats['inputTokens']} in / {stats.get('outputTokens')} out tokens")
    if stats.get("timeToFirstTokenMs") is not None:
        parts.append(f"first token {stats['timeToFirstTokenMs']} ms")
    if stats.get("latencyMs") is not None:
        parts.append(f"total {stats['latencyMs']} ms")
    if stats.get("stopReason"):
        parts.append(f"stop: {stats['stopReason']}")
    return " · ".join(parts)


def to_markdown(conversation: Conversation) -> str:
    lines = [f"# {conversation.title}", "", f"_Started {conversation.created_at}_", ""]
    for message in conversation.messages:
        if message.role == Role.USER:
            lines += [f"## You · {message.created_at}", "", message.text, ""]
            continue
        lines += [f"## Assistant ({message.model_id or 'unknown model'}) · {message.created_at}", ""]
        if message.reasoning:
            lines += ["<details><summary>Reasoning</summary>", "", message.reasoning, "", "</details>", ""]
        lines += [message.text, ""]
        if message.state != MessageState.COMPLETE:
            lines += [f"_Reply {message.state.value}{': ' + message.error if message.error else ''}_", ""]
        if message.stats:
            lines += [f"<sub>{_stats_line(message.stats)}</sub>", ""]
    return "\n".join(lines)
