"""Images and documents in requests, checked as Bedrock checks them, and described back in the reply.

Converse ``image``/``document`` blocks (bytes arrive base64-encoded in the JSON, as boto3 sends them), Claude's
native ``image`` block (base64 source) and Nova's native ``image`` block. Image headers are read here without any
imaging library: the endpoint must tell a PNG that is really HTML from a real one, exactly as Bedrock would.
Messages follow Bedrock's where known (the document name rule's is verbatim); the others are close paraphrases.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
from dataclasses import dataclass
from typing import Any

from bedrock_chat.local_endpoint.errors import validation

IMAGE_FORMATS = ("png", "jpeg", "gif", "webp")
DOCUMENT_FORMATS = ("pdf", "csv", "doc", "docx", "xls", "xlsx", "html", "txt", "md")
MAX_IMAGES, MAX_DOCUMENTS = 20, 5
MAX_IMAGE_BYTES, MAX_DOCUMENT_BYTES = 3_750_000, 4_500_000
MAX_SIDE = 8000
_NAME = re.compile(r"(?:[A-Za-z0-9\-()\[\]]|\s(?!\s))+")
_NAME_MESSAGE = ("The document file name can only contain alphanumeric characters, whitespace characters, hyphens, "
                 "parentheses, and square brackets. The name can't contain more than one consecutive whitespace "
                 "character. Check that the file name conforms to these restrictions and retry your request.")
_MEDIA_TYPES = {"image/png": "png", "image/jpeg": "jpeg", "image/gif": "gif", "image/webp": "webp"}


@dataclass(frozen=True)
class Received:
    """One attachment as the endpoint understood it: what the echo in the reply reports."""

    kind: str  # image | document
    format: str
    size: int
    width: int = 0
    height: int = 0
    name: str = ""

    def describe(self) -> str:
        if self.kind == "image":
            return f"image {self.format} {self.size} bytes {self.width}x{self.height}"
        return f"document {self.format} {self.size} bytes “{self.name}”"


def sniff_image(data: bytes) -> tuple[str, int, int] | None:
    """Format and size from the header of a PNG, GIF, WebP or JPEG, else None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24 and data[12:16] == b"IHDR":
        return ("png", *struct.unpack(">II", data[16:24]))
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return ("gif", *struct.unpack("<HH", data[6:10]))
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP" and len(data) >= 30:
        kind = data[12:16]
        if kind == b"VP8X":
            return "webp", int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
        if kind == b"VP8L" and data[20] == 0x2F:
            bits = int.from_bytes(data[21:25], "little")
            return "webp", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
        if kind == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":
            width, height = struct.unpack("<HH", data[26:30])
            return "webp", width & 0x3FFF, height & 0x3FFF
        return None
    if data[:2] == b"\xff\xd8":
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[str, int, int] | None:
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:
            at += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:
            at += 2
            continue
        (length,) = struct.unpack(">H", data[at + 2:at + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if at + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[at + 5:at + 9])
            return "jpeg", width, height
        if length < 2:
            return None
        at += 2 + length
    return None


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _decode(value: Any, where: str) -> bytes:
    if not isinstance(value, str):
        raise validation(f"Malformed input request: {where}: expected type: String (base64), please reformat "
                         "your input and try again.")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as error:
        raise validation(f"Malformed input request: {where}: the value is not valid base64, please reformat "
                         "your input and try again.") from error


def check_image(data: bytes, declared: str, where: str) -> Received:
    if len(data) > MAX_IMAGE_BYTES:
        raise validation(f"The model returned the following errors: {where}: image exceeds 3.75 MB maximum: "
                         f"{len(data)} bytes > {MAX_IMAGE_BYTES} bytes")
    found = sniff_image(data)
    if found is None:
        raise validation(f"The model returned the following errors: {where}: Could not process image. The "
                         "bytes are not a valid png, jpeg, gif or webp image.")
    fmt, width, height = found
    if fmt != declared:
        raise validation(f"The model returned the following errors: {where}: Image format {declared} does not "
                         f"match the provided image, which is {fmt}.")
    if width > MAX_SIDE or height > MAX_SIDE or width < 1 or height < 1:
        raise validation(f"The model returned the following errors: {where}: image dimensions exceed max "
                         f"allowed size: {width}x{height} pixels (at most {MAX_SIDE}x{MAX_SIDE})")
    return Received("image", fmt, len(data), width, height)


def _enum(value: Any, allowed: tuple[str, ...], where: str) -> str:
    if value not in allowed:
        raise validation(f"1 validation error detected: Value '{value}' at '{where}' failed to satisfy "
                         f"constraint: Member must satisfy enum value set: [{', '.join(allowed)}]")
    return str(value)


def converse_block(block: dict[str, Any], role: str, message: int, index: int,
                   accepts_images: bool, accepts_documents: bool) -> Received | None:
    """An ``image`` or ``document`` block of a Converse message, checked; None for other blocks."""
    where = f"messages.{message}.content.{index}"
    if "image" not in block and "document" not in block:
        return None
    if role != "user":
        raise validation(f"{where}: images and documents can only be included in user messages.")
    if "image" in block:
        image = _object(block["image"])
        fmt = _enum(image.get("format"), IMAGE_FORMATS,
                    f"messages.{message}.member.content.{index}.member.image.format")
        if not accepts_images:
            raise validation("This model doesn't support the image content block that you provided. Try again "
                             "with a supported content block.")
        source = _object(image.get("source"))
        return check_image(_decode(source.get("bytes"), f"{where}.image.source.bytes"), fmt, f"{where}.image.source")
    document = _object(block["document"])
    fmt = _enum(document.get("format"), DOCUMENT_FORMATS,
                f"messages.{message}.member.content.{index}.member.document.format")
    if not accepts_documents:
        raise validation("This model doesn't support documents. Try again with a model that supports document "
                         "chat.")
    name = document.get("name")
    if not isinstance(name, str) or not 1 <= len(name) <= 200 or not _NAME.fullmatch(name):
        raise validation(_NAME_MESSAGE)
    source = _object(document.get("source"))
    data = _decode(source.get("bytes"), f"{where}.document.source.bytes")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise validation(f"{where}.document: the document is {len(data)} bytes; documents can be at most "
                         "4.5 MB.")
    return Received("document", fmt, len(data), name=name)


def converse_attachments(message: dict[str, Any], index: int, accepts_images: bool,
                         accepts_documents: bool) -> list[Received]:
    """The checked images and documents of one Converse message (a document needs a text block beside it)."""
    blocks = message.get("content")
    if not isinstance(blocks, list):
        return []
    role = str(message.get("role"))
    received = [item for position, block in enumerate(blocks) if isinstance(block, dict)
                and (item := converse_block(block, role, index, position, accepts_images, accepts_documents))]
    if any(item.kind == "document" for item in received) and not any(
            isinstance(block, dict) and "text" in block for block in blocks):
        raise validation(f"messages.{index}: A message that includes a document must also include a text block.")
    return received


def anthropic_image(block: dict[str, Any], where: str) -> Received:
    """Claude's native ``{"type": "image", "source": {"type": "base64", "media_type", "data"}}``."""
    source = _object(block.get("source"))
    if source.get("type") != "base64":
        raise validation(f"{where}.source.type: Input should be 'base64'")
    declared = _MEDIA_TYPES.get(str(source.get("media_type")))
    if declared is None:
        raise validation(f"{where}.source.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or "
                         "'image/webp'")
    return check_image(_decode(source.get("data"), f"{where}.source.data"), declared, f"{where}.source.data")


def nova_image(block: dict[str, Any], where: str) -> Received:
    """Nova's native ``{"image": {"format", "source": {"bytes": base64}}}``."""
    image = _object(block["image"])
    fmt = _enum(image.get("format"), IMAGE_FORMATS, f"{where}.image.format")
    source = _object(image.get("source"))
    return check_image(_decode(source.get("bytes"), f"{where}.image.source.bytes"), fmt, f"{where}.image.source")


def native_attachments(family: str, message: dict[str, Any], index: int, accepts_images: bool) -> list[Received]:
    """The checked images of one message of a Nova or Claude native body (other blocks are left to the parser)."""
    blocks = message.get("content")
    if not isinstance(blocks, list):
        return []
    received = []
    for position, block in enumerate(blocks):
        if not isinstance(block, dict):
            continue
        is_image = block.get("type") == "image" if family == "anthropic" else "image" in block
        if not is_image:
            continue
        where = f"messages.{index}.content.{position}"
        if message.get("role") != "user":
            raise validation(f"{where}: images can only be included in user messages.")
        if not accepts_images:
            raise validation("This model doesn't support image input. Try again with a model that does.")
        received.append(anthropic_image(block, where) if family == "anthropic" else nova_image(block, where))
    return received


def check_counts(received: list[Received]) -> None:
    images = sum(1 for item in received if item.kind == "image")
    documents = len(received) - images
    if images > MAX_IMAGES:
        raise validation(f"Too many images: {images} were provided; the maximum is {MAX_IMAGES} per request.")
    if documents > MAX_DOCUMENTS:
        raise validation(f"Too many documents: {documents} were provided; the maximum is {MAX_DOCUMENTS} per "
                         "request.")
    names = [item.name for item in received if item.kind == "document"]
    if len(set(names)) != len(names):  # across the request's messages, as Bedrock checks it
        raise validation("Messages can't contain duplicate document names. Rename the document and retry your "
                         "request.")


def echo_line(received: tuple[Received, ...]) -> str:
    """The first line of a reply to a request with attachments: what arrived, so tests see it end to end."""
    return "[attachments] " + "; ".join(item.describe() for item in received)
