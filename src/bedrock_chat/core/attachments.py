"""Attachments (images and documents) sent with a prompt: their types, Bedrock's limits and the checks on one file.

Qt-free, so the checks run the same in the window, in tests and on imported transcripts. Everything here treats
its input as hostile: a file's name and bytes decide nothing until they are checked (an "image" whose bytes are
HTML is refused, a name full of markup becomes a plain document name). A request's attachments taken together
are checked in ``attachment_request_checks``; what a document is called in a request, in ``document_names``.

Limits are those of the Converse API reference (Message, ImageBlock, DocumentBlock): at most 20 images and 5
documents per request, an image at most 3.75 MB and 8,000 px on each side, a document at most 4.5 MB; a
document's name holds only alphanumerics, single whitespace, hyphens, parentheses and square brackets, 1-200
characters. "MB" is read as 10^6 bytes, the stricter reading, so a file we let through is never too big there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import PurePath

from bedrock_chat.core.image_headers import image_dimensions, image_is_complete

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
