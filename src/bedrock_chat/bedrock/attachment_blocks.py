"""Attachments as content blocks: Converse ``image``/``document`` (raw bytes, boto3 encodes them), Claude's
native ``image`` (messages API, base64 source) and Nova's native ``image`` (base64 bytes).

Blocks go before the turn's text, the order Claude and Nova recommend for images. For the request preview the
bytes are replaced by a short placeholder: a 4 MB base64 string would make the preview useless and slow.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from functools import partial
from typing import Any

from bedrock_chat.core.attachments import Attachment, human_size
from bedrock_chat.core.document_names import document_names

Turns = tuple[tuple[Attachment, ...], ...]


def _payload(attachment: Attachment, encoding: str, placeholder: bool) -> bytes | str:
    if placeholder:
        sent_as = "base64" if encoding == "base64" else "raw bytes"
        return f"<{human_size(attachment.size)} of {attachment.format.upper()}, sent as {sent_as}>"
    if encoding == "base64":
        return base64.b64encode(attachment.data).decode("ascii")
    return attachment.data


def converse_blocks(attachments: tuple[Attachment, ...], placeholder: bool = False,
                    taken: set[str] | None = None) -> list[dict[str, Any]]:
    """``taken``: document names used by the request's earlier messages (see ``document_names``)."""
    names = iter(document_names(attachments, taken))
    blocks: list[dict[str, Any]] = []
    for item in attachments:
        source = {"bytes": _payload(item, "bytes", placeholder)}
        if item.is_image:
            blocks.append({"image": {"format": item.format, "source": source}})
        else:
            blocks.append({"document": {"format": item.format, "name": next(names), "source": source}})
    return blocks


def nova_blocks(attachments: tuple[Attachment, ...], placeholder: bool = False) -> list[dict[str, Any]]:
    return [{"image": {"format": item.format, "source": {"bytes": _payload(item, "base64", placeholder)}}}
            for item in attachments if item.is_image]


def anthropic_blocks(attachments: tuple[Attachment, ...], placeholder: bool = False) -> list[dict[str, Any]]:
    return [{"type": "image", "source": {"type": "base64", "media_type": item.media_type,
                                         "data": _payload(item, "base64", placeholder)}}
            for item in attachments if item.is_image]


def add_attachment_blocks(body: dict[str, Any], api: str, family: str | None, turns: Turns,
                          placeholder: bool = False) -> None:
    """Puts each turn's attachments in front of its text, in a body whose ``messages`` match the history turn
    for turn (Converse, Nova and Claude bodies). Other native bodies are prompt strings: the send check refuses
    attachments for them before a body is built, so here they are left as they are."""
    messages = body.get("messages")
    if not isinstance(messages, list) or not any(turns):
        return
    build: Callable[[tuple[Attachment, ...], bool], list[dict[str, Any]]]
    if api == "invoke":
        native = {"nova": nova_blocks, "anthropic": anthropic_blocks}.get(family or "")
        if native is None:
            return
        build = native
    else:
        build = partial(converse_blocks, taken=set())  # one request's document names, across its messages
    for message, attachments in zip(messages, turns, strict=False):
        if attachments and isinstance(message.get("content"), list):
            message["content"][:0] = build(attachments, placeholder)
