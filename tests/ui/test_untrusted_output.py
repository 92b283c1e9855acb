"""A reply full of hostile HTML, images and links renders as inert text; nothing is fetched or opened."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QColor, QDesktopServices, QImage
from PySide6.QtWidgets import QMessageBox

from tests.ui.conftest import foreign_images, send_prompt


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
    assert foreign_images(html) == [] and "<script" not in html and "<iframe" not in html
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

    def answer(box: QMessageBox) -> QMessageBox.StandardButton:
        asked.append(box.text())
        return QMessageBox.StandardButton.Open

    monkeypatch.setattr(QMessageBox, "exec", answer)
    blocked = []
    window.chat.link_blocked.connect(blocked.append)
    for url in ("javascript:alert(1)", "file:///etc/passwd", "data:text/html,hi"):
        window.chat.anchorClicked.emit(QUrl(url))
    assert opened == [] and asked == [] and blocked == ["javascript", "file", "data"]
    window.chat.anchorClicked.emit(QUrl("https://example.com/docs"))
    assert asked and "https://example.com/docs" in asked[0]  # the user saw the address first
    assert [u.toString() for u in opened] == ["https://example.com/docs"]


def test_resources_are_never_loaded(qtbot, tmp_path):
    """Even HTML that did reach the document (it never should) makes Qt read nothing: the view answers every
    resource with a placeholder, since None would make QTextDocument open ``file:`` URLs itself."""
    from bedrock_chat.ui.chat_view import ChatView
    from tests.file_watch import FileWatch

    watched = tmp_path / "watched.png"
    image = QImage(4, 4, QImage.Format.Format_ARGB32)
    image.fill(QColor("red"))
    image.save(str(watched))
    style = tmp_path / "watched.css"
    style.write_text("p { color: red }")
    watches = [FileWatch(watched), FileWatch(style)]
    watched.read_bytes(), style.read_text()
    assert all(watch.events() for watch in watches)  # the watch sees a read: it can fail
    for html in (f'<p>x</p><img src="{watched.as_uri()}"><img src="{watched}">',
                 f'<link rel="stylesheet" type="text/css" href="{style.as_uri()}"><p>x</p>'):
        view = ChatView()
        qtbot.addWidget(view)
        view.show()
        view.setHtml(html)
        qtbot.waitExposed(view)
        view.grab()  # paints, which is when images are loaded
    qtbot.wait(50)
    assert [watch.events() for watch in watches] == [[], []]
    for watch in watches:
        watch.close()


def test_copy_code_action(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    reply = send_prompt(qtbot, window, "Show me code")
    copied = []
    window.chat.code_copied.connect(copied.append)
    window.chat.anchorClicked.emit(QUrl(f"copy-code:{reply.id}:0"))
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text().startswith("def answer(question: str)")
    assert copied and copied[0] > 10
