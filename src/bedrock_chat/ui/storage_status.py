"""What the window shows about the history on disk: a banner of its own (a damaged, read-only or full disk), a
lasting "Not saved" indicator in the status bar until a save succeeds, and the export of what a damaged database
still holds.

The banner is apart from the error banner on purpose: that one is hidden by the next Send, this one stays until
the problem is gone.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
)

from bedrock_chat.core import storage
from bedrock_chat.core.conversation import Message, MessageState
from bedrock_chat.core.history_open import StoreProblem, check_pages, note_damage
from bedrock_chat.core.history_salvage import export_what_remains
from bedrock_chat.ui.call_soon import call_soon
from bedrock_chat.ui.gui_thread import deliver, prepare_relay
from bedrock_chat.ui.rich_text import verbatim
from bedrock_chat.ui.save_tracker import SaveTracker

NOT_SAVED = "⚠ Not saved"
# A history too large for the check at startup is checked this long after it, off the GUI thread.
BACKGROUND_CHECK_DELAY_MS = 3000


def _too_large_to_check_at_startup(path: Path) -> bool:
    try:
        return path.stat().st_size > storage.QUICK_CHECK_MAX_BYTES
    except OSError:
        return False


def unsaved_rescue_folders(data_dir: Path) -> list[Path]:
    """Where unsaved conversations go at close: the data folder, else home, else the temporary folder (often
    another disk than a full one)."""
    import tempfile

    return [data_dir, Path.home(), Path(tempfile.gettempdir())]


class StorageStatus(QObject):
    salvage_finished = Signal(str)
    """The export of a damaged database's readable conversations ended; the sentence says how it went."""
    damage_found = Signal(str)
    """The check after startup found damage in the history; carries SQLite's first complaint."""

    def __init__(self, window: QMainWindow, saves: SaveTracker, problem: StoreProblem | None,
                 saving: bool = True) -> None:
        super().__init__(window)
        prepare_relay()
        self._window = window
        self._saves = saves
        self._notice = problem.message if problem else None  # what startup found; dismissible
        if self._notice and str(saves.store.path) == ":memory:":
            self._notice += (" When you close the window, this session's conversations are kept as JSON transcripts "
                             "(bedrock-chat-unsaved-….json) in your home folder.")
        self._damaged_copy = problem.damaged_copy if problem else None
        self._saving_blocked = not saving  # memory-only or read-only history: nothing this session reaches disk
        self.banner = QFrame()
        self.banner.setObjectName("storage-banner")
        self.banner.setAccessibleName("Storage problem")
        self.banner.setStyleSheet(
            "#storage-banner { background: #fff4e5; border: 1px solid #f0c36d; border-radius: 6px; }"
            "#storage-banner QLabel { color: #5f370e; }")
        self.text = QLabel()
        self.text.setTextFormat(Qt.TextFormat.PlainText)  # file names come from outside: never rich text
        self.text.setWordWrap(True)
        self.text.setAccessibleName("Storage message")
        self.export_button = QPushButton("Export what can be read…")
        self.export_button.setAccessibleName("Export what can be read")
        self.export_button.setToolTip("Save the conversations still readable in the damaged database as JSON "
                                      "transcripts in a folder you choose; the damaged file is only read.")
        self.export_button.clicked.connect(self.export_readable)
        self.retry_button = QPushButton("Save now")
        self.retry_button.setAccessibleName("Save now")
        self.retry_button.setToolTip("Try again to save what is not saved yet (this also happens every few seconds).")
        self.retry_button.clicked.connect(self._saves.retry)
        self.dismiss_button = QPushButton("Dismiss")
        self.dismiss_button.setAccessibleName("Dismiss storage message")
        self.dismiss_button.setToolTip("Hide this message; it cannot be hidden while something is not saved.")
        self.dismiss_button.clicked.connect(self._dismiss)
        layout = QHBoxLayout(self.banner)
        layout.addWidget(self.text, 1)
        for button in (self.export_button, self.retry_button, self.dismiss_button):
            layout.addWidget(button)
        self.indicator = QLabel(NOT_SAVED)
        self.indicator.setAccessibleName("Save state")
        self.indicator.setStyleSheet("color: #b45309; font-weight: bold; padding: 0 6px;")
        window.statusBar().addPermanentWidget(self.indicator)
        saves.save_failed.connect(self._render)
        saves.saves_recovered.connect(self._on_recovered)
        self.salvage_finished.connect(self._on_salvage_finished)
        self.damage_found.connect(self._on_damage_found)
        self._render()
        if problem is None and saving and _too_large_to_check_at_startup(saves.store.path):
            call_soon(self, self._check_in_background, BACKGROUND_CHECK_DELAY_MS)

    def _check_in_background(self) -> None:
        path = self._saves.store.path

        def check() -> None:
            problem = check_pages(path)
            if problem is not None:
                deliver(self, self.damage_found.emit, problem)

        threading.Thread(target=check, name="history-check", daemon=True).start()

    def _on_damage_found(self, problem: str) -> None:
        path = self._saves.store.path
        note_damage(path.parent, problem)
        self._damaged_copy = path  # read-only, through its own connection
        self._notice = (f"A check found damage in the conversation database {path} ({problem}). Export what can "
                        "be read now; the next start keeps the damaged file untouched beside a fresh history.")
        self._render()

    @property
    def not_saved(self) -> bool:
        return self._saves.unsaved or self._saving_blocked

    def _render(self, *_: object) -> None:
        parts = []
        if self._saves.unsaved:
            count = self._saves.pending_count
            parts.append(f"Not saved: {self._saves.reason} {count} message{'s' if count != 1 else ''} "
                         "will be saved as soon as that works; Bedrock Chat keeps trying.")
        if self._notice:
            parts.append(self._notice)
        self.text.setText("\n".join(parts))
        self.banner.setVisible(bool(parts))
        self.retry_button.setVisible(self._saves.unsaved)
        self.dismiss_button.setVisible(not self._saves.unsaved)
        self.export_button.setVisible(self._damaged_copy is not None)
        self.indicator.setVisible(self.not_saved)
        # The notice can quote conversation titles from imported transcripts: never let Qt read it as HTML.
        self.indicator.setToolTip(verbatim(self._saves.reason or self._notice or ""))

    def _on_recovered(self) -> None:
        if str(self._saves.store.path) != ":memory:" and not self._saves.store.read_only:
            self._saving_blocked = False
            if self._damaged_copy is None:
                self._notice = None  # the read-only or full disk that startup reported is writable now
        self._window.statusBar().showMessage("Everything is saved again.", 6000)
        self._render()

    def keep_unsaved_at_close(self, data_dir: Path) -> list[Path]:
        """A last save; what still cannot be saved (or a session kept only in memory) is written as JSON
        transcripts wherever there is room, so closing loses nothing that was shown."""
        self._saves.stop()
        saved = self._saves.retry()
        store = self._saves.store
        in_memory = str(store.path) == ":memory:"
        if saved and not in_memory:
            return []
        extra = [store.load(summary.id) for summary in store.summaries()] if in_memory else []
        return self._saves.rescue(unsaved_rescue_folders(data_dir), extra)

    def _dismiss(self) -> None:
        self._notice = None
        self._render()

    def on_reply_finished(self, reply: Message) -> None:
        """A turn that ended while unsaved says so instead of a plain "Reply finished"."""
        if not self.not_saved:
            return
        ended = "Reply finished" if reply.state == MessageState.COMPLETE else "The turn ended"
        reason = self._saves.reason or self._notice or "the history cannot be saved."
        text = f"{ended}, but it is NOT saved: {reason}"
        # After the turn's own status line ("Reply finished."), whichever order the signals reach the window in.
        call_soon(self, lambda: self._window.statusBar().showMessage(text))

    def export_readable(self) -> None:
        source = self._damaged_copy
        if source is None:
            return
        directory = QFileDialog.getExistingDirectory(self._window, "Export what can be read to a folder",
                                                     str(Path.home()))
        if not directory:
            return
        self.export_button.setEnabled(False)
        self._window.statusBar().showMessage(f"Reading {source.name}…")
        # Reading a damaged file can take a while: off the GUI thread, the result comes back as a signal.
        threading.Thread(target=self._salvage, args=(source, Path(directory)), name="salvage", daemon=True).start()

    def _salvage(self, source: Path, directory: Path) -> None:
        try:  # each conversation is written as soon as it is read: the images of a large history are never all held
            written, unreadable = export_what_remains(source, directory)
        except OSError as error:
            deliver(self, self.salvage_finished.emit, f"Could not write to {directory}: {error.strerror or error}.")
            return
        lost = f" Not readable: {' '.join(unreadable)}" if unreadable else ""
        deliver(self, self.salvage_finished.emit,
                f"Exported {len(written)} readable conversations from {source.name} to {directory} as JSON "
                f"transcripts (File › Import transcripts brings them back).{lost}")

    def _on_salvage_finished(self, summary: str) -> None:
        self.export_button.setEnabled(True)
        self._notice = summary
        self._window.statusBar().showMessage(summary.split(".", maxsplit=1)[0] + ".", 10000)
        self._render()
