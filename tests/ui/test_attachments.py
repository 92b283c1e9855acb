"""Attachments as a person adds them (the Attach button's dialog, Ctrl+V of an image or of copied files, files
dropped on the window), refused with a reason before anything is sent, or sent and kept: shown in the
conversation, answered by the endpoint, sent again with the next turn, there after a restart, an export and an
import."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QGuiApplication, QImage, QTextDocument
from PySide6.QtWidgets import QApplication, QFileDialog

from bedrock_chat.core.attachments import MAX_IMAGE_BYTES
from bedrock_chat.core.conversation import MessageState
from bedrock_chat.ui.attachment_view import resource_url
from tests.attachment_files import HTML_PRETENDING, PDF, png
from tests.ui.conftest import choose_model, send_prompt
from tests.ui.menu_helpers import import_through_menu, wait_for_attachments

VISION_MODEL = "amazon.nova-lite-v1:0"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "files"
    folder.mkdir()
    made = {
        "photo": ("photo.png", png(30, 20)),
        "report": ("Quarterly report.pdf", PDF),
        "huge": ("huge.png", png(2, 2, extra=MAX_IMAGE_BYTES)),
        "fake": ("fake.png", HTML_PRETENDING),
        "program": ("tool.exe", b"MZ\x90\x00"),
        "hostile": ('<i onmouseover=x>bold & "quoted".pdf', PDF),
        "cut": ("cut.png", png(30, 20)[:-12]),
    }
    paths = {}
    for key, (name, data) in made.items():
        paths[key] = folder / name
        paths[key].write_bytes(data)
    paths["giant"] = folder / "giant.jpg"
    with paths["giant"].open("wb") as sparse:  # 2 GB on paper, nothing on disk: refused by size, never read
        sparse.truncate(2 * 1024**3)
    return paths


def _answer_dialog(monkeypatch, paths: list[Path]) -> list[str]:
    asked: list[str] = []

    def answer(parent, caption, *args, **kwargs):
        asked.append(caption)
        return [str(path) for path in paths], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(answer))
    return asked


def _choose_model(qtbot, window, invoke_id: str) -> None:
    choose_model(qtbot, window, invoke_id)
    qtbot.waitUntil(lambda: window.current_model().invoke_id == invoke_id)


def _names(window) -> list[str]:
    return [item.name for item in window.attachments.attachments()]


def _url_mime(*paths: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    return mime


def test_button_paste_and_drop_each_add_a_chip(qtbot, make_window, local_server, files, monkeypatch):
    window = make_window(local_server.url)
    asked = _answer_dialog(monkeypatch, [files["photo"], files["report"]])
    window.attach_button.click()
    wait_for_attachments(qtbot, window)
    assert asked == ["Attach images or documents"]
    assert _names(window) == ["photo.png", "Quarterly report.pdf"]
    assert window.attach_button.accessibleName() == "Attach" and window.attach_button.toolTip()

    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("#e11d48"))
    QGuiApplication.clipboard().setImage(image)
    window.prompt.setFocus()
    qtbot.keyClick(window.prompt, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    wait_for_attachments(qtbot, window)
    pasted = window.attachments.attachments()[-1]
    assert (pasted.name, pasted.format, pasted.width, pasted.height) == ("pasted image.png", "png", 40, 30)

    copied = _url_mime(files["photo"])  # kept referenced: the clipboard does not take it over from Python
    QGuiApplication.clipboard().setMimeData(copied)
    qtbot.keyClick(window.prompt, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    wait_for_attachments(qtbot, window)
    QGuiApplication.clipboard().clear()  # before ``copied`` goes: else the clipboard frees it twice at exit
    assert _names(window)[-1] == "photo.png"
    assert window.prompt.toPlainText() == ""  # a copied file's path is not typed into the prompt

    mime = _url_mime(files["report"])
    enter = QDragEnterEvent(window.rect().center(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(window.rect().center()), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, drop)
    wait_for_attachments(qtbot, window)
    assert drop.isAccepted()
    assert len(window.attachments.chips) == 5 and _names(window)[-1] == "Quarterly report.pdf"

    chip = window.attachments.chips[0]
    assert chip.label.accessibleName() == "Attachment photo.png" and "PNG\xa0image" in chip.label.toolTip()
    chip.label.setFocus()
    qtbot.keyClick(chip.label, Qt.Key.Key_Delete)
    assert _names(window)[0] == "Quarterly report.pdf" and len(window.attachments.chips) == 4
    window.attachments.chips[0].remove_button.click()
    assert len(window.attachments.chips) == 3


def test_refused_files_say_why_and_are_not_attached(qtbot, make_window, local_server, files, monkeypatch):
    window = make_window(local_server.url)
    _answer_dialog(monkeypatch, [files["huge"], files["fake"], files["program"], files["cut"], files["giant"],
                                 files["photo"]])
    window.attach_button.click()
    wait_for_attachments(qtbot, window)
    problem = window.attachments.problem.text()
    huge = files["huge"].stat().st_size
    assert (f"“huge.png” is 3.75 MB ({huge:,} bytes); Bedrock takes images of at most 3.75 MB (3,750,000 bytes)"
            in problem)
    assert "“fake.png” is not a readable PNG image" in problem
    assert "“tool.exe” is not a file Bedrock accepts" in problem
    assert "“cut.png” is cut short" in problem
    assert "“giant.jpg” is 2147.48 MB (2,147,483,648 bytes)" in problem
    assert _names(window) == ["photo.png"]
    assert window.attachments.problem.isVisibleTo(window)


def test_a_model_without_image_input_says_so_before_sending(qtbot, make_window, local_server, files, monkeypatch):
    window = make_window(local_server.url)
    assert window.current_model().invoke_id == "amazon.nova-micro-v1:0"  # text only
    _answer_dialog(monkeypatch, [files["photo"]])
    window.attach_button.click()
    wait_for_attachments(qtbot, window)
    assert "Nova Micro does not take images" in window.attachments.problem.text()  # said at once
    before = len(local_server.requests)
    window.prompt.setPlainText("What is this?")
    window.send_button.click()
    assert "Nova Micro does not take images" in window.attachments.problem.text()
    assert window.conversation.messages == [] and len(local_server.requests) == before
    assert window.prompt.toPlainText() == "What is this?" and _names(window) == ["photo.png"]
    _choose_model(qtbot, window, VISION_MODEL)
    assert window.attachments.problem.text() == ""


def test_too_many_images_are_refused_before_sending(qtbot, make_window, local_server, files, monkeypatch):
    window = make_window(local_server.url)
    _choose_model(qtbot, window, VISION_MODEL)
    _answer_dialog(monkeypatch, [files["photo"]] * 21)
    window.attach_button.click()
    wait_for_attachments(qtbot, window)
    before = len(local_server.requests)
    window.prompt.setPlainText("Compare them")
    qtbot.keyClick(window.prompt, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "21 images are attached; Bedrock takes at most 20 per request" in window.attachments.problem.text()
    assert window.conversation.messages == [] and len(local_server.requests) == before
    window.attachments.chips[0].remove_button.click()
    assert window.attachments.problem.text() == ""


def test_sent_attachments_are_shown_resent_kept_exported_and_imported(qtbot, make_window, local_server, files,
                                                                      monkeypatch, tmp_path):
    data_dir = tmp_path / "data"
    window = make_window(local_server.url, data_dir=data_dir)
    _choose_model(qtbot, window, VISION_MODEL)
    _answer_dialog(monkeypatch, [files["photo"], files["hostile"]])
    window.attach_button.click()
    wait_for_attachments(qtbot, window)
    reply = send_prompt(qtbot, window, "What is in these?")
    assert reply.state == MessageState.COMPLETE
    assert reply.text.startswith(f"[attachments] image png {len(png(30, 20))} bytes 30x20; "
                                 f"document pdf {len(PDF)} bytes “i onmouseover x bold quoted”")
    assert window.attachments.attachments() == () and not window.attachments.isVisibleTo(window)
    prompt = window.conversation.messages[0]
    shown = window.chat.toPlainText()
    assert "photo.png" in shown and '<i onmouseover=x>bold & "quoted".pdf' in shown  # as text, not markup

    def thumbnail() -> QImage:
        return window.chat.document().resource(QTextDocument.ResourceType.ImageResource.value,
                                               QUrl(resource_url(prompt.id, 0)))

    # Decoded off the GUI thread, then swapped in: the picture itself (red), at its own size, never a file: URL.
    qtbot.waitUntil(lambda: thumbnail().pixelColor(1, 1) == QColor("#cc2222"))
    assert (thumbnail().width(), thumbnail().height()) == (30, 20)

    second = send_prompt(qtbot, window, "And again?")
    assert second.text.startswith("[attachments] image png")  # the first turn's attachments went again

    window.chat.anchorClicked.emit(QUrl(f"message:edit:{prompt.id}"))  # Edit brings the attachments back too
    assert window.attachments.attachments() == prompt.attachments
    window.attachments.clear()
    window.prompt.clear()
    window.history.take_editing()

    export = tmp_path / "chat.json"
    window.write_transcript(export)
    window.close()
    again = make_window(local_server.url, data_dir=data_dir)
    qtbot.waitUntil(lambda: len(again.conversation.messages) == 4)
    assert again.conversation.messages[0].attachments == prompt.attachments
    assert "photo.png" in again.chat.toPlainText()

    again.new_conversation()
    assert import_through_menu(qtbot, again, monkeypatch, [export]).errors == []
    assert again.conversation.messages[0].attachments == prompt.attachments


def test_a_pasted_image_too_large_is_refused_before_it_is_encoded(qtbot, make_window, local_server, monkeypatch):
    """A screenshot of several monitors: writing it as PNG takes the GUI thread seconds, so its size is checked
    on the image itself first."""
    from bedrock_chat.ui import attachment_intake

    window = make_window(local_server.url)
    _choose_model(qtbot, window, VISION_MODEL)
    encoded: list[tuple[int, int]] = []
    real = attachment_intake._png_bytes

    def counting(image: QImage) -> bytes:
        encoded.append((image.width(), image.height()))
        return real(image)

    monkeypatch.setattr(attachment_intake, "_png_bytes", counting)
    wide = QImage(8001, 2, QImage.Format.Format_RGB32)
    wide.fill(QColor("#2563eb"))
    QGuiApplication.clipboard().setImage(wide)
    window.prompt.setFocus()
    qtbot.keyClick(window.prompt, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    wait_for_attachments(qtbot, window)
    problem = window.attachments.problem.text()
    assert "8001×2 pixels" in problem and "at most 8,000 pixels on each side" in problem
    assert encoded == [] and window.attachments.attachments() == ()
    fitting = QImage(40, 30, QImage.Format.Format_RGB32)  # one that fits is encoded and attached as before
    fitting.fill(QColor("#2563eb"))
    QGuiApplication.clipboard().setImage(fitting)
    qtbot.keyClick(window.prompt, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    wait_for_attachments(qtbot, window)
    assert encoded == [(40, 30)] and _names(window) == ["pasted image.png"]
    assert window.attachments.problem.text() == ""


def test_a_folder_of_files_dropped_at_once_is_read_only_as_far_as_one_prompt_carries(qtbot, make_window, local_server,
                                                                                   monkeypatch, tmp_path):
    """Files are read on the GUI thread: hundreds of photos dropped at once once read them all (gigabytes, a frozen
    window) for a prompt Bedrock refuses anyway."""
    from bedrock_chat.ui import attachment_intake

    window = make_window(local_server.url)
    folder = tmp_path / "photos"
    folder.mkdir()
    paths = []
    for number in range(40):
        paths.append(folder / f"photo {number}.png")
        paths[-1].write_bytes(png(3, 2))
    read: list[Path] = []
    real = attachment_intake.read_attachment

    def counting(path: Path):
        read.append(path)
        return real(path)

    monkeypatch.setattr(attachment_intake, "read_attachment", counting)
    mime = _url_mime(*paths)

    def drop() -> None:
        QApplication.sendEvent(window, QDragEnterEvent(window.rect().center(), Qt.DropAction.CopyAction, mime,
                                                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))
        event = QDropEvent(QPointF(window.rect().center()), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                           Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(window, event)
        wait_for_attachments(qtbot, window)
        assert event.isAccepted()

    drop()
    assert len(read) == 25 and len(window.attachments.chips) == 25
    assert ("15 more files were not attached: a prompt carries at most 20 images and 5 documents."
            in window.attachments.problem.text())
    drop()  # the tray is full: nothing more is read
    assert len(read) == 25 and len(window.attachments.chips) == 25
    assert "40 more files were not attached" in window.attachments.problem.text()


def test_cells_copied_with_a_picture_of_them_paste_as_text(qtbot, make_window, local_server):
    """A spreadsheet or word processor puts a picture of the selection beside its text: pasting it into the prompt
    is pasting the text. Taken as an image, the text never arrived and a picture was attached instead."""
    window = make_window(local_server.url)
    picture = QImage(120, 40, QImage.Format.Format_RGB32)
    picture.fill(QColor("#ffffff"))
    mime = QMimeData()
    mime.setText("Region\tSales\nNorth\t120\nSouth\t95")
    mime.setImageData(picture)
    QGuiApplication.clipboard().setMimeData(mime)
    window.prompt.setFocus()
    qtbot.keyClick(window.prompt, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    wait_for_attachments(qtbot, window)
    QGuiApplication.clipboard().clear()  # before ``mime`` goes: the clipboard does not take it over from Python
    assert window.prompt.toPlainText() == "Region\tSales\nNorth\t120\nSouth\t95"
    assert window.attachments.attachments() == ()
    screenshot = QImage(40, 30, QImage.Format.Format_RGB32)  # an image alone is still attached
    screenshot.fill(QColor("#e11d48"))
    QGuiApplication.clipboard().setImage(screenshot)
    qtbot.keyClick(window.prompt, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    wait_for_attachments(qtbot, window)
    assert _names(window) == ["pasted image.png"]


def test_a_document_attached_again_in_a_later_turn_keeps_the_conversation_going(qtbot, make_window, local_server,
                                                                             monkeypatch, tmp_path):
    """Bedrock refuses a request whose messages hold two documents of one name, and every turn sends the earlier
    turns' documents again: the revised plan, attached under the same name, made that turn fail and every turn
    after it."""
    window = make_window(local_server.url)
    _choose_model(qtbot, window, VISION_MODEL)
    first_plan, revised = tmp_path / "Plan.pdf", tmp_path / "revised" / "Plan.pdf"
    revised.parent.mkdir()
    first_plan.write_bytes(PDF)
    revised.write_bytes(PDF + b"\n% revised\n")
    _answer_dialog(monkeypatch, [first_plan])
    window.attach_button.click()
    wait_for_attachments(qtbot, window)
    assert send_prompt(qtbot, window, "Summarise the plan").state == MessageState.COMPLETE
    _answer_dialog(monkeypatch, [revised])
    window.attach_button.click()
    wait_for_attachments(qtbot, window)
    second = send_prompt(qtbot, window, "What changed in the revised plan?")
    assert second.state == MessageState.COMPLETE, second.error
    assert second.text.startswith(f"[attachments] document pdf {len(PDF)} bytes “Plan”; "
                                  f"document pdf {len(PDF) + 11} bytes “Plan (2)”")
    third = send_prompt(qtbot, window, "And the risks?")  # the turns after it go on too
    assert third.state == MessageState.COMPLETE, third.error
