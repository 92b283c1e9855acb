"""Small pictures of attachments, decoded off the GUI thread: a thumbnail for an image, the file icon for a
document or for an image that cannot be decoded.

Decoding the largest image Bedrock takes (8,000 px a side) costs seconds (bench/attach_cost.py), so it runs on one
worker thread; until it is done a chip shows the file icon and the conversation a grey box of the final size.
Results are cached by the bytes (Python caches a bytes object's hash), so redrawing a conversation decodes nothing.
"""

from __future__ import annotations

import queue
import threading
from collections import OrderedDict
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QByteArray, QDataStream, QObject, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QImageReader, QPixmap
from PySide6.QtWidgets import QApplication, QStyle

from bedrock_chat.core.attachments import Attachment

THUMBNAIL_SIDE = 64
CACHE_SIZE = 128
Key = tuple[int, int, int]


def thumbnail_size(attachment: Attachment, side: int) -> QSize:
    """The size the thumbnail will have, known from the header before anything is decoded."""
    width, height = attachment.width or side, attachment.height or side
    scale = min(1.0, side / max(width, height))
    return QSize(max(1, round(width * scale)), max(1, round(height * scale)))


def decode_thumbnail(data: bytes, size: QSize) -> QImage:
    """Runs on the worker thread: QImage and QImageReader are safe to use there on objects of their own.

    The device must be one Qt made, not one made in Python: every read of a Python-made QBuffer asks for the GIL
    (to look for a Python override), while the decoder holds Qt's image plugin lock; the GUI thread, holding the
    GIL, waiting for that lock to draw an icon, then froze the window for good. A QDataStream over the bytes
    owns a plain C++ QBuffer."""
    stream = QDataStream(QByteArray(data))
    reader = QImageReader(stream.device())
    reader.setDecideFormatFromContent(True)
    reader.setScaledSize(size)
    image = reader.read()
    if image.isNull():
        return QImage()
    if image.size() != size:  # a format that ignored the scaled size
        image = image.scaled(size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
    return image


class _CacheGone(Exception):
    """The thumbnail cache was destroyed (the application quit) while a decode ran."""


class Thumbnails(QObject):
    """The app's one cache of decoded thumbnails; ``ready`` says when one that was asked for is there."""

    ready = Signal(object)
    """A thumbnail was decoded (its key); ask ``cached`` for it. A null image means it could not be decoded."""
    _decoded = Signal(object, object)  # (key, QImage), emitted on the worker thread, received on the GUI thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cache: OrderedDict[Key, QImage] = OrderedDict()
        self._pending: set[Key] = set()
        # Qt loads its image plugins and the style's icons here, on the GUI thread, once: a first load on the
        # worker while the GUI thread loads an icon could otherwise meet on Qt's plugin lock and the GIL.
        QImageReader.supportedImageFormats()
        file_icon_image()
        # A daemon thread, not an executor: a decode still running when the app quits must not delay its exit.
        self._jobs: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        threading.Thread(target=self._work, name="thumbnails", daemon=True).start()
        self._decoded.connect(self._store)

    def _work(self) -> None:
        while True:
            try:
                self._jobs.get()()
            except _CacheGone:
                return  # the application is being torn down: no one is left to show a picture to

    def _decode(self, key: Key, data: bytes, size: QSize) -> None:
        """On the worker thread. The cache is a child of the application: when the interpreter exits it is
        destroyed with it while this daemon thread may still be decoding, and emitting then would raise."""
        image = decode_thumbnail(data, size)
        if not shiboken6.isValid(self):
            raise _CacheGone
        try:
            self._decoded.emit(key, image)
        except RuntimeError as error:  # destroyed between the check and the emit
            raise _CacheGone from error

    @staticmethod
    def key(attachment: Attachment, side: int) -> Key:
        return hash(attachment.data), attachment.size, side

    def cached(self, attachment: Attachment, side: int = THUMBNAIL_SIDE) -> QImage | None:
        """The thumbnail if decoded (null when it cannot be), else None, and its decoding is started."""
        key = self.key(attachment, side)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        if not attachment.is_image:
            return QImage()
        if key not in self._pending:
            self._pending.add(key)
            size = thumbnail_size(attachment, side)
            self._jobs.put(lambda: self._decode(key, attachment.data, size))
        return None

    def _store(self, key: Key, image: QImage) -> None:
        self._pending.discard(key)
        self._cache[key] = image
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        self.ready.emit(key)

    def wait_idle(self) -> None:
        """Tests and benchmarks: returns once every decode asked for so far has run (their results still arrive
        through the event loop)."""
        done = threading.Event()
        self._jobs.put(done.set)
        done.wait()


_shared: Thumbnails | None = None


def thumbnails() -> Thumbnails:
    global _shared
    if _shared is None:
        _shared = Thumbnails(QApplication.instance())
    return _shared


def file_icon() -> QIcon:
    return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)


def file_icon_image(side: int = 32) -> QImage:
    return file_icon().pixmap(side, side).toImage()


def pending_image(size: QSize) -> QImage:
    image = QImage(size, QImage.Format.Format_ARGB32)
    image.fill(QColor(128, 128, 128, 60))
    return image


def icon_from(image: QImage | None) -> QIcon:
    return QIcon(QPixmap.fromImage(image)) if image is not None and not image.isNull() else file_icon()
