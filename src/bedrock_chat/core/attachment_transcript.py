"""Attachments in transcripts: base64 in JSON (and back, through the same checks as a new file), and a safe
line per attachment in Markdown and HTML (name, type, size; an HTML image as an escaped ``data:`` picture)."""

from __future__ import annotations

import base64
import binascii
import html
from typing import Any

from bedrock_chat.core.attachments import (
    MAX_DOCUMENTS,
    MAX_IMAGES,
    Attachment,
    AttachmentError,
    AttachmentKind,
    display_name,
    make_attachment,
)

MAX_PER_MESSAGE = MAX_IMAGES + MAX_DOCUMENTS
# Images above this are shown in an HTML export by name only: a page should open quickly.
HTML_INLINE_MAX_BYTES = 1_000_000


class AttachmentFieldError(ValueError):
    """An attachment entry of a transcript is malformed; the message names where."""


def to_json_list(attachments: tuple[Attachment, ...]) -> list[dict[str, Any]]:
    return [{"kind": item.kind.value, "format": item.format, "name": item.name, "size": item.size,
             "width": item.width, "height": item.height, "data": base64.b64encode(item.data).decode("ascii")}
            for item in attachments]


def from_json_list(value: Any, where: str) -> tuple[Attachment, ...]:
    """Attachments of a transcript message, rebuilt through ``make_attachment``: the format, size and image
    dimensions come from the bytes, never from what the file claims."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise AttachmentFieldError(f"{where}: “attachments” is not a list.")
    if len(value) > MAX_PER_MESSAGE:
        raise AttachmentFieldError(f"{where}: more than {MAX_PER_MESSAGE} attachments.")
    result = []
    for index, entry in enumerate(value):
        place = f"{where}, attachment {index + 1}"
        if not isinstance(entry, dict):
            raise AttachmentFieldError(f"{place} is not an object.")
        name, fmt, kind, data = (entry.get(key) for key in ("name", "format", "kind", "data"))
        if not (isinstance(name, str) and isinstance(fmt, str) and isinstance(kind, str) and isinstance(data, str)):
            raise AttachmentFieldError(f"{place} needs “kind”, “format”, “name” and “data” as text.")
        if len(data) > 8_000_000:
            raise AttachmentFieldError(f"{place} is larger than any attachment Bedrock takes.")
        try:
            raw = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError) as error:
            raise AttachmentFieldError(f"{place}: “data” is not valid base64.") from error
        file_name = name if kind == AttachmentKind.IMAGE.value or name.lower().endswith(f".{fmt}") \
            else f"{name}.{fmt}"
        try:
            built = make_attachment(file_name, raw)
        except AttachmentError as error:
            raise AttachmentFieldError(f"{place}: {error}") from error
        if built.kind.value != kind:
            raise AttachmentFieldError(f"{place}: it says it is an {kind} but its contents are not.")
        result.append(Attachment(built.kind, built.format, display_name(name), built.data, built.width,
                                 built.height))
    return tuple(result)


def markdown_lines(attachments: tuple[Attachment, ...]) -> list[str]:
    """One escaped line per attachment: Markdown viewers render inline HTML, and a name is outside text."""
    return [f"- 📎 {_escape_markdown(item.describe())}" for item in attachments] + ([""] if attachments else [])


def _escape_markdown(text: str) -> str:
    # Quotes need no escaping in Markdown text; escaped, an apostrophe's "&#x27;" had its "#" escaped below and
    # showed as that entity, literally ("John&#x27;s plan.pdf").
    escaped = html.escape(text, quote=False)
    for char in "\\`*_[]()#!|<>":
        escaped = escaped.replace(char, "\\" + char)
    return escaped


def html_block(attachments: tuple[Attachment, ...]) -> str:
    """Chips for an exported page; images small enough are embedded as ``data:`` pictures of their own,
    checked type (the page's policy allows ``data:`` images and nothing else)."""
    if not attachments:
        return ""
    chips = []
    for item in attachments:
        label = html.escape(item.describe())
        if item.is_image and item.size <= HTML_INLINE_MAX_BYTES:
            source = f"data:{item.media_type};base64,{base64.b64encode(item.data).decode('ascii')}"
            chips.append(f'<figure class="attachment"><img src="{html.escape(source)}" alt="{label}">'
                         f"<figcaption>{label}</figcaption></figure>")
        else:
            chips.append(f'<div class="attachment">📎 {label}</div>')
    return '<div class="attachments">' + "".join(chips) + "</div>"
