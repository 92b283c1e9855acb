"""Which side panels fit beside the conversation, and how wide each is.

The conversation gets the space first: a panel is shown only while the chat keeps at least half the window's
width (in compare mode: at least what its columns need, ``chat_minimum``). When both panels cannot fit, the one
opened most recently stays; the other is hidden for now and comes back by itself once the window is wide enough,
because the person's choice (``wanted``) is kept apart from what fits.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QSplitter, QWidget

from bedrock_chat.ui.settings_store import SettingsStore

DEFAULT_WIDTHS = {"sidebar": 240, "side_panel": 340}


class PanelFit(QObject):
    toggled = Signal(str, bool)
    """A panel was shown (True) or hidden (False), by the person or because it no longer fits."""

    def __init__(self, widgets: dict[str, QWidget], splitter: QSplitter) -> None:
        super().__init__(splitter)
        self.widgets = widgets
        self._splitter = splitter
        self.wanted = dict.fromkeys(widgets, True)
        self.widths = {name: DEFAULT_WIDTHS.get(name, 300) for name in widgets}
        self.priority = list(widgets)  # first in the list wins when both do not fit
        self.chat_minimum = 0  # the chat's own need beyond half the width (compare mode's columns)
        self._insisted: set[str] = set()  # opened by the person while the chat needed more: shown all the same

    def set_chat_minimum(self, width: int) -> None:
        """The chat needs ``width`` for now (0: half the window is enough): panels that leave it less step aside
        until it needs less again; what the person chose to show is kept and comes back then."""
        self.chat_minimum = width
        if not width:
            self._insisted.clear()
        self.fit()

    def toggle(self, name: str) -> None:
        """Hides a shown panel; shows a hidden one, even one that was hidden only for lack of room."""
        show = self.widgets[name].isHidden()
        self.wanted[name] = show
        if show:
            self.priority.remove(name)
            self.priority.insert(0, name)
            if self.chat_minimum:  # asked for by the person: it shows, and the compare columns scroll sideways
                self._insisted.add(name)
        else:
            self._insisted.discard(name)
        self.fit()

    def remember_widths(self) -> None:
        """After the person dragged a splitter handle: the shown panels' widths are what they want."""
        for name, widget in self.widgets.items():
            if not widget.isHidden() and widget.width() > 0:
                self.widths[name] = widget.width()

    def fit(self) -> None:
        total = self._splitter.width()
        if total <= 0:
            return
        handle = self._splitter.handleWidth()
        half = total - math.ceil(total / 2)  # what the panels may take together, handles included
        budget = total - max(math.ceil(total / 2), self.chat_minimum)
        shown: list[str] = []
        used = 0
        for name in self.priority:
            need = self.widgets[name].minimumWidth() + handle
            room = half if name in self._insisted else budget
            if self.wanted[name] and used + need <= room:
                shown.append(name)
                used += need
        for name, widget in self.widgets.items():
            visible = name in shown
            if widget.isHidden() == visible:
                widget.setVisible(visible)
                self.toggled.emit(name, visible)
        spare = max(0, (half if self._insisted & set(shown) else budget) - used)
        sizes = [0] * self._splitter.count()
        for name in shown:  # in priority order: the panel that wins also gets its width first
            minimum = self.widgets[name].minimumWidth()
            width = min(max(self.widths[name], minimum), minimum + spare)
            spare -= width - minimum
            sizes[self._splitter.indexOf(self.widgets[name])] = width
        panels = set(self._splitter.indexOf(widget) for widget in self.widgets.values())
        chat = total - sum(sizes) - handle * len(shown)
        sizes = [chat if index not in panels else size for index, size in enumerate(sizes)]
        self._splitter.setSizes(sizes)

    def restore(self, settings: SettingsStore) -> None:
        for name in self.widgets:
            saved = settings.panel(name)
            if saved is not None:
                self.wanted[name], self.widths[name] = saved
        order = settings.panel_order()
        if sorted(order) == sorted(self.priority):
            self.priority = order
        self.fit()

    def save(self, settings: SettingsStore) -> None:
        self.remember_widths()
        for name in self.widgets:
            settings.set_panel(name, self.wanted[name], self.widths[name])
        settings.set_panel_order(self.priority)
