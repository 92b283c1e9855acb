"""The application icon, from the PNG sizes under resources/icons (no SVG plugin needed)."""

from __future__ import annotations

from PySide6.QtGui import QIcon

from bedrock_chat.resource_files import resource_path

SIZES = (16, 24, 32, 48, 64, 128, 256)


def app_icon() -> QIcon:
    icon = QIcon()
    for size in SIZES:
        path = resource_path(f"icons/bedrock-chat-{size}.png")
        if path.is_file():
            icon.addFile(str(path))
    return icon
