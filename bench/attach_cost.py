"""What attaching costs: on the GUI thread (checking a file, asking for its thumbnail) and on the worker thread
that decodes thumbnails.

Prints one JSON object of milliseconds (median of the runs): ``check_ms`` the header check of a 4000×3000 JPEG,
``gui_thread_ms`` what showing the chips of that JPEG and of an 8000×8000 PNG costs the GUI thread,
``decode_jpeg_ms`` / ``decode_png_8000_ms`` the worker's decode of each thumbnail (why it is off the GUI thread),
``cached_ms`` a thumbnail already decoded (what redrawing a conversation costs).
Saving a prompt with 20 images of 3.75 MB, what Send costs the GUI thread: ``send_inline_ms`` when the prompt's
rows carry the bytes (as before, and still when they could not be stored ahead), ``send_staged_ms`` when the bytes
were stored as the files were attached and the rows only name them; ``stage_ms`` that storing, on the worker.
Branching (Edit an earlier prompt) a conversation whose prompt has those 20 images, what the GUI thread pays to
save it and write the branch: ``branch_inline_ms`` when its rows carry the bytes (an older history before the pass
that moves them apart), ``branch_imported_ms`` when it came in through File › Import transcripts (bytes stored
apart as it is imported).

``--quick``: one run on images a tenth the size, no targets; it only proves the benchmark still works.
"""

from __future__ import annotations

import json
import os
import statistics
import struct
import sys
import tempfile
import time
import zlib
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QImage, QImageWriter, QPainter
from PySide6.QtWidgets import QApplication

from bedrock_chat.core.attachment_rows import stage_attachment
from bedrock_chat.core.attachments import MAX_IMAGE_BYTES, Attachment, AttachmentKind, make_attachment
from bedrock_chat.core.conversation import Conversation
from bedrock_chat.core.storage import ConversationStore
from bedrock_chat.core.store_writing import import_in_background
from bedrock_chat.ui.attachment_thumbnails import THUMBNAIL_SIDE, Thumbnails, decode_thumbnail, thumbnail_size


def _encoded(width: int, height: int, fmt: bytes, quality: int = -1) -> bytes:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#336699"))
    painter = QPainter(image)
    for step in range(0, width, 37):  # detail, so the file is not trivially small
        painter.fillRect(step, (step * 7) % height, 30, 30, QColor((step * 13) % 255, (step * 5) % 255, 90))
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, QByteArray(fmt))
    if quality >= 0:
        writer.setQuality(quality)
    writer.write(image)
    return bytes(QByteArray(buffer.data()).data())


def _ms(action: object) -> float:
    start = time.perf_counter()
    action()  # type: ignore[operator]
    return (time.perf_counter() - start) * 1000


def _one_run(jpeg: Attachment, png: Attachment) -> dict[str, float]:
    cache = Thumbnails()  # a fresh cache each run: every decode happens
    figures = {"check_ms": _ms(lambda: make_attachment("photo.jpg", jpeg.data)),
               # What the GUI thread pays to show both chips: the decodes only start here, on the worker.
               "gui_thread_ms": _ms(lambda: (cache.cached(jpeg), cache.cached(png)))}
    cache.wait_idle()
    jpeg_size, png_size = thumbnail_size(jpeg, THUMBNAIL_SIDE), thumbnail_size(png, THUMBNAIL_SIDE)
    figures["decode_jpeg_ms"] = _ms(lambda: decode_thumbnail(jpeg.data, jpeg_size))
    figures["decode_png_8000_ms"] = _ms(lambda: decode_thumbnail(png.data, png_size))
    QApplication.processEvents()  # the worker's results arrive
    figures["cached_ms"] = _ms(lambda: cache.cached(jpeg))
    return figures


def _send_figures(image_bytes: int) -> dict[str, float]:
    """One prompt with 20 images saved as Send saves it, with the bytes in its rows and with them staged."""
    images = [Attachment(AttachmentKind.IMAGE, "png", f"photo {n}.png", os.urandom(image_bytes), 100, 100)
              for n in range(20)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "conversations.sqlite3"
        store = ConversationStore(path)
        inline = Conversation()
        message = inline.add_user_message("twenty pictures", tuple(images))
        figures = {"send_inline_ms": _ms(lambda: store.save_messages([(inline, message)]))}
        staged: list[Attachment] = []
        figures["stage_ms"] = _ms(lambda: staged.extend(stage_attachment(path, item) for item in images))
        named = Conversation()
        message = named.add_user_message("twenty pictures", tuple(staged))
        figures["send_staged_ms"] = _ms(lambda: store.save_messages([(named, message)]))
        store.close()
    return figures


def _padded_png(size: int, seed: int) -> bytes:
    """A valid 2×2 PNG made ``size`` bytes long by an ancillary chunk (what a stored row is read back through)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    head = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
    tail = chunk(b"IDAT", zlib.compress((b"\x00" + b"\x10\x20\x30" * 2) * 2)) + chunk(b"IEND", b"")
    padding = size - len(head) - len(tail) - 12 - 4
    return head + chunk(b"tEXt", b"pad\x00" + str(seed).encode().ljust(max(0, padding), b"x")) + tail


def _branch_figures(image_bytes: int) -> dict[str, float]:
    """What ``HistoryActions.branch_from`` does on the GUI thread: save the conversation on screen, then its copy
    up to the edited prompt (here the second, so the copy holds the first with its 20 images)."""
    images = tuple(make_attachment(f"photo {n}.png", _padded_png(image_bytes, n)) for n in range(20))
    source = Conversation(title="album")
    source.add_user_message("twenty pictures", images)
    edited = source.add_user_message("and now?")
    figures = {}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "conversations.sqlite3"
        store = ConversationStore(path)
        store.save_conversation(source)  # rows carrying their bytes
        imported = import_in_background(path, source)
        assert imported is not None
        for name, conversation_id in (("branch_inline_ms", source.id), ("branch_imported_ms", imported.id)):
            shown = store.load(conversation_id)
            cut = shown.messages[[m.text for m in shown.messages].index(edited.text)].id
            figures[name] = _ms(lambda shown=shown, cut=cut: (store.save_conversation(shown),
                                                              store.save_copy(shown, upto_message=cut)))
        store.close()
    return figures


def main() -> None:
    quick = "--quick" in sys.argv
    runs = 1 if quick else 5
    QApplication.instance() or QApplication([])
    scale = 10 if quick else 1  # quick: small images, the same code
    jpeg = make_attachment("photo.jpg", _encoded(4000 // scale, 3000 // scale, b"jpeg", 98))
    png = make_attachment("big.png", _encoded(8000 // scale, 8000 // scale, b"png"))
    figures: dict[str, list[float]] = {}
    for _ in range(runs):
        for name, value in (_one_run(jpeg, png) | _send_figures(MAX_IMAGE_BYTES // scale)
                             | _branch_figures(MAX_IMAGE_BYTES // scale)).items():
            figures.setdefault(name, []).append(value)
    result = {name: round(statistics.median(values), 2) for name, values in figures.items()}
    result.update(jpeg_bytes=jpeg.size, png_bytes=png.size, runs=runs)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
