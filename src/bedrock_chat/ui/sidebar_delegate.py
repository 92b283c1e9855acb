"""Draws a conversation in the list as one elided title line and a muted second line (model · time), with the
group heading (Today, Yesterday, …) above the first conversation of each group.

The headings are drawn, not list rows: the list's rows stay one per conversation, so the keyboard moves from
conversation to conversation and never stops on a heading.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

GROUP_ROLE = Qt.ItemDataRole.UserRole + 2
"""The heading drawn above this row (only on the first row of a group)."""
_PAD = 6

Index = QModelIndex | QPersistentModelIndex


def _small(font: QFont) -> QFont:
    smaller = QFont(font)
    smaller.setPointSizeF(max(font.pointSizeF() * 0.86, 7.0))
    return smaller


class ConversationDelegate(QStyledItemDelegate):
    def _heading_height(self, option: QStyleOptionViewItem, index: Index) -> int:
        if not index.data(GROUP_ROLE):
            return 0
        return QFontMetrics(_small(option.font)).height() + 2 * _PAD

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        given = index.data(Qt.ItemDataRole.SizeHintRole)
        if isinstance(given, QSize) and given.isValid():  # a search hit sized by its own label
            return given
        lines = QFontMetrics(option.font).height() + QFontMetrics(_small(option.font)).height()
        return QSize(option.rect.width(), lines + 2 * _PAD + 2 + self._heading_height(option, index))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if not isinstance(text, str) or not text:  # a search hit: its label widget draws it
            super().paint(painter, option, index)
            return
        title, _, second = text.partition("\n")
        heading = self._heading_height(option, index)
        palette: QPalette = option.palette
        painter.save()
        if heading:
            painter.setFont(_small(option.font))
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            area = QRect(option.rect.left() + _PAD, option.rect.top() + _PAD, option.rect.width() - 2 * _PAD,
                         heading - _PAD)
            painter.drawText(area, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             str(index.data(GROUP_ROLE)).upper())
        row = QStyleOptionViewItem(option)
        row.rect = option.rect.adjusted(0, heading, 0, 0)
        row.text = ""
        style = option.widget.style() if option.widget is not None else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, row, painter, option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        width = row.rect.width() - 2 * _PAD
        metrics = QFontMetrics(option.font)
        painter.setFont(option.font)
        painter.setPen(palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text))
        top = row.rect.top() + _PAD
        painter.drawText(QRect(row.rect.left() + _PAD, top, width, metrics.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         metrics.elidedText(title, Qt.TextElideMode.ElideRight, width))
        small = _small(option.font)
        painter.setFont(small)
        painter.setPen(palette.color(QPalette.ColorRole.HighlightedText if selected
                                     else QPalette.ColorRole.PlaceholderText))
        small_metrics = QFontMetrics(small)
        painter.drawText(QRect(row.rect.left() + _PAD, top + metrics.height() + 2, width, small_metrics.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         small_metrics.elidedText(second, Qt.TextElideMode.ElideRight, width))
        painter.restore()
