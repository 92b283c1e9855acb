"""The model picker: a button naming the model in use, and a popup with a filter field over the models grouped
by provider, each with its capability badges. Keyboard first: the filter has the focus, Up/Down move through
the models, Enter picks (or uses a typed id/ARN that is not listed), Escape closes.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication, QHideEvent, QKeyEvent, QPainter, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from bedrock_chat.core.catalog import ModelInfo
from bedrock_chat.ui import icons
from bedrock_chat.ui.focus_return import return_focus
from bedrock_chat.ui.model_choices import ModelChoice, exact_model, group_models
from bedrock_chat.ui.rich_text import verbatim

_CHOICE = Qt.ItemDataRole.UserRole
_BADGES = Qt.ItemDataRole.UserRole + 1


class _ChoiceDelegate(QStyledItemDelegate):
    """Draws a model's name on the left and its badges, muted, on the right; provider headers in bold."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), size.height() + 8)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
              ) -> None:
        badges = index.data(_BADGES)
        if not badges:
            super().paint(painter, option, index)
            return
        super().paint(painter, option, index)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette: QPalette = option.palette
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        painter.save()
        painter.setPen(palette.color(role))
        font = painter.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        painter.setFont(font)
        rect: QRect = option.rect.adjusted(0, 0, -10, 0)
        painter.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(badges))
        painter.restore()


class ModelPopup(QFrame):
    chosen = Signal(object)
    """A model was picked (``ModelInfo``, the id chosen for it)."""
    id_typed = Signal(str)
    """Enter on text that names no listed model: an id or ARN to try as typed."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("model-popup")
        self.setAccessibleName("Choose a model")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.filter = QLineEdit()
        self.filter.setAccessibleName("Filter models")
        self.filter.setPlaceholderText("Filter models, or type a model id or ARN and press Enter")
        self.filter.setToolTip("Type part of a name, provider or id; Up/Down choose, Enter picks. An id or ARN "
                               "that is not listed is used as typed.")
        self.filter.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setAccessibleName("Models")
        self.list.setToolTip("Models by provider: context window, vision, reasoning, price per 1M tokens in / out.")
        self.list.setItemDelegate(_ChoiceDelegate(self.list))
        self.list.setUniformItemSizes(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        self.filter.textChanged.connect(self._refill)
        self.filter.installEventFilter(self)
        self.list.itemActivated.connect(self._pick_item)
        self.list.itemClicked.connect(self._pick_item)
        self._choices: list[ModelChoice] = []
        self._models: list[ModelInfo] = []
        self._current: ModelInfo | None = None
        self._region: str | None = None
        self._max_height = 460

    def open_for(self, models: list[ModelInfo], current: ModelInfo | None, region: str | None,
                 anchor: QWidget) -> None:
        self._models, self._current, self._region = list(models), current, region
        self._choices = group_models(self._models)
        self.filter.clear()
        self._refill("")
        below = anchor.mapToGlobal(QPoint(0, anchor.height()))
        screen = QGuiApplication.screenAt(below) or QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        width, self._max_height = min(560, area.width()), min(460, max(200, area.bottom() - below.y()))
        self.setGeometry(max(area.left(), min(below.x(), area.right() - width)), below.y(), width, self._max_height)
        self._fit_height()
        self.show()
        self.filter.setFocus()

    def _refill(self, text: str) -> None:
        words = text.lower().split()
        self.list.clear()
        provider = None
        for choice in self._choices:
            if not choice.matches(words):
                continue
            if choice.provider != provider:
                provider = choice.provider
                header = QListWidgetItem(provider)
                header.setFlags(Qt.ItemFlag.NoItemFlags)
                font = header.font()
                font.setBold(True)
                header.setFont(font)
                self.list.addItem(header)
            item = QListWidgetItem(f"   {choice.name}")
            item.setData(_CHOICE, choice.key)
            item.setData(_BADGES, " · ".join(choice.badges))
            item.setToolTip(verbatim(choice.tooltip))  # ids come from the network
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{choice.name}, {', '.join(choice.badges)}")
            self.list.addItem(item)
            if self._current is not None and self._current in choice.variants:
                self.list.setCurrentItem(item)
        selectable = self._selectable_rows()
        if self.list.currentItem() is None and selectable:
            self.list.setCurrentRow(selectable[0])
        self._fit_height()

    def _fit_height(self) -> None:
        """As tall as the models shown need, up to the room below the button: a short list, a short popup."""
        rows = sum(self.list.sizeHintForRow(row) for row in range(self.list.count()))
        needed = rows + self.filter.sizeHint().height() + 2 * self.list.frameWidth() + 24
        self.resize(self.width(), max(120, min(self._max_height, needed)))

    def _selectable_rows(self) -> list[int]:
        return [row for row in range(self.list.count()) if self.list.item(row).data(_CHOICE)]

    def _choice_at(self, row: int) -> ModelChoice:
        key = self.list.item(row).data(_CHOICE)
        return next(choice for choice in self._choices if choice.key == key)

    def _move(self, step: int) -> None:
        rows = self._selectable_rows()
        if not rows:
            return
        row = self.list.currentRow()
        later = [r for r in rows if (r > row if step > 0 else r < row)]
        target = (later[0] if step > 0 else later[-1]) if later else row
        self.list.setCurrentRow(target if target in rows else rows[0])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.filter and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                self._move(1 if key == Qt.Key.Key_Down else -1)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._enter()
                return True
        return super().eventFilter(watched, event)

    def _enter(self) -> None:
        text = self.filter.text().strip()
        exact = exact_model(text, self._models)
        if exact is not None:
            self._pick(exact)
        elif self.list.currentItem() is not None and self.list.currentItem().data(_CHOICE):
            self._pick_item(self.list.currentItem())
        elif text:
            self.hide()
            self.id_typed.emit(text)

    def _pick_item(self, item: QListWidgetItem) -> None:
        if item.data(_CHOICE):
            self._pick(self._choice_at(self.list.row(item)).preferred(self._current, self._region))

    def _pick(self, model: ModelInfo) -> None:
        self.hide()
        self.chosen.emit(model)

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        # Closed by Esc, a pick or a click elsewhere: the keys go back to the button that opened the popup, not to
        # its hidden filter field.
        return_focus(self.parentWidget(), self)


class ModelPicker(QPushButton):
    """The toolbar button: the model in use by its short name; a click (or Space/Enter) opens the popup.
    ``elide``: the button takes the width its layout gives it and shortens the name with "…" to fit (a compare
    column), instead of asking for the whole name's width (the toolbar)."""

    model_chosen = Signal(object)
    """The user picked a model (``ModelInfo``)."""
    id_typed = Signal(str)
    """The user typed an id or ARN the list does not have."""

    def __init__(self, parent: QWidget | None = None, elide: bool = False) -> None:
        super().__init__(parent)
        self._elide = elide
        self._name = ""
        self.setObjectName("model-picker")
        self.setAccessibleName("Model")
        self.setToolTip("The model that answers. Click to choose, filter by typing, or enter any model id, "
                        "inference profile id or ARN.")
        icons.set_icon(self, "chevron-down")
        self.setLayoutDirection(Qt.LayoutDirection.RightToLeft)  # the arrow after the name
        self.setMinimumWidth(120 if elide else 180)
        if elide:
            self.setSizePolicy(QSizePolicy.Policy.Ignored, self.sizePolicy().verticalPolicy())
        self.popup = ModelPopup(self)
        self.popup.chosen.connect(self._on_chosen)
        self.popup.id_typed.connect(self.id_typed)
        self.clicked.connect(self.open_popup)
        self.models: list[ModelInfo] = []
        self.current: ModelInfo | None = None
        self.region: str | None = None

    def open_popup(self) -> None:
        if self.models:
            self.popup.open_for(self.models, self.current, self.region, self)

    def set_placeholder(self, text: str) -> None:
        """No models (loading, or the listing failed): the button says why and nothing is chosen."""
        self.models, self.current = [], None
        self._show_name(text)
        self.setEnabled(False)

    def set_models(self, models: list[ModelInfo], region: str | None) -> None:
        self.models, self.region = list(models), region

    def show_model(self, model: ModelInfo) -> None:
        """Makes ``model`` the current one (added to the list when it is not in it) without emitting."""
        if model not in self.models:
            self.models.append(model)
        self.current = model
        self._show_name(model.name)
        self.setAccessibleDescription(f"{model.provider} {model.name}, invoked as {model.invoke_id}")
        self.setToolTip(verbatim(f"{model.provider} · {model.name}\nInvoked as {model.invoke_id}\n"
                                 "Click to choose another model."))

    def _show_name(self, name: str) -> None:
        self._name = name
        if not self._elide:
            self.setText(name)
            return
        # The room left beside the arrow icon and the button's own padding.
        room = self.width() - self.iconSize().width() - 28
        self.setText(self.fontMetrics().elidedText(name, Qt.TextElideMode.ElideRight, max(room, 40)))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._elide:
            self._show_name(self._name)

    def _on_chosen(self, model: ModelInfo) -> None:
        self.show_model(model)
        self.model_chosen.emit(model)
