"""The format and size of an image, and whether it is whole, read from its header bytes alone.

No decoder is involved, so a hostile file costs a few comparisons; the bytes decide the format, never the name.
"""

from __future__ import annotations

import struct


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
