"""The widgets of the main window's body and how they are arranged: conversations | chat and prompt | settings.

Only construction and layout live here; the window connects the widgets' signals to the objects that act on them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from bedrock_chat.ui.attachment_tray import AttachmentTray
from bedrock_chat.ui.chat_view import ChatView
from bedrock_chat.ui.error_banner import ErrorBanner
from bedrock_chat.ui.param_panel import ParameterPanel
from bedrock_chat.ui.prompt_editor import PromptEditor
from bedrock_chat.ui.settings_store import SettingsStore
from bedrock_chat.ui.sidebar import Sidebar
from bedrock_chat.ui.stats_panel import StatsPanel


def _button(text: str, tooltip: str) -> QPushButton:
    button = QPushButton(text)
    button.setAccessibleName(text)
    button.setToolTip(tooltip)
    return button


class ChatColumn(QWidget):
    """The middle column: the error and storage banners, the conversation, and the prompt with Send and Stop."""

    def __init__(self, storage_banner: QWidget) -> None:
        super().__init__()
        self.chat = ChatView()
        self.error_banner = ErrorBanner()
        self.prompt = PromptEditor()
        self.send_button = _button("Send", "Send the prompt (Ctrl+Enter).")
        self.send_button.setDefault(True)
        self.stop_button = _button("Stop", "Stop the reply (Esc); what arrived is kept.")
        self.attach_button = _button("Attach", "Attach images or documents to the next prompt (or paste or "
                                               "drop them on the window).")
        self.attachments = AttachmentTray()
        buttons = QVBoxLayout()
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.attach_button)
        buttons.addStretch(1)
        editor_row = QHBoxLayout()
        editor_row.setContentsMargins(0, 0, 0, 0)
        editor_row.addWidget(self.prompt, 1)
        editor_row.addLayout(buttons)
        prompt_row = QWidget()
        prompt_layout = QVBoxLayout(prompt_row)
        prompt_layout.setContentsMargins(0, 0, 0, 0)
        prompt_layout.setSpacing(2)
        prompt_layout.addWidget(self.attachments)
        prompt_layout.addLayout(editor_row, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 4, 8)
        layout.addWidget(self.error_banner)
        layout.addWidget(storage_banner)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("chat-splitter")
        self.splitter.addWidget(self.chat)
        self.splitter.addWidget(prompt_row)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([640, 130])
        layout.addWidget(self.splitter)
        self._prompt_row = prompt_row
        self._borrowed = 0  # height the tray took from the conversation
        self.attachments.shown_changed.connect(lambda: QTimer.singleShot(0, self._fit_prompt_row))

    def _fit_prompt_row(self) -> None:
        """Chips and a refusal above the prompt take room from the conversation (or whatever the splitter shows
        above the prompt), never from the prompt itself, and give it back once they are gone."""
        sizes = self.splitter.sizes()
        row = self.splitter.indexOf(self._prompt_row)
        others = [index for index in range(len(sizes)) if index != row and sizes[index] > 0]
        if row < 0 or not others:
            return
        donor = max(others, key=lambda index: sizes[index])
        if not self.attachments.isVisible():
            give = min(self._borrowed, max(0, sizes[row] - 60))
            sizes[donor], sizes[row] = sizes[donor] + give, sizes[row] - give
            self._borrowed = 0
        else:
            wanted = self._prompt_row.sizeHint().height()
            if sizes[row] >= wanted or sizes[donor] + sizes[row] <= wanted + 120:
                return
            self._borrowed += wanted - sizes[row]
            sizes[donor], sizes[row] = sizes[donor] + sizes[row] - wanted, wanted
        self.splitter.setSizes(sizes)


class SettingsColumn(QWidget):
    """The right column: the parameters and the request preview in tabs, the statistics below them."""

    def __init__(self) -> None:
        super().__init__()
        self.setMinimumWidth(400)
        self.parameters = ParameterPanel()
        scroll = QScrollArea()
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.parameters)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName("Request preview")
        self.preview.setToolTip("The exact JSON body the next request sends.")
        self.preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Settings tabs")
        self.tabs.addTab(scroll, "Parameters")
        self.tabs.addTab(self.preview, "Request preview")
        self.stats = StatsPanel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 8, 8, 8)
        layout.addWidget(self.tabs, 3)
        layout.addWidget(self.stats, 0)


class WindowBody(QSplitter):
    """The three columns side by side; their sizes (and the chat/prompt split) are kept between sessions."""

    def __init__(self, storage_banner: QWidget) -> None:
        super().__init__(Qt.Orientation.Horizontal)
        self.setObjectName("main-splitter")
        self.sidebar = Sidebar()
        self.sidebar.setMinimumWidth(200)
        self.chat_column = ChatColumn(storage_banner)
        self.settings_column = SettingsColumn()
        for index, (column, stretch) in enumerate(((self.sidebar, 1), (self.chat_column, 3),
                                                   (self.settings_column, 1))):
            self.addWidget(column)
            self.setStretchFactor(index, stretch)
        self.setSizes([230, 700, 400])

    def _splitters(self) -> tuple[tuple[str, QSplitter], ...]:
        return ("main-splitter", self), ("chat-splitter", self.chat_column.splitter)

    def restore_layout(self, settings: SettingsStore) -> None:
        for name, splitter in self._splitters():
            state = settings.layout(name)
            if state is not None:
                splitter.restoreState(state)

    def save_layout(self, settings: SettingsStore) -> None:
        for name, splitter in self._splitters():
            settings.set_layout(name, splitter.saveState())
