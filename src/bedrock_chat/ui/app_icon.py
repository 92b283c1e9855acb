"""The application icon, from the PNG sizes under resources/icons (no SVG plugin needed)."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon

from bedrock_chat.resource_files import resource_path

SIZES = (16, 24, 32, 48, 64, 128, 256)


def app_icon() -> QIcon:
    """Each size is named with its file, so Qt reads a file only when it first draws that size (not at startup)."""
    icon = QIcon()
    for size in SIZES:
        icon.addFile(str(resource_path(f"icons/bedrock-chat-{size}.png")), QSize(size, size))
    return icon
