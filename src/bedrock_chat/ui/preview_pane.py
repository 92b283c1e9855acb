"""The request preview as a person sees it: syntax-coloured JSON that keeps its scroll position when it is
rebuilt, the lines that changed shaded for a moment, and a row of buttons other modules can add to.

The text is plain text coloured by a ``QSyntaxHighlighter``: user text in the body is never interpreted as markup.
"""

from __future__ import annotations

import difflib
import re

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFontDatabase,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from bedrock_chat.ui.flow_layout import FlowLayout

CHANGE_SHADE_MS = 1500  # long enough to see which line moved, short enough not to linger
MAX_SHADED_LINES = 200  # more changed lines than this is a new body (a conversation switch), not an edit

_TOKEN = re.compile(r'(?P<string>"(?:[^"\\]|\\.)*")(?P<key>\s*:)?|(?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)'
                    r"|(?P<literal>\btrue\b|\bfalse\b|\bnull\b)")

# Light / dark colours for keys, strings, numbers, literals and the header comment.
_COLOURS = {
    False: {"key": "#0550ae", "string": "#0a3069", "number": "#953800", "literal": "#8250df", "comment": "#6e7781",
            "changed": "#fff3b0"},
    True: {"key": "#79c0ff", "string": "#a5d6ff", "number": "#ffa657", "literal": "#d2a8ff", "comment": "#8b949e",
           "changed": "#4a3f10"},
}


def _is_dark(widget: QWidget) -> bool:
    return widget.palette().base().color().lightness() < 128


class JsonHighlighter(QSyntaxHighlighter):
    """Colours keys, strings, numbers and literals; a first line starting with // is a comment."""

    def __init__(self, document: QTextDocument, dark: bool) -> None:
        super().__init__(document)
        self.dark = dark

    def _format(self, kind: str) -> QTextCharFormat:
        text_format = QTextCharFormat()
        text_format.setForeground(QColor(_COLOURS[self.dark][kind]))
        return text_format

    def highlightBlock(self, text: str) -> None:
        if text.startswith("//"):
            self.setFormat(0, len(text), self._format("comment"))
            return
        for match in _TOKEN.finditer(text):
            kind = match.lastgroup or ""
            if kind == "key" or (kind == "string" and match.group("key")):
                self.setFormat(match.start("string"), len(match.group("string")), self._format("key"))
            elif kind in ("string", "number", "literal"):
                self.setFormat(match.start(kind), len(match.group(kind)), self._format(kind))


def changed_lines(old: str, new: str) -> list[int]:
    """Indices of the lines of ``new`` that are not in ``old`` (inserted or replaced)."""
    if not old:
        return []
    before, after = old.split("\n"), new.split("\n")
    # A keystroke changes one line of a long body: strip what is equal at both ends first, so the diff of a
    # long conversation's body costs a pass over it rather than a quadratic match.
    start = 0
    while start < min(len(before), len(after)) and before[start] == after[start]:
        start += 1
    end = 0
    while end < min(len(before), len(after)) - start and before[-1 - end] == after[-1 - end]:
        end += 1
    middle_before, middle_after = before[start:len(before) - end], after[start:len(after) - end]
    if not middle_before:
        return list(range(start, start + len(middle_after)))
    matcher = difflib.SequenceMatcher(a=middle_before, b=middle_after, autojunk=False)
    lines: list[int] = []
    for tag, _a0, _a1, b0, b1 in matcher.get_opcodes():
        if tag in ("replace", "insert"):
            lines.extend(range(start + b0, start + b1))
    return lines


def _common_prefix(a: str, b: str) -> int:
    """How many leading characters two strings share; slices compare in C, halving the range each time."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _utf16(text: str) -> int:
    """A document position: Qt counts UTF-16 units, so a character outside the BMP (an emoji) counts twice."""
    return len(text.encode("utf-16-le")) // 2


class PreviewText(QPlainTextEdit):
    """A read-only JSON view whose rebuilds keep the scroll position and shade the lines that changed."""

    def __init__(self) -> None:
        super().__init__()
        self.setReadOnly(True)
        self.setAccessibleName("Request preview")
        self.setToolTip("The exact JSON body the next request sends; lines that just changed are shaded.")
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)  # user text can be long: wrap it
        self.highlighter = JsonHighlighter(self.document(), _is_dark(self))
        self.changed: list[int] = []
        # Whether the person scrolled to the end: then the view stays there, also when the layout of a long
        # body grows the scroll range a moment after a rebuild.
        self._follow_end = False
        self._rebuilding = False
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.verticalScrollBar().rangeChanged.connect(self._on_range_changed)
        self._fade = QTimer(self)
        self._fade.setSingleShot(True)
        self._fade.setInterval(CHANGE_SHADE_MS)
        self._fade.timeout.connect(self._clear_shading)

    def show_text(self, text: str) -> None:
        """Replaces the text unless it is the same, keeping the scroll position where it was."""
        old = self.toPlainText()
        if text == old:
            return
        bar = self.verticalScrollBar()
        vertical = bar.value()
        changed = changed_lines(old, text)
        self._rebuilding = True
        if old and len(changed) <= MAX_SHADED_LINES:
            self._replace_middle(old, text)  # only what changed is laid out and coloured again
        else:
            # Another conversation's body: a new text rather than a change to point at.
            changed = []
            self.setPlainText(text)
        # Kept where it was; one who watched the end (inferenceConfig) keeps watching it as lines wrap anew.
        bar.setValue(bar.maximum() if self._follow_end else vertical)
        self._rebuilding = False
        self.changed = changed
        self._shade(self.changed)

    def _on_scrolled(self, _value: int) -> None:
        if not self._rebuilding:
            # Read back, not the signal's value: scrolling to the end lays the last lines out, which can
            # grow the range (and move the value with it) before this slot runs.
            bar = self.verticalScrollBar()
            self._follow_end = bar.maximum() > 0 and bar.value() >= bar.maximum()

    def _on_range_changed(self, _minimum: int, maximum: int) -> None:
        if self._follow_end:
            self.verticalScrollBar().setValue(maximum)

    def _replace_middle(self, old: str, new: str) -> None:
        """Edits the document in place: the text between the common start and the common end is replaced."""
        prefix = _common_prefix(old, new)
        suffix = _common_prefix(old[prefix:][::-1], new[prefix:][::-1])
        cursor = QTextCursor(self.document())
        cursor.beginEditBlock()
        cursor.setPosition(_utf16(old[:prefix]))
        cursor.setPosition(_utf16(old[:len(old) - suffix]), QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(new[prefix:len(new) - suffix])
        cursor.endEditBlock()

    def _shade(self, lines: list[int]) -> None:
        colour = QColor(_COLOURS[_is_dark(self)]["changed"])
        selections = []
        for line in lines:
            block = self.document().findBlockByNumber(line)
            if not block.isValid():
                continue
            selection = QTextEdit.ExtraSelection()
            selection.format.setBackground(colour)
            selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            cursor = QTextCursor(block)
            selection.cursor = cursor
            selections.append(selection)
        self.setExtraSelections(selections)
        if selections:
            self._fade.start()

    def _clear_shading(self) -> None:
        self.setExtraSelections([])

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.highlighter.dark != _is_dark(self):
            self.highlighter.dark = _is_dark(self)
            self.highlighter.rehighlight()


class PreviewPane(QWidget):
    """The preview and its button row; ``add_button`` puts another action (Copy as …) beside Copy JSON."""

    body_copied = Signal(int)
    """The JSON body was copied to the clipboard (how many characters)."""

    def __init__(self) -> None:
        super().__init__()
        self.text = PreviewText()
        # Short labels after one "Copy as" caption, so JSON, Python and AWS CLI fit a narrow panel side by side.
        self.copy_button = QPushButton("JSON")
        self.copy_button.setAccessibleName("Copy request JSON")
        self.copy_button.setToolTip("Copy the request body (without the header line) to the clipboard.")
        self.copy_button.clicked.connect(self._copy_body)
        # One "Copy as" caption and short labels (JSON, Python, AWS CLI) fit the default panel on one line; a
        # narrower panel wraps them onto a second line instead of widening past the window or hiding any.
        self.buttons = QWidget()
        self.buttons.setAccessibleName("Request actions")
        self._flow = FlowLayout(self.buttons)
        caption = QLabel("Copy as")
        caption.setAccessibleName("Copy the request as")
        caption.setMinimumHeight(self.copy_button.sizeHint().height())  # on the buttons' middle line
        caption.setAlignment(Qt.AlignmentFlag.AlignVCenter)
        self._flow.addWidget(caption)
        self._flow.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.buttons)
        layout.addWidget(self.text, 1)

    def add_button(self, button: QAbstractButton) -> None:
        """Adds a button after Copy JSON; it needs its own accessible name and tooltip."""
        self._flow.addWidget(button)

    def body(self) -> str:
        text = self.text.toPlainText()
        return text.split("\n", 1)[1] if text.startswith("//") and "\n" in text else text

    def _copy_body(self) -> None:
        body = self.body()
        clipboard = QApplication.clipboard()
        clipboard.setText(body)
        self.body_copied.emit(len(body))
