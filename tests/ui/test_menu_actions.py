"""The menus and shortcuts are the tested interface: every QAction of the action table is triggered as a
person would (``QAction.trigger()``, or its key), with its dialog answered, and its effect checked.

A new action without a check here fails ``test_every_action_has_an_effect``; a renamed slot fails mypy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox

from bedrock_chat.core.conversation import Conversation, MessageState, Role
from bedrock_chat.core.transfer import export_conversation
from bedrock_chat.ui.actions import action_table
from tests.ui.conftest import choose_model, wait_until_opened
from tests.ui.menu_helpers import import_through_menu


class Person:
    """Does things through the menus of one window and answers the dialogs they open."""

    def __init__(self, qtbot: Any, window: Any, monkeypatch: Any, folder: Path) -> None:
        self.qtbot, self.window, self.monkeypatch, self.folder = qtbot, window, monkeypatch, folder

    def trigger(self, action_id: str) -> None:
        self.window.action_by_id[action_id].trigger()

    def reply_to(self, action_id: str, timeout: int = 20000) -> Any:
        with self.qtbot.waitSignal(self.window.reply_finished, timeout=timeout) as blocker:
            self.trigger(action_id)
        return blocker.args[0]

    def send(self, text: str) -> Any:
        self.window.prompt.setPlainText(text)
        return self.reply_to("chat.send")

    def answer_save_dialog(self, path: Path, chosen: str) -> None:
        self.monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(path), chosen)))

    def answer_folder_dialog(self, path: Path) -> None:
        self.monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(path)))


def _file_new(person: Person) -> None:
    window = person.window
    person.send("a first conversation")
    person.trigger("file.new")
    assert window.conversation.messages == [] and window.chat.toPlainText().startswith("Start a conversation")


def _file_import(person: Person) -> None:
    window = person.window
    source = window.store.load(window.store.summaries()[0].id)
    path = person.folder / "to-import.json"
    export_conversation(source, path)
    report = import_through_menu(person.qtbot, window, person.monkeypatch, [path])
    assert report.errors == [] and len(report.imported) == 1
    assert window.conversation.id == report.imported[0].id
    assert [m.text for m in window.conversation.messages] == [m.text for m in source.messages]


def _file_save(person: Person) -> None:
    path = person.folder / "saved"
    person.answer_save_dialog(path, "Markdown (*.md)")
    with person.qtbot.waitSignal(person.window.exporter.finished, timeout=20000):
        person.trigger("file.save")
    assert path.with_suffix(".md").read_text().startswith(f"# {person.window.conversation.title}")


def _file_export_all(person: Person) -> None:
    folder = person.folder / "all"
    folder.mkdir()
    person.answer_folder_dialog(folder)
    with person.qtbot.waitSignal(person.window.exporter.finished, timeout=20000):
        person.trigger("file.export_all")
    assert len(list(folder.glob("*.json"))) == len(person.window.store.summaries())


def _file_quit(person: Person) -> None:
    window = person.window
    assert window.isVisible()
    person.trigger("file.quit")
    assert not window.isVisible() and window._closed


def _chat_send(person: Person) -> None:
    reply = person.send("capital of Japan")
    assert reply.state == MessageState.COMPLETE and "Tokyo" in reply.text
    assert person.window.conversation.messages[-1] is reply


def _chat_stop(person: Person) -> None:
    window = person.window
    window.prompt.setPlainText("[tokens:2000] a long answer please")
    with person.qtbot.waitSignal(window.reply_finished, timeout=20000) as blocker:
        person.trigger("chat.send")
        person.qtbot.waitUntil(lambda: window.turns.reply is not None and len(window.turns.reply.text) > 20,
                               timeout=10000)
        person.trigger("chat.stop")
    reply = blocker.args[0]
    assert reply.state == MessageState.STOPPED and len(reply.text) > 20
    assert reply.stats["outputTokens"] is None or reply.stats["outputTokens"] < 2000


def _chat_retry(person: Person) -> None:
    window = person.window
    replies = sum(m.role == Role.ASSISTANT for m in window.conversation.messages)
    reply = person.reply_to("chat.retry")
    assert reply.state == MessageState.COMPLETE
    assert sum(m.role == Role.ASSISTANT for m in window.conversation.messages) == replies + 1


def _chat_copy_reply(person: Person) -> None:
    QGuiApplication.clipboard().setText("")
    person.trigger("chat.copy_reply")
    last = next(m for m in reversed(person.window.conversation.messages) if m.role == Role.ASSISTANT)
    assert QGuiApplication.clipboard().text() == last.text != ""


def _chat_regenerate(person: Person) -> None:
    window = person.window
    old = window.conversation.messages[-1]
    reply = person.reply_to("chat.regenerate")
    assert old.state == MessageState.SUPERSEDED and reply.state == MessageState.COMPLETE
    assert window.conversation.messages[-1] is reply


def _chat_compare(person: Person) -> None:
    window = person.window
    person.trigger("chat.compare")
    assert window.compare.active and window.compare.panel.isVisible() and window.compare_button.isChecked()
    person.qtbot.mouseClick(window.compare_button, Qt.MouseButton.LeftButton)  # the toolbar's Compare button
    assert not window.compare.active and not window.compare.panel.isVisible()
    assert window.compare_button.accessibleName() == "Compare"


def _chat_undo_delete(person: Person) -> None:
    window = person.window
    deleted = window.conversation.id
    window.sidebar.action_requested.emit("delete", deleted)  # the sidebar's context menu item
    assert deleted not in {s.id for s in window.store.summaries()}
    person.trigger("chat.undo_delete")
    wait_until_opened(person.qtbot, window)
    assert deleted in {s.id for s in window.store.summaries()} and window.conversation.id == deleted


def _chat_find(person: Person) -> None:
    window = person.window
    window.prompt.setFocus()
    person.trigger("chat.find")
    person.qtbot.waitUntil(window.sidebar.search.hasFocus, timeout=3000)


def _theme(name: str) -> Callable[[Person], None]:
    def check(person: Person) -> None:
        person.trigger(f"view.theme_{name}")
        assert person.window.settings.theme() == name
        if name != "system":
            assert person.window.chat.renderer.dark == (name == "dark")

    return check


def _zoom(step: int) -> Callable[[Person], None]:
    def check(person: Person) -> None:
        before = person.window.chat.font().pointSize()
        person.trigger("view.zoom_in" if step > 0 else "view.zoom_out")
        assert person.window.chat.font().pointSize() == before + step

    return check


def _panel(name: str) -> Callable[[Person], None]:
    def check(person: Person) -> None:
        body = person.window.body
        shown = body.panel_shown(name)
        person.trigger(f"view.{name}")
        assert body.panel_shown(name) != shown and person.window.action_by_id[f"view.{name}"].isChecked() != shown
        person.trigger(f"view.{name}")
        assert body.panel_shown(name) == shown

    return check


def _file_connection(person: Person) -> None:
    window = person.window
    person.trigger("file.connection")
    person.qtbot.waitUntil(lambda: window.connection_dialog is not None and window.connection_dialog.isVisible())
    window.connection_dialog.reject()  # Cancel: nothing changes
    person.qtbot.waitUntil(lambda: window.connection_dialog is None)
    assert window.clients is not None


def _help_about(person: Person) -> None:
    shown: list[str] = []
    person.monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    person.trigger("help.about")
    assert len(shown) == 1 and str(person.window.data_dir) in shown[0]


def _help_getting_started(person: Person) -> None:
    from bedrock_chat.ui.welcome_panel import WelcomePanel

    window = person.window
    person.trigger("help.getting_started")
    panel = window.findChild(WelcomePanel)
    assert panel is not None and panel.isVisible() and not window.chat.isVisible()
    panel.try_local_button.click()  # back to the conversation
    assert not panel.isVisible() and window.chat.isVisible()


def _help_log_folder(person: Person) -> None:
    from PySide6.QtGui import QDesktopServices

    from bedrock_chat.logging_setup import log_folder

    person.monkeypatch.setenv("XDG_STATE_HOME", str(person.folder / "state"))  # not the real user's folder
    opened: list[str] = []
    person.monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url.toLocalFile())
                                                                           or True))
    person.trigger("help.log_folder")
    assert opened == [str(log_folder())] and opened[0].startswith(str(person.folder))


def _chat_attach(person: Person) -> None:
    from tests.attachment_files import png

    window = person.window
    image = person.folder / "menu.png"
    image.write_bytes(png(3, 3))
    person.monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: ([str(image)], "")))
    person.trigger("chat.attach")
    person.qtbot.waitUntil(lambda: not window.attachment_intake.busy)
    assert [item.name for item in window.attachments.attachments()] == ["menu.png"]
    window.attachments.clear()


# In the order they run: each check leaves the window as the next one expects; Quit comes last.
CHECKS: dict[str, Callable[[Person], None]] = {
    "file.new": _file_new,
    "chat.send": _chat_send,
    "chat.copy_reply": _chat_copy_reply,
    "chat.regenerate": _chat_regenerate,
    "chat.stop": _chat_stop,
    "chat.retry": _chat_retry,
    "chat.compare": _chat_compare,
    "file.save": _file_save,
    "file.export_all": _file_export_all,
    "file.import": _file_import,
    "chat.undo_delete": _chat_undo_delete,
    "chat.find": _chat_find,
    "chat.attach": _chat_attach,
    "view.theme_dark": _theme("dark"),
    "view.theme_light": _theme("light"),
    "view.theme_system": _theme("system"),
    "view.zoom_in": _zoom(1),
    "view.zoom_out": _zoom(-1),
    "view.sidebar": _panel("sidebar"),
    "view.side_panel": _panel("side_panel"),
    "file.connection": _file_connection,
    "help.getting_started": _help_getting_started,
    "help.log_folder": _help_log_folder,
    "help.about": _help_about,
    "file.quit": _file_quit,
}


def test_every_action_has_an_effect(qtbot, make_window, paced_server, tmp_path, monkeypatch):
    window = make_window(paced_server.url, data_dir=tmp_path / "data")
    window.activateWindow()
    assert set(CHECKS) == set(window.action_by_id), "every action of the table needs a check here"
    person = Person(qtbot, window, monkeypatch, tmp_path)
    for action_id, check in CHECKS.items():
        check(person)
        if action_id != "file.quit":
            assert not window.error_banner.isVisible(), (action_id, window.error_text.text())


def test_menus_show_the_table_with_its_shortcuts(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    specs = action_table(window)
    menus = {menu.title(): [a for a in menu.actions() if not a.isSeparator()]
             for menu in (action.menu() for action in window.menuBar().actions())}
    assert list(menus) == ["&File", "&Chat", "&View", "&Help"]
    for spec in specs:
        action = window.action_by_id[spec.id]
        assert action in menus[spec.menu] and action.text() == spec.text and action.toolTip() == spec.tip
        expected = QKeySequence(spec.shortcut) if spec.shortcut is not None else QKeySequence()
        assert action.shortcut() == expected, spec.id
    assert window.action_by_id["file.import"].shortcut() == QKeySequence("Ctrl+O")


def test_ctrl_o_opens_the_import_dialog(qtbot, make_window, local_server, tmp_path, monkeypatch):
    """The shortcut a person presses, not the method behind it: Ctrl+O reached AttributeError before."""
    window = make_window(local_server.url)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    source = tmp_path / "one.json"
    conversation = Conversation(title="from the keyboard")
    conversation.add_user_message("typed question")
    export_conversation(conversation, source)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *a, **k: ([str(source)], "JSON transcript (*.json)")))
    with qtbot.waitSignal(window.importer.finished, timeout=15000) as blocker:
        qtbot.keyClick(window.chat, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    wait_until_opened(qtbot, window)
    assert blocker.args[0].summary() == "Imported 1 of 1 file."
    assert window.conversation.title == "from the keyboard"


def test_every_sidebar_context_menu_action(qtbot, make_window, local_server, tmp_path, monkeypatch):
    """Each item of a conversation's right-click menu, triggered through its QAction, with dialogs answered."""
    from PySide6.QtWidgets import QInputDialog

    from tests.ui.conftest import send_prompt

    window = make_window(local_server.url, data_dir=tmp_path / "data")
    send_prompt(qtbot, window, "a conversation to act on")
    sidebar, done = window.sidebar, set()

    def trigger(name: str) -> None:
        item = next(sidebar.list.item(i) for i in range(sidebar.list.count())
                    if sidebar.list.item(i).data(Qt.ItemDataRole.UserRole) == window.conversation.id)
        menu = sidebar.context_menu(item)
        action = next(a for a in menu.actions() if a.objectName() == name)
        action.trigger()
        done.add(name)

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("Renamed by hand", True)))
    trigger("rename")
    assert window.conversation.title == "Renamed by hand"
    trigger("pin")
    assert sidebar.list.item(0).text().startswith("★ Renamed by hand")
    trigger("unpin")
    assert not sidebar.list.item(0).text().startswith("★")
    original = window.conversation.id
    trigger("duplicate")
    wait_until_opened(qtbot, window)
    assert window.conversation.id != original and window.conversation.title == "Renamed by hand (copy)"
    page = tmp_path / "exported.html"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(page), "")))
    with qtbot.waitSignal(window.exporter.finished, timeout=20000):
        trigger("export")
    assert "a conversation to act on" in page.read_text()
    copy = window.conversation.id
    trigger("delete")
    assert copy not in {s.id for s in window.store.summaries()} and window.conversation.messages == []
    assert done == {"rename", "pin", "unpin", "duplicate", "export", "delete"}


def test_every_toolbar_control(qtbot, local_server, tmp_path, monkeypatch):
    """The connection toolbar, clicked and chosen as a person does: model, Reconnect, Connection…"""
    from bedrock_chat.app import create_window

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDLOCALTEST")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local-secret-key")
    window = create_window(["--online", "--endpoint-url", local_server.url, "--data-dir", str(tmp_path)])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: bool(window.models), timeout=15000)
    bar = window.connection_bar
    choose_model(qtbot, window, "claude")  # the first Claude the filter shows
    target = window.current_model().invoke_id
    assert "claude" in target and window.settings.last_model() == target
    assert bar.refresh_button.isEnabled()
    with qtbot.waitSignal(window.models_loaded, timeout=15000):
        qtbot.mouseClick(bar.refresh_button, Qt.MouseButton.LeftButton)
    assert window.current_model().invoke_id == target  # the choice survives
    qtbot.mouseClick(bar.connection_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.connection_dialog is not None and window.connection_dialog.isVisible())
    window.connection_dialog.reject()
    window.close()
