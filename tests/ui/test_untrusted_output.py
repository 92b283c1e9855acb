"""A reply full of hostile HTML, images and links renders as inert text; nothing is fetched or opened."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

from tests.ui.conftest import send_prompt


def test_hostile_reply_is_inert(qtbot, make_window, local_server, monkeypatch):
    window = make_window(local_server.url)
    base = local_server.url
    hostile = (
        f'[echo] <img src="{base}/raw-html.png"> <script>alert(1)</script> <b>bold?</b>\n\n'
        f"![diagram]({base}/markdown-image.png)\n\n"
        "[run me](javascript:alert(1)) [secrets](file:///etc/passwd) [docs](https://example.com/docs)\n\n"
        f'<iframe src="{base}/frame"></iframe>'
    )
    reply = send_prompt(qtbot, window, hostile)
    html = window.chat.toHtml()
    assert "<img" not in html and "<script" not in html and "<iframe" not in html
    shown = window.chat.toPlainText()
    assert '<img src="' in shown and "<script>alert(1)</script>" in shown  # raw HTML shown as text
    assert "[image: diagram]" in shown
    assert 'href="javascript:' not in html and 'href="file:' not in html
    assert 'href="https://example.com/docs"' in html
    qtbot.wait(200)
    paths = [request.path for request in local_server.requests]
    assert not any(name in path for path in paths for name in ("raw-html.png", "markdown-image.png", "/frame"))
    assert reply.text.startswith("<img")

    opened: list[QUrl] = []
    asked: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)

    def answer(parent, title, text, *args):
        asked.append(text)
        return QMessageBox.StandardButton.Open

    monkeypatch.setattr(QMessageBox, "question", answer)
    blocked = []
    window.chat.link_blocked.connect(blocked.append)
    for url in ("javascript:alert(1)", "file:///etc/passwd", "data:text/html,hi"):
        window.chat.anchorClicked.emit(QUrl(url))
    assert opened == [] and asked == [] and blocked == ["javascript", "file", "data"]
    window.chat.anchorClicked.emit(QUrl("https://example.com/docs"))
    assert asked and "https://example.com/docs" in asked[0]  # the user saw the address first
    assert [u.toString() for u in opened] == ["https://example.com/docs"]


def test_resources_are_never_loaded(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    for url in (f"{local_server.url}/x.png", "file:///etc/passwd", "qrc:/x.png"):
        assert window.chat.loadResource(2, QUrl(url)) is None


def test_copy_code_action(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    reply = send_prompt(qtbot, window, "Show me code")
    copied = []
    window.chat.code_copied.connect(copied.append)
    window.chat.anchorClicked.emit(QUrl(f"copy-code:{reply.id}:0"))
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text().startswith("def answer(question: str)")
    assert copied and copied[0] > 10
