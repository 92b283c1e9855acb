"""What the conversation view adds around its messages: the reading width, the action icons with their hover
state, and the highlight of a search hit. Kept out of ``chat_view`` so the streaming path there stays small.

The icons are images under a private scheme (``bc-icon:NAME:ID``) drawn from the bundled SVGs; nothing is
ever loaded from ``file:`` or the network. Each message's icons have their own URL, so hovering one redraws
that icon alone in full colour (the others stay muted) without touching the document's text.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPointF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QFontInfo,
    QGuiApplication,
    QHelpEvent,
    QImage,
    QMouseEvent,
    QPalette,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import QTextBrowser, QTextEdit, QToolTip

from bedrock_chat.core.safe_markdown import COPY_SCHEME, COPY_TITLE
from bedrock_chat.ui import icons
from bedrock_chat.ui.message_html import (
    ACTION_ICONS,
    ACTION_TITLES,
    ICON_PX,
    ICON_SCHEME,
    LIGHT,
    MESSAGE_SCHEME,
    Palette,
    code_icon_url,
)
from bedrock_chat.ui.rich_text import link_token, verbatim

READING_WIDTH_EM = 48  # the longest line, in ems of the conversation font: about 90 characters
SIDE_MARGIN_PX = 14  # the least space at each side, when the view is narrower than the reading width
FIRST_SCREEN_HALF_PX = 150  # about half the height of the first screen's title and example prompts


class ChatCards(QObject):
    def __init__(self, view: QTextBrowser, first_screen: Callable[[], bool]) -> None:
        super().__init__(view)
        self._view = view
        self._first_screen = first_screen
        self._hovered: str | None = None  # the icon URL drawn in full colour
        self.colors: Palette | None = None
        view.viewport().setMouseTracking(True)  # the action icon under the mouse is drawn in full colour
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Watches the view's viewport: its size sets the margins, the mouse over an action icon lights it."""
        if "_view" not in vars(self):
            # The garbage collector clears a view's Python attributes before Qt destroys its widgets, and Qt
            # still sends them events on the way down: nothing is left to act on.
            return False
        if event.type() == QEvent.Type.Resize:
            self.apply_margins(first_screen=self._first_screen())
        elif isinstance(event, QMouseEvent) and event.type() == QEvent.Type.MouseMove:
            self.hover(self._view.anchorAt(event.position().toPoint()))
        elif event.type() == QEvent.Type.Leave:
            self.hover("")
        elif isinstance(event, QHelpEvent) and event.type() == QEvent.Type.ToolTip:
            return self._show_tooltip(event)
        return False

    def _show_tooltip(self, event: QHelpEvent) -> bool:
        """An icon's action, or a ``title`` the HTML gave the text under the mouse (a model's full id), shown as
        plain text: Qt would render text that looks like HTML as rich text, and ids come from outside."""
        scheme, _, rest = self._view.anchorAt(event.pos()).partition(":")
        tip = ACTION_TITLES.get(rest.partition(":")[0], "") if scheme == MESSAGE_SCHEME else ""
        tip = COPY_TITLE if scheme == COPY_SCHEME else tip
        if not tip:
            layout = self._view.document().documentLayout()
            offset = QPointF(self._view.horizontalScrollBar().value(), self._view.verticalScrollBar().value())
            position = layout.hitTest(QPointF(event.pos()) + offset, Qt.HitTestAccuracy.ExactHit)
            if position >= 0:
                cursor = QTextCursor(self._view.document())
                cursor.setPosition(position + 1)
                tip = cursor.charFormat().toolTip()
        if not tip:
            QToolTip.hideText()
            return False
        QToolTip.showText(event.globalPos(), verbatim(tip), self._view.viewport())
        return True

    # -- reading width -----------------------------------------------------------------------------

    def reading_width_px(self) -> int:
        return READING_WIDTH_EM * QFontInfo(self._view.document().defaultFont()).pixelSize()

    def apply_margins(self, first_screen: bool = False) -> None:
        """Centres the text in a column of at most the reading width (and the first screen vertically too).
        Frame margins change the layout only, never the text, so a reply streaming at the end is not rendered
        again."""
        width, height = self._view.viewport().width(), self._view.viewport().height()
        side = max(SIDE_MARGIN_PX, (width - self.reading_width_px()) // 2)
        top = max(SIDE_MARGIN_PX, height // 2 - FIRST_SCREEN_HALF_PX) if first_screen else SIDE_MARGIN_PX
        root = self._view.document().rootFrame()
        frame = root.frameFormat()
        if frame.leftMargin() == side and frame.rightMargin() == side and frame.topMargin() == top:
            return
        frame.setLeftMargin(side)
        frame.setRightMargin(side)
        frame.setTopMargin(top)
        frame.setBottomMargin(SIDE_MARGIN_PX)
        root.setFrameFormat(frame)

    def keep_block_after_table(self) -> None:
        """A whole render leaves an empty block between a prompt's card (a table) and what follows it; content
        appended at the end keeps that block too, so a streamed conversation looks exactly like a re-rendered one."""
        document = self._view.document()
        last = document.lastBlock()
        before = last.previous()
        if last.length() <= 1 and before.isValid() and QTextCursor(before).currentTable() is not None:
            cursor = QTextCursor(last)
            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())

    # -- icons -------------------------------------------------------------------------------------

    def _icon_color(self, full: bool) -> str:
        if full:
            return str(QGuiApplication.palette().color(QPalette.ColorRole.Text).name())
        return self.colors.muted if self.colors else "#808080"

    def icon_image(self, url: QUrl | str) -> QImage | None:
        """The image of a ``bc-icon:NAME:ID`` URL (None for any other URL): muted, or full when hovered."""
        text = url.toString() if isinstance(url, QUrl) else str(url)
        scheme, _, rest = text.partition(":")
        name = rest.split(":", 1)[0]
        if scheme != ICON_SCHEME or name not in icons.NAMES:
            return None
        ratio = max(1.0, self._view.devicePixelRatioF())
        picture = QImage(icons.image(name, self._icon_color(text == self._hovered), round(ICON_PX * ratio)))
        picture.setDevicePixelRatio(ratio)
        return picture

    def hover(self, anchor: str) -> None:
        """The mouse is over this link (or over none: ""): its action or code Copy icon, if it has one, is drawn in
        full."""
        url = None
        scheme, _, rest = anchor.partition(":")
        action, _, token = rest.partition(":")
        if scheme == MESSAGE_SCHEME and action in ACTION_ICONS:
            url = f"{ICON_SCHEME}:{ACTION_ICONS[action]}:{token}"
        else:
            url = code_icon_url(anchor)
        if url == self._hovered:
            return
        previous, self._hovered = self._hovered, url
        document = self._view.document()
        for changed in (previous, url):
            if changed is not None:
                image = self.icon_image(changed)
                if image is not None:
                    document.addResource(document.ResourceType.ImageResource.value, QUrl(changed), image)
        self._view.viewport().update()

    @property
    def hovered_icon(self) -> str | None:
        return self._hovered

    # -- search hits -------------------------------------------------------------------------------

    def message_range(self, message_id: str) -> tuple[int, int] | None:
        """Where a message starts and ends in the document (from its anchor to the next message's)."""
        wanted = f"m-{link_token(message_id)}"
        document = self._view.document()
        start: int | None = None
        block = document.begin()
        while block.isValid():
            iterator = block.begin()
            while not iterator.atEnd():
                fragment = iterator.fragment()
                names = fragment.charFormat().anchorNames()
                if start is None and wanted in names:
                    start = fragment.position()
                elif start is not None and any(name.startswith("m-") for name in names):
                    return start, fragment.position()
                iterator += 1
            block = block.next()
        return None if start is None else (start, document.characterCount())

    def highlight(self, message_id: str, query: str) -> QTextCursor | None:
        """Marks the first occurrence of ``query`` in the message (a search hit) and returns it, or None."""
        span = self.message_range(message_id)
        self.clear_highlight()
        if span is None or not query:
            return None
        found = self._view.document().find(query, span[0])
        if found.isNull() or found.selectionStart() >= span[1]:
            return None
        selection = QTextEdit.ExtraSelection()
        selection.cursor = found
        fmt = QTextCharFormat()
        colors = self.colors or LIGHT
        fmt.setBackground(QColor(colors.hit_background))
        fmt.setForeground(QColor(colors.hit_foreground))
        selection.format = fmt
        self._view.setExtraSelections([selection])
        return found

    def clear_highlight(self) -> None:
        self._view.setExtraSelections([])

    def show_hit(self, message_id: str, query: str) -> None:
        """Scrolls to the message, then so its marked hit sits a third of the way down the view."""
        self._view.scrollToAnchor(f"m-{link_token(message_id)}")
        found = self.highlight(message_id, query)
        if found is not None:
            rect = self._view.cursorRect(found)
            bar = self._view.verticalScrollBar()
            bar.setValue(bar.value() + rect.top() - self._view.viewport().height() // 3)
