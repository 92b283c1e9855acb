"""One error card per failure: title, what to do, details a click away, Retry; readable in both themes; the
conversation keeps only a short marker on the failed reply while the saved message keeps the whole error."""

from __future__ import annotations

from PySide6.QtCore import QPoint

from bedrock_chat.core.conversation import MessageState
from bedrock_chat.ui.error_banner import ErrorBanner
from tests.conftest import send_header
from tests.ui.conftest import send_prompt


def _background_lightness(card: ErrorBanner) -> int:
    image = card.grab().toImage()
    return image.pixelColor(QPoint(image.width() - 6, 3)).lightness()


def test_a_failed_reply_shows_one_card_and_a_short_marker(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    send_header(window.clients.runtime, "x-bedrock-local-fault", "access-denied")
    reply = send_prompt(qtbot, window, "hello")
    assert reply.state == MessageState.FAILED
    cards = [card for card in window.findChildren(ErrorBanner) if card.isVisible()]
    assert cards == [window.error_banner]
    card = window.error_banner
    assert card.title.text() == "The reply failed"
    assert "Enable access to this model" in card.text.text() and card.retry_button.isVisible()
    assert card.details_button.isVisible() and not card.details.isVisible()
    card.details_button.click()
    assert card.details.isVisible() and "AccessDeniedException" in card.details.toPlainText()

    shown = window.chat.toPlainText()
    assert "Failed: Access denied" in shown and "Enable access to this model" not in shown
    saved = window.store.load(window.conversation.id).messages[-1]
    assert saved.state == MessageState.FAILED and "Enable access to this model" in (saved.error or "")

    window.clients.runtime.meta.events.unregister("before-sign.*.*", unique_id="header-x-bedrock-local-fault")
    send_header(window.clients.runtime, "x-bedrock-local-fault", "model-timeout")
    second = send_prompt(qtbot, window, "again")
    assert second.state == MessageState.FAILED
    assert [c for c in window.findChildren(ErrorBanner) if c.isVisible()] == [card]  # replaced, not stacked
    assert "took too long" in card.text.text() and "Enable access" not in card.text.text()


def test_the_card_follows_the_theme(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    window.show_error("The settings file could not be read, so defaults are in use.", retryable=False)
    card = window.error_banner
    window.set_theme("light", save=False)
    qtbot.waitUntil(lambda: _background_lightness(card) > 200, timeout=2000)
    window.set_theme("dark", save=False)
    qtbot.waitUntil(lambda: _background_lightness(card) < 90, timeout=2000)  # no light pink card in the dark theme
    assert card.text.palette().windowText().color().lightness() > 180  # and its text is light
    window.set_theme("light", save=False)
