"""What closing the window does, in the order that loses nothing: the replies in flight (compare's too) saved, the
importer, exporter, duplicator, attachment reader and the pass moving attachment bytes apart stopped, what could
not be saved kept as transcripts, the history closed, the layout kept, the folder unlocked, the connection closed.
Nothing here waits for a turn's thread."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

from bedrock_chat.core.conversation import Message
from bedrock_chat.core.storage import ConversationStore
from bedrock_chat.ui.attachment_intake import AttachmentIntake
from bedrock_chat.ui.compare_mode import CompareMode
from bedrock_chat.ui.connection_controller import ConnectionController
from bedrock_chat.ui.conversation_export import ConversationExporter
from bedrock_chat.ui.folder_lock import FolderLock
from bedrock_chat.ui.history_actions import HistoryActions
from bedrock_chat.ui.settings_store import SettingsStore
from bedrock_chat.ui.storage_status import StorageStatus
from bedrock_chat.ui.transcript_import import TranscriptImporter
from bedrock_chat.ui.turn_controller import TurnController
from bedrock_chat.ui.window_layout import WindowBody

log = logging.getLogger(__name__)


class ClosingWindow(Protocol):
    """The parts of the main window that closing touches."""

    data_dir: Path
    settings: SettingsStore
    store: ConversationStore
    storage: StorageStatus
    turns: TurnController
    importer: TranscriptImporter
    exporter: ConversationExporter
    compare: CompareMode
    attachment_intake: AttachmentIntake
    history: HistoryActions
    body: WindowBody
    connection_ctl: ConnectionController

    def store_message(self, message: Message) -> None: ...


def close_down(window: ClosingWindow, folder_lock: FolderLock | None) -> None:
    for answer in window.compare.shutdown():  # like the single reply: saved as it ended, nothing waited for
        window.store_message(answer)
    # A reply that had ended but was not yet all on screen keeps how it ended; any other was cut short.
    reply = window.turns.shutdown()
    if reply is not None:
        window.store_message(reply)
    window.importer.shutdown()  # its worker writes through its own connection: done before the store closes
    window.exporter.shutdown()  # a cancelled export stops before its next file
    window.attachment_intake.shutdown()  # it stores attachment bytes through its own connection
    window.history.duplicator.shutdown()  # it writes the copy through its own connection
    window.history.loader.shutdown()  # a conversation being opened is read through its own connection
    window.history.inline_attachments.shutdown()  # it moves attachment bytes through its own connection
    window.storage.keep_unsaved_at_close(window.data_dir)
    try:
        window.store.purge_deleted()
    except Exception as error:  # a full or read-only disk: the deleted ones are purged on a later close
        log.warning("cannot purge deleted conversations: %s", error)
    window.store.close()
    window.body.save_layout(window.settings)
    window.settings.sync()
    if folder_lock is not None:  # after the last write to the folder
        folder_lock.release()
    window.connection_ctl.close()
