"""The widgets of the main window's body and how they are arranged: conversations | chat and prompt | side panel.

Only construction and layout live here; the window connects the widgets' signals to the objects that act on them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSizePolicy, QSplitter, QToolBar, QVBoxLayout, QWidget

from bedrock_chat.ui.attachment_tray import AttachmentTray
from bedrock_chat.ui.call_soon import call_soon
from bedrock_chat.ui.chat_view import ChatView
from bedrock_chat.ui.error_banner import ErrorBanner
from bedrock_chat.ui.panel_fit import PanelFit
from bedrock_chat.ui.prompt_editor import PromptEditor
from bedrock_chat.ui.settings_store import SettingsStore
from bedrock_chat.ui.side_panel import SidePanel
from bedrock_chat.ui.sidebar import SIDEBAR_MIN_WIDTH, Sidebar
from bedrock_chat.ui.token_estimate import make_estimate_label


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
        # The estimate is one line under the prompt, as wide as it: beside the buttons it wrapped and was cut.
        self.token_estimate = make_estimate_label()  # filled by ui.token_estimate.TokenEstimator
        editor = QVBoxLayout()
        editor.setSpacing(2)
        editor.addWidget(self.prompt, 1)
        editor.addWidget(self.token_estimate)
        editor_row = QHBoxLayout()
        editor_row.setContentsMargins(0, 0, 0, 0)
        editor_row.addLayout(editor, 1)
        editor_row.addLayout(buttons)
        prompt_row = QWidget()
        prompt_layout = QVBoxLayout(prompt_row)
        prompt_layout.setContentsMargins(0, 0, 0, 0)
        prompt_layout.setSpacing(2)
        prompt_layout.addWidget(self.attachments)
        prompt_layout.addLayout(editor_row, 1)

        # Above the conversation, at its corners: the toggles of the two panels (the window adds the actions).
        self.panel_bar = QToolBar("Panels")
        self.panel_bar.setObjectName("panel-bar")
        self.panel_bar.setAccessibleName("Panels")
        self.panel_bar.setMovable(False)
        self.panel_bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 8)
        layout.setSpacing(4)
        layout.addWidget(self.panel_bar)
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
        self.attachments.shown_changed.connect(lambda: call_soon(self, self._fit_prompt_row))

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

    def add_panel_toggles(self, sidebar: QAction, side_panel: QAction) -> None:
        """The sidebar toggle at the left, the side panel's at the right, each named for a screen reader."""
        for action, name in ((sidebar, "Show or hide the conversation list"),
                             (side_panel, "Show or hide the settings panel")):
            if action is side_panel:
                spacer = QWidget()
                spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
                self.panel_bar.addWidget(spacer)
            self.panel_bar.addAction(action)
            button = self.panel_bar.widgetForAction(action)
            if button is not None:
                button.setAccessibleName(name)
                button.setToolTip(action.toolTip())


class WindowBody(QSplitter):
    """Conversations | chat | side panel. The chat gets the space first: a panel is shown only while the chat
    keeps at least half the width, the most recently opened panel winning; both panels can be toggled and their
    widths and visibility are kept between sessions."""

    panel_toggled = Signal(str, bool)
    """A panel ("sidebar" or "side_panel") was shown or hidden."""

    def __init__(self, storage_banner: QWidget) -> None:
        super().__init__(Qt.Orientation.Horizontal)
        self.setObjectName("main-splitter")
        self.setChildrenCollapsible(False)
        self.sidebar = Sidebar()
        self.sidebar.setMinimumWidth(SIDEBAR_MIN_WIDTH)
        self.chat_column = ChatColumn(storage_banner)
        self.side_panel = SidePanel()
        self.settings_column = self.side_panel  # the name other modules knew it by
        for column in (self.sidebar, self.chat_column, self.side_panel):
            self.addWidget(column)
        self.panels = PanelFit({"sidebar": self.sidebar, "side_panel": self.side_panel}, self)
        self.panels.toggled.connect(self.panel_toggled)
        self.splitterMoved.connect(lambda *_: self.panels.remember_widths())

    def panel_shown(self, name: str) -> bool:
        return not self.panels.widgets[name].isHidden()

    def toggle_panel(self, name: str) -> None:
        self.panels.toggle(name)

    def use_toggles(self, sidebar: QAction, side_panel: QAction) -> None:
        """The View menu's checkable actions: shown above the chat, their check marks kept true to the panels."""
        toggles = {"sidebar": sidebar, "side_panel": side_panel}
        for name, action in toggles.items():
            action.setChecked(self.panel_shown(name))
        self.panel_toggled.connect(lambda name, shown: toggles[name].setChecked(shown))
        self.chat_column.add_panel_toggles(sidebar, side_panel)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.panels.fit()

    def _splitters(self) -> tuple[tuple[str, QSplitter], ...]:
        return (("chat-splitter", self.chat_column.splitter),)

    def restore_layout(self, settings: SettingsStore) -> None:
        """The window's size and place, then the splitters and panels inside it, as they were left."""
        geometry = settings.layout("geometry")
        if geometry is not None:
            self.window().restoreGeometry(geometry)
        for name, splitter in self._splitters():
            state = settings.layout(name)
            if state is not None:
                splitter.restoreState(state)
        self.panels.restore(settings)

    def save_layout(self, settings: SettingsStore) -> None:
        settings.set_layout("geometry", self.window().saveGeometry())
        for name, splitter in self._splitters():
            settings.set_layout(name, splitter.saveState())
        self.panels.save(settings)
