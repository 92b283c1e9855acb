"""The conversation list with search: pinned on top, then Today, Yesterday, Previous 7 days and Older, one line
of title and a muted line of model and time each; search hits jump to their message."""

from __future__ import annotations

import html
from functools import partial

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from bedrock_chat.core.display_names import local_time, short_model_name
from bedrock_chat.core.history_groups import date_group
from bedrock_chat.core.store_reading import HIGHLIGHT_END, HIGHLIGHT_START, ConversationSummary, SearchHit
from bedrock_chat.ui.rich_text import verbatim
from bedrock_chat.ui.sidebar_delegate import GROUP_ROLE, ConversationDelegate

PIN_MARK = "★"  # in every common UI font, unlike an emoji pin
SIDEBAR_MIN_WIDTH = 180
_CONVERSATION, _HIT = Qt.ItemDataRole.UserRole, Qt.ItemDataRole.UserRole + 1
_PINNED = GROUP_ROLE + 1  # after the delegate's heading role


def snippet_html(snippet: str) -> str:
    escaped = html.escape(snippet.replace("\n", " "))
    return escaped.replace(HIGHLIGHT_START, "<b>").replace(HIGHLIGHT_END, "</b>")


class Sidebar(QWidget):
    conversation_chosen = Signal(str)
    """The user picked a conversation (its id)."""
    hit_chosen = Signal(str, str)
    """The user picked a search hit: conversation id and message id."""
    new_requested = Signal()
    """The user asked for a new conversation."""
    search_changed = Signal(str)
    """The search text changed (debounced)."""
    action_requested = Signal(str, str)
    """A context-menu action (rename, duplicate, pin, unpin, delete, export) on a conversation id."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.new_button = QPushButton("New conversation")
        self.new_button.setAccessibleName("New conversation")
        self.new_button.setToolTip("Start a new conversation (Ctrl+N).")
        self.new_button.clicked.connect(self.new_requested)
        self.search = QLineEdit()
        self.search.setAccessibleName("Search conversations")
        self.search.setPlaceholderText("Search all conversations…")
        self.search.setToolTip("Full-text search across every message (Ctrl+F).")
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setAccessibleName("Conversations")
        self.list.setToolTip("Your conversations, newest first. Right-click for rename, pin, delete…")
        self.list.setWordWrap(False)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setItemDelegate(ConversationDelegate(self.list))
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._context_menu)
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        self.caption = QLabel()
        self.caption.setTextFormat(Qt.TextFormat.PlainText)  # it quotes the search text
        self.caption.setAccessibleName("Conversation list caption")
        self.caption.setStyleSheet("color: palette(placeholder-text);")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 4, 8)
        layout.addWidget(self.new_button)
        layout.addWidget(self.search)
        layout.addWidget(self.caption)
        layout.addWidget(self.list, 1)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(lambda: self.search_changed.emit(self.search.text().strip()))
        self.search.textChanged.connect(lambda _: self._debounce.start())

    def show_conversations(self, summaries: list[ConversationSummary], current: str | None) -> None:
        self.list.clear()
        self.caption.setText(f"{len(summaries)} conversation{'s' if len(summaries) != 1 else ''}")
        group = None
        for summary in summaries:
            pin = f"{PIN_MARK} " if summary.pinned else ""
            model = short_model_name(summary.model_id) if summary.model_id else "no replies yet"
            when = local_time(summary.updated_at)
            # One line of title and one muted line (model · local time); the delegate elides both.
            title = " ".join(summary.title.split())  # a title from a file may hold line breaks: one line here
            item = QListWidgetItem(f"{pin}{title}\n{model} · {when}" if when else f"{pin}{title}\n{model}")
            item.setData(_CONVERSATION, summary.id)
            item.setData(_PINNED, summary.pinned)  # a title may itself start with the pin mark
            heading = date_group(summary.updated_at, summary.pinned)
            if heading != group:
                item.setData(GROUP_ROLE, heading)
                group = heading
            item.setToolTip(verbatim(f"{summary.title}\n{model} · {when or summary.updated_at}\n"
                                     f"{summary.message_count} messages" + (" · pinned" if summary.pinned else "")))
            self.list.addItem(item)
            if summary.id == current:
                self.list.setCurrentItem(item)

    def show_hits(self, query: str, hits: list[SearchHit]) -> None:
        self.list.clear()
        self.caption.setText(f"{len(hits)} match{'es' if len(hits) != 1 else ''} for “{query}”")
        for hit in hits:
            item = QListWidgetItem()
            item.setData(_CONVERSATION, hit.conversation_id)
            item.setData(_HIT, hit.message_id)
            label = QLabel(f"<b>{html.escape(hit.title)}</b><br><small>{hit.role.value}: "
                           f"{snippet_html(hit.snippet)}</small>")
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setAccessibleName(f"Search result in {hit.title}")
            label.setContentsMargins(4, 4, 4, 4)
            item.setSizeHint(label.sizeHint())
            self.list.addItem(item)
            self.list.setItemWidget(item, label)

    def _activated(self, item: QListWidgetItem) -> None:
        conversation_id = item.data(_CONVERSATION)
        message_id = item.data(_HIT)
        if message_id:
            self.hit_chosen.emit(conversation_id, message_id)
        elif conversation_id:  # the one on screen too: chosen again, it cancels the opening of another
            self.conversation_chosen.emit(conversation_id)

    def mark_current(self, conversation_id: str) -> None:
        """Selects the conversation on screen again, after the one chosen was not opened (the list stays true to
        what is shown); in search results, where it may have several hits, nothing stays selected."""
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(_CONVERSATION) == conversation_id and not item.data(_HIT):
                self.list.setCurrentItem(item)
                return
        self.list.clearSelection()

    def context_menu(self, item: QListWidgetItem) -> QMenu | None:
        """The right-click menu of a conversation in the list (None for a search hit); its QActions are what
        tests trigger."""
        if item.data(_HIT):
            return None
        conversation_id = item.data(_CONVERSATION)
        menu = QMenu(self)
        menu.setAccessibleName("Conversation actions")
        pinned = bool(item.data(_PINNED))
        for label, action in (("Rename…", "rename"), ("Duplicate", "duplicate"),
                              ("Unpin" if pinned else "Pin", "unpin" if pinned else "pin"),
                              ("Export…", "export"), ("Delete", "delete")):
            menu.addAction(label, partial(self.action_requested.emit, action, conversation_id)).setObjectName(action)
        return menu

    def _context_menu(self, position: QPoint) -> None:
        item = self.list.itemAt(position)
        menu = self.context_menu(item) if item is not None else None
        if menu is not None:
            menu.exec(self.list.mapToGlobal(position))
            menu.deleteLater()
