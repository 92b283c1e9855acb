"""Small pictures of attachments: a thumbnail for an image, the file icon for a document or a damaged image.

Decoding goes through QImageReader with a scaled size, so a large photo is never held at full size; the result is
cached by the bytes themselves (Python caches a bytes object's hash), so redrawing a conversation decodes nothing.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QIcon, QImage, QImageReader, QPixmap
from PySide6.QtWidgets import QApplication, QStyle

from bedrock_chat.core.attachments import Attachment

THUMBNAIL_SIDE = 64


@functools.lru_cache(maxsize=128)
def _decoded(data: bytes, width: int, height: int, side: int) -> QImage:
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setDecideFormatFromContent(True)
    if width > 0 and height > 0:
        scale = min(1.0, side / max(width, height))
        reader.setScaledSize(QSize(max(1, round(width * scale)), max(1, round(height * scale))))
    image = reader.read()
    if image.isNull():
        return QImage()
    if max(image.width(), image.height()) > side:  # a format that ignored the scaled size
        image = image.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
    return image


def thumbnail(attachment: Attachment, side: int = THUMBNAIL_SIDE) -> QImage:
    """The image shrunk to fit ``side`` pixels, or a null QImage when it is a document or cannot be decoded."""
    if not attachment.is_image:
        return QImage()
    return _decoded(attachment.data, attachment.width or 0, attachment.height or 0, side)


def chip_icon(attachment: Attachment) -> QIcon:
    image = thumbnail(attachment, 32)
    if not image.isNull():
        return QIcon(QPixmap.fromImage(image))
    return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)


def file_icon_image(side: int = 32) -> QImage:
    return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon).pixmap(side, side).toImage()
