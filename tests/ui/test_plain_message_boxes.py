"""A message box quoting a path shows it as it is: QMessageBox's static functions guess rich text from the first
line, so a file chosen as ``<img src=…>.json`` would have been rendered as HTML, reading the image it names."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QMessageBox

from bedrock_chat.ui.message_boxes import about
from tests.file_watch import FileWatch, watched_image
from tests.ui.conftest import send_prompt


class BoxAnswerer:
    """Waits for the next message box, notes what it shows, and closes it as a person pressing OK would."""

    def __init__(self, watch: FileWatch) -> None:
        self.watch = watch
        self.seen: list[tuple[str, Qt.TextFormat, list[int]]] = []
        self._timer = QTimer()
        self._timer.setInterval(20)
        self._timer.timeout.connect(self._look)
        self._timer.start()

    def _look(self) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or not box.isVisible():
            return
        label = box.findChild(QLabel, "qt_msgbox_label")
        assert label is not None
        label.sizeHint()  # laid out: a rich text label has loaded its images by now
        self.seen.append((box.text(), label.textFormat(), self.watch.events()))
        box.button(QMessageBox.StandardButton.Ok).click()

    def stop(self) -> None:
        self._timer.stop()


def test_a_failed_export_names_a_crafted_path_as_text(qtbot, make_window, local_server, tmp_path,
                                                      monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Exports report a failed write in the window's error card (the export runs on a worker): as text, the image
    a crafted name points to never read."""
    window = make_window(local_server.url, data_dir=tmp_path / "data")
    send_prompt(qtbot, window, "something to export")
    watched = tmp_path / "watched.png"
    watch = watched_image(watched)
    # A file where the folder should be (the write fails), and a name that puts an <img> tag in the message.
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    crafted = blocker / f"<img src={watched}>.json"
    seen = []
    try:
        monkeypatch.setattr(QFileDialog, "getSaveFileName",
                            staticmethod(lambda *args, **kwargs: (str(crafted), "JSON transcript (*.json)")))
        monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *args, **kwargs: str(crafted)))
        for action in ("file.save", "file.export_all"):  # File › Save transcript…, File › Export all…
            with qtbot.waitSignal(window.exporter.finished, timeout=20000):
                window.action_by_id[action].trigger()
            label = window.error_banner.text
            qtbot.waitUntil(label.isVisible, timeout=3000)
            label.sizeHint()  # laid out: a rich text label has loaded its images by now
            seen.append((label.text(), label.textFormat(), watch.events()))
    finally:
        watch.close()
    for text, text_format, reads in seen:
        assert "Could not write" in text and f"<img src={watched}>" in text, text
        assert text_format == Qt.TextFormat.PlainText and reads == [], (text, text_format, reads)


def test_the_about_box_shows_a_crafted_connection_as_text(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    watched = tmp_path / "about.png"
    watch = watched_image(watched)
    answerer = BoxAnswerer(watch)
    try:
        about(None, "About", f"<img src={watched}> a profile named like a tag")
    finally:
        answerer.stop()
        watch.close()
    assert answerer.seen and answerer.seen[0][1] == Qt.TextFormat.PlainText and answerer.seen[0][2] == []


def test_a_startup_failure_box_shows_the_error_as_text(qtbot, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """On a desktop (not the offscreen platform of the tests) a startup failure is told in a box too."""
    from PySide6.QtGui import QGuiApplication

    from bedrock_chat import app

    watched = tmp_path / "startup.png"
    watch = watched_image(watched)
    monkeypatch.setattr(QGuiApplication, "platformName", staticmethod(lambda: "xcb"))
    answerer = BoxAnswerer(watch)
    try:
        app._tell_startup_failure(f"Bedrock Chat could not start: cannot read {tmp_path}/<img src={watched}>")
    finally:
        answerer.stop()
        watch.close()
    assert answerer.seen and answerer.seen[0][1] == Qt.TextFormat.PlainText and answerer.seen[0][2] == []
