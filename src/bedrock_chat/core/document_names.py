"""The name a document carries in a request (a DocumentBlock's ``name``), made from its file name.

Bedrock allows only alphanumerics, single whitespace, hyphens, parentheses and square brackets, 1-200 characters,
and refuses a request whose messages hold two documents of one name.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from bedrock_chat.core.attachments import MAX_DOCUMENT_NAME, Attachment, AttachmentKind, display_name

_NAME_ALLOWED = re.compile(r"[^0-9A-Za-z\s\-()\[\]]")
_NAME_SPACES = re.compile(r"\s+")


def document_name(file_name: str) -> str:
    """A valid DocumentBlock name from a file name: only alphanumerics, single spaces, hyphens, parentheses and
    square brackets, 1-200 characters. The name is also text the model reads, so nothing else survives."""
    stem = PurePath(display_name(file_name)).stem
    ascii_only = stem.encode("ascii", "ignore").decode()  # Bedrock's "alphanumeric" is taken as ASCII here
    cleaned = _NAME_SPACES.sub(" ", _NAME_ALLOWED.sub(" ", ascii_only)).strip()
    return cleaned[:MAX_DOCUMENT_NAME].strip() or "Document"


def document_names(attachments: list[Attachment] | tuple[Attachment, ...],
                   taken: set[str] | None = None) -> list[str]:
    """The names of a message's documents, made unique (two files called ``report.pdf`` become ``report`` and
    ``report (2)``) so the model can tell them apart.

    Unique across the whole request, not only the message: Bedrock refuses a request whose messages hold two
    documents of one name, and every earlier turn's documents are sent again, so a file attached again later
    would otherwise break every turn after it. ``taken``: the names (case-folded) of the request's earlier
    messages; this message's are added to it."""
    used = taken if taken is not None else set()
    names: list[str] = []
    for attachment in attachments:
        if attachment.kind != AttachmentKind.DOCUMENT:
            continue
        base = document_name(attachment.name)
        name, number = base, 1
        while name.casefold() in used:
            number += 1
            suffix = f" ({number})"
            name = base[:MAX_DOCUMENT_NAME - len(suffix)].strip() + suffix
        used.add(name.casefold())
        names.append(name)
    return names
