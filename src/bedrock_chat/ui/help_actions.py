"""The Help menu's actions: the About box (with the version) and opening the log folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QWidget

from bedrock_chat import __version__
from bedrock_chat.logging_setup import log_folder
from bedrock_chat.ui import message_boxes


def about_text(connection: str, data_dir: Path) -> str:
    return (f"Bedrock Chat {__version__}: a desktop client for the foundation models on Amazon Bedrock.\n\n"
            f"Connection: {connection}\nData folder: {data_dir}\nLog folder: {log_folder()}")


def show_about(parent: QWidget, connection: str, data_dir: Path) -> None:
    message_boxes.about(parent, f"About Bedrock Chat {__version__}", about_text(connection, data_dir))


def open_log_folder(parent: QWidget) -> bool:
    """Opens the app's own log folder in the file manager; says where it is if none can open it."""
    folder = log_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        message_boxes.inform(parent, "Log folder", f"The log folder {folder} cannot be created: "
                             f"{error.strerror or error}. Logging goes to the terminal only.")
        return False
    # The URL is built from our own folder, never from outside input, so opening it directly is safe.
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
        return True
    message_boxes.inform(parent, "Log folder", f"The log files are in:\n\n{folder}")
    return False
