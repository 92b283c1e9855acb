"""Attachments (images and documents) sent with a prompt: their types, Bedrock's limits and the checks.

Qt-free, so the checks run the same in the window, in tests and on imported transcripts. Everything here treats
its input as hostile: a file's name and bytes decide nothing until they are checked (an "image" whose bytes are
HTML is refused, a name full of markup becomes a plain document name).

Limits are those of the Converse API reference (Message, ImageBlock, DocumentBlock): at most 20 images and 5
documents per request, an image at most 3.75 MB and 8,000 px on each side, a document at most 4.5 MB; a
document's name holds only alphanumerics, single whitespace, hyphens, parentheses and square brackets, 1-200
characters. "MB" is read as 10^6 bytes, the stricter reading, so a file we let through is never too big there.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import PurePath

MAX_IMAGES = 20
MAX_DOCUMENTS = 5
MAX_IMAGE_BYTES = 3_750_000
MAX_DOCUMENT_BYTES = 4_500_000
MAX_IMAGE_SIDE = 8000
MAX_DOCUMENT_NAME = 200

IMAGE_FORMATS = ("png", "jpeg", "gif", "webp")
DOCUMENT_FORMATS = ("pdf", "csv", "doc", "docx", "xls", "xlsx", "html", "txt", "md")
_EXTENSIONS = {"jpg": "jpeg", "jpeg": "jpeg", "png": "png", "gif": "gif", "webp": "webp",
               **{name: name for name in DOCUMENT_FORMATS}, "htm": "html", "markdown": "md"}
MEDIA_TYPES = {
    "png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp",
    "pdf": "application/pdf", "csv": "text/csv", "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html", "txt": "text/plain", "md": "text/markdown",
}
# Binary document formats start with a known signature; text formats (csv, html, txt, md) have none to check.
_DOCUMENT_MAGIC = {"pdf": (b"%PDF-",), "docx": (b"PK\x03\x04",), "xlsx": (b"PK\x03\x04",),
                   "doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",), "xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)}
SUPPORTED_DESCRIPTION = "PNG, JPEG, GIF or WebP images and PDF, CSV, DOC, DOCX, XLS, XLSX, HTML, TXT or MD documents"
DISPLAY_NAME_LIMIT = 120


class AttachmentKind(StrEnum):
    IMAGE = "image"
    DOCUMENT = "document"


class AttachmentError(ValueError):
    """A file that cannot be attached, or a set of attachments a request cannot carry; the text says why."""


@dataclass(frozen=True)
class Attachment:
    """One file as it is sent: its bytes, never a path (a path can vanish or change before the next turn)."""

    kind: AttachmentKind
    format: str  # an ImageFormat or DocumentFormat of the Converse API
    name: str  # the file name as shown (display only; ``document_name`` is what a request carries)
    data: bytes
    width: int | None = None
    height: int | None = None
    # The SHA-256 of ``data`` when the conversation store already holds these bytes (written off the GUI thread
    # when the file was attached), so saving the prompt writes a reference, not megabytes. Not part of equality.
    digest: str | None = field(default=None, compare=False, repr=False)

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]

    @property
    def is_image(self) -> bool:
        return self.kind == AttachmentKind.IMAGE

    def describe(self) -> str:
        """``photo.png · PNG image · 1,234 KB · 640×480``: what a chip, an export or a tooltip says."""
        kind = "image" if self.is_image else "document"
        parts = [self.name, f"{self.format.upper()} {kind}", human_size(self.size)]
        if self.width and self.height:
            parts.append(f"{self.width}×{self.height}")
        return " · ".join(parts)


def human_size(size: int) -> str:
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{size / 1000:.1f} KB"
    return f"{size / 1_000_000:.2f} MB"


# -- image headers ----------------------------------------------------------------------------------------

def image_dimensions(data: bytes) -> tuple[str, int, int] | None:
    """The format and size of a PNG, JPEG, GIF or WebP from its header; None when the bytes are none of them
    (or are cut short before the size). No decoder is involved, so a hostile file costs a few comparisons."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        if len(data) >= 24 and data[12:16] == b"IHDR":
            width, height = struct.unpack(">II", data[16:24])
            return "png", width, height
        return None
    if data[:6] in (b"GIF87a", b"GIF89a"):
        if len(data) >= 10:
            width, height = struct.unpack("<HH", data[6:10])
            return "gif", width, height
        return None
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp(data)
    if data[:3] == b"\xff\xd8\xff":
        return _jpeg(data)
    return None


def _webp(data: bytes) -> tuple[str, int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        return "webp", width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return "webp", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(data) >= 30:
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return "webp", width, height
    return None


_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg(data: bytes) -> tuple[str, int, int] | None:
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
            position += 2
            continue
        length = struct.unpack(">H", data[position + 2:position + 4])[0]
        if length < 2:
            return None
        if marker in _JPEG_SOF:
            if position + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[position + 5:position + 9])
            return "jpeg", width, height
        position += 2 + length
    return None


def image_is_complete(fmt: str, data: bytes) -> bool:
    """Whether the file reaches its format's end marker: a download or copy cut short is caught here rather than
    by the model (which answers a truncated image with an error, or worse, describes half a picture)."""
    tail = data[-1024:]
    if fmt == "png":
        return b"IEND" in tail[-64:]
    if fmt == "jpeg":
        return b"\xff\xd9" in tail
    if fmt == "gif":
        return b";" in tail[-64:]
    if fmt == "webp":
        return len(data) >= 8 + int.from_bytes(data[4:8], "little")
    return True


# -- building and checking ---------------------------------------------------------------------------------

def display_name(name: str) -> str:
    """A file name safe to show: its last path part, control characters removed, length bounded."""
    base = PurePath(name.replace("\\", "/")).name or "attachment"
    clean = "".join(ch for ch in base if ch.isprintable()).strip() or "attachment"
    return clean if len(clean) <= DISPLAY_NAME_LIMIT else clean[:DISPLAY_NAME_LIMIT - 1] + "…"


def format_for_name(name: str) -> str | None:
    suffix = PurePath(name).suffix.lower().lstrip(".")
    return _EXTENSIONS.get(suffix)


def limit_for(name: str) -> int:
    """The largest file worth reading for this name (checked on the file's size before reading its bytes)."""
    return MAX_DOCUMENT_BYTES if format_for_name(name) in DOCUMENT_FORMATS else MAX_IMAGE_BYTES


def check_size_before_reading(name: str, size: int) -> None:
    """Refuses a file by its size alone, so a 2 GB file is never read into memory."""
    shown = display_name(name)
    fmt = format_for_name(name)
    if fmt in DOCUMENT_FORMATS and size > MAX_DOCUMENT_BYTES:
        raise AttachmentError(f"“{shown}” is {_exact(size)}; Bedrock takes documents of at most "
                              f"{_exact(MAX_DOCUMENT_BYTES)}. Attach a smaller file or split it.")
    if fmt not in DOCUMENT_FORMATS and size > MAX_IMAGE_BYTES:
        raise AttachmentError(f"“{shown}” is {_exact(size)}; Bedrock takes images of at most "
                              f"{_exact(MAX_IMAGE_BYTES)}. Resize or compress it and attach it again.")


def _exact(size: int) -> str:
    """Both sizes in a refusal: rounded alone, a file just over the limit would read as equal to it."""
    return f"{human_size(size)} ({size:,} bytes)" if size >= 1000 else human_size(size)


def make_attachment(name: str, data: bytes) -> Attachment:
    """An attachment from a file's name and bytes, or an ``AttachmentError`` saying what is wrong with it.

    An image's format comes from its bytes, never its name: a ``.png`` that holds HTML is refused, and a
    pasted image with no name is recognised all the same."""
    shown = display_name(name)
    check_size_before_reading(name, len(data))
    named = format_for_name(name)
    if named in DOCUMENT_FORMATS:
        if not data:
            raise AttachmentError(f"“{shown}” is empty; there is nothing to send.")
        magic = _DOCUMENT_MAGIC.get(named)
        if magic and not data.startswith(magic):
            raise AttachmentError(f"“{shown}” is not a real {named.upper()} file (its contents do not match its "
                                  "name), so it is not attached.")
        return Attachment(AttachmentKind.DOCUMENT, named, shown, data)
    header = image_dimensions(data)
    if header is None:
        if named in IMAGE_FORMATS:
            raise AttachmentError(f"“{shown}” is not a readable {named.upper()} image (it is damaged, cut short, "
                                  "or holds something else), so it is not attached.")
        raise AttachmentError(f"“{shown}” is not a file Bedrock accepts. Attach {SUPPORTED_DESCRIPTION}.")
    fmt, width, height = header
    if not image_is_complete(fmt, data):
        raise AttachmentError(f"“{shown}” is cut short (the {fmt.upper()} file ends before its last part), so it "
                              "is not attached. Save or download it again.")
    if width < 1 or height < 1:
        raise AttachmentError(f"“{shown}” says it is {width}×{height} pixels, so it is damaged; not attached.")
    if width > MAX_IMAGE_SIDE or height > MAX_IMAGE_SIDE:
        raise AttachmentError(f"“{shown}” is {width}×{height} pixels; Bedrock takes images of at most "
                              f"{MAX_IMAGE_SIDE:,} pixels on each side. Resize it and attach it again.")
    return Attachment(AttachmentKind.IMAGE, fmt, shown, data, width, height)


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


@dataclass(frozen=True)
class Capabilities:
    """What a model takes besides text, from the catalog's input modalities and document support."""

    model_name: str
    images: bool
    documents: bool


def check_request(attachments: list[Attachment] | tuple[Attachment, ...], model: Capabilities,
                  api: str = "converse", family: str | None = None,
                  latest: list[Attachment] | tuple[Attachment, ...] | None = None) -> None:
    """Raises ``AttachmentError`` when these attachments cannot go out with one request to this model.

    ``attachments``: every attachment the request carries (earlier turns' are sent again); ``latest``: those of
    the prompt being sent (None: all of them), so the advice fits (remove a file, or start a new conversation).
    ``api``/``family``: InvokeModel bodies carry images only for Claude and Nova, and documents not at all."""
    latest = attachments if latest is None else latest
    images = [item for item in attachments if item.is_image]
    documents = [item for item in attachments if not item.is_image]

    def remedy(kind: str, in_latest: bool) -> str:
        if in_latest:
            return f"remove the {kind}"
        return f"start a new conversation (earlier prompts' {kind}s are sent again with every turn)"

    new_images, new_documents = any(item.is_image for item in latest), any(not item.is_image for item in latest)
    if images and not model.images:
        raise AttachmentError(f"{model.model_name} does not take images. Choose a model with image input "
                              f"(for example Nova Lite or Claude Sonnet), or {remedy('image', new_images)}.")
    if documents and not model.documents:
        raise AttachmentError(f"{model.model_name} does not take documents. Choose another model (for example "
                              f"Nova Lite or Claude), or {remedy('document', new_documents)}.")
    if api == "invoke":
        if documents:
            raise AttachmentError("Documents go to Bedrock through the Converse API only. Switch the API to "
                                  f"Converse in the parameters, or {remedy('document', new_documents)}.")
        if images and family not in ("anthropic", "nova"):
            raise AttachmentError(f"The InvokeModel body of {model.model_name} has no place for images. "
                                  f"Switch the API to Converse, or {remedy('image', new_images)}.")
    for kind, items, limit in (("image", images, MAX_IMAGES), ("document", documents, MAX_DOCUMENTS)):
        if len(items) <= limit:
            continue
        if len(items) == sum(1 for item in latest if (item.kind == AttachmentKind.IMAGE) == (kind == "image")):
            raise AttachmentError(f"{len(items)} {kind}s are attached; Bedrock takes at most {limit} per request. "
                                  "Remove some.")
        raise AttachmentError(f"With those of earlier turns, this request would carry {len(items)} {kind}s; "
                              f"Bedrock takes at most {limit} per request. Start a new conversation, or remove "
                              "some.")
