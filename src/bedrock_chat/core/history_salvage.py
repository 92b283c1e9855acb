"""What a damaged conversation database still holds, read piece by piece so that one damaged page loses only what
it held: the conversations with their pins, messages (signed reasoning, compare groups and alternatives included)
and attachments, decoded and checked as the normal reader does (``store_reading``, ``attachment_rows``).

The file is opened read-only and never migrated or written, whatever its schema version (1 to the current one):
the columns and tables it lacks stand for what an older file meant. One conversation is read at a time, so a
history of hundreds of megabytes of images is never held whole, as the normal export does not hold it.
"""

from __future__ import annotations

import sqlite3
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bedrock_chat.core.attachment_rows import attachment_from_row
from bedrock_chat.core.attachments import Attachment, AttachmentError, display_name
from bedrock_chat.core.conversation import Conversation, Message
from bedrock_chat.core.store_reading import LATER_MESSAGE_COLUMNS, MESSAGE_COLUMNS, message_from_row
from bedrock_chat.core.transfer import FolderNames, export_conversation

RECOVERED_TITLE = "Recovered conversation"


@dataclass
class Salvage:
    conversations: list[Conversation] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # one sentence per piece lost (conversation, message, file)


def read_what_remains(path: Path) -> Salvage:
    """Every conversation of a damaged database that can still be read, opened read-only; never writes to it."""
    with SalvageReader(path) as reader:
        return Salvage(list(reader.conversations()), reader.unreadable)


def export_what_remains(path: Path, directory: Path) -> tuple[list[Path], list[str]]:
    """Writes each readable conversation as a JSON transcript into ``directory`` as soon as it is read; returns
    the files written and a sentence per piece lost. OSError when the folder cannot be written."""
    written: list[Path] = []
    names = FolderNames(directory, ".json")
    with SalvageReader(path) as reader:
        for conversation in reader.conversations():
            target = names.path(conversation.title, conversation.id)
            export_conversation(conversation, target)
            written.append(target)
        return written, reader.unreadable


class SalvageReader:
    """A damaged database opened read-only; ``conversations()`` yields what can be read, ``unreadable`` says
    what cannot, one sentence per piece."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.unreadable: list[str] = []
        self._db: sqlite3.Connection | None = None
        self._columns: dict[str, set[str]] = {}
        try:
            self._db = sqlite3.connect(f"file:{urllib.parse.quote(str(path))}?mode=ro", uri=True)
            self._columns = {table: self._table_columns(table)
                             for table in ("conversations", "messages", "attachments", "attachment_blobs")}
        except sqlite3.Error as error:
            self.unreadable.append(f"{path.name} cannot be opened at all ({error}).")
            self.close()

    def __enter__(self) -> SalvageReader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def _table_columns(self, table: str) -> set[str]:
        """The table's columns as this file has them (none when its schema version predates the table)."""
        assert self._db is not None
        return {str(row[1]) for row in self._db.execute(f"PRAGMA table_info({table})")}

    def conversations(self) -> Iterator[Conversation]:
        """Each readable conversation in turn (oldest first); what is lost is added to ``unreadable`` as found."""
        if self._db is None:
            return
        for conversation_id, title, created_at, pinned in self._heads():
            messages = self._messages(conversation_id, title)
            if messages is not None:
                yield Conversation(title=title, id=conversation_id, created_at=created_at, messages=messages,
                                   pinned=pinned)

    # -- conversations ------------------------------------------------------------------------------

    def _heads(self) -> list[tuple[str, str, str, bool]]:
        assert self._db is not None
        pinned = "pinned" if "pinned" in self._columns["conversations"] else "0"  # schema 1 had no pins
        try:
            rows = self._db.execute(
                f"SELECT id, title, created_at, {pinned} FROM conversations ORDER BY updated_at").fetchall()
        except sqlite3.Error as error:
            self.unreadable.append(f"The list of conversations is damaged ({error}); titles are lost.")
        else:
            return [(row[0], _text_or(row[1], RECOVERED_TITLE), _text_or(row[2], ""), bool(row[3]))
                    for row in rows if isinstance(row[0], str)]
        try:
            rows = self._db.execute("SELECT conversation_id, MIN(created_at) FROM messages "
                                    "GROUP BY conversation_id").fetchall()
        except sqlite3.Error as error:
            self.unreadable.append(f"The messages are damaged too ({error}).")
            return []
        return [(row[0], RECOVERED_TITLE, _text_or(row[1], ""), False) for row in rows if isinstance(row[0], str)]

    # -- messages -----------------------------------------------------------------------------------

    def _messages(self, conversation_id: str, title: str) -> list[Message] | None:
        """The conversation's messages that can be read, each through its own row; None when not one can."""
        assert self._db is not None
        rowids = self._message_rowids(conversation_id, title)
        if rowids is None:
            return None
        present = self._columns["messages"]
        columns = ", ".join(column if column in present else f"{LATER_MESSAGE_COLUMNS[column]} AS {column}"
                            for column in MESSAGE_COLUMNS)
        messages = []
        for number, rowid in enumerate(rowids, start=1):
            try:
                row = self._db.execute(f"SELECT {columns} FROM messages WHERE rowid = ?", (rowid,)).fetchone()
                if row is None:
                    raise ValueError("its row is gone")
                message = message_from_row(row)
            except (sqlite3.Error, ValueError, TypeError) as error:
                self.unreadable.append(f"“{title}”: message {number} could not be read ({error}).")
                continue
            if row[14] and not message.reasoning_blocks:
                self.unreadable.append(f"“{title}”: the signed reasoning of message {number} could not be read.")
            message.attachments = self._attachments(message.id, title, number)
            messages.append(message)
        return messages

    def _message_rowids(self, conversation_id: str, title: str) -> list[int] | None:
        """Where each message is, in order, from the index alone (a damaged table page then loses only its rows),
        else from the table itself as far as it reads."""
        assert self._db is not None
        try:
            return [row[0] for row in self._db.execute(
                "SELECT rowid FROM messages WHERE conversation_id = ? ORDER BY position", (conversation_id,))]
        except sqlite3.Error:
            pass
        found: list[tuple[object, int]] = []
        try:
            for rowid, position in self._db.execute(
                    "SELECT rowid, position FROM messages NOT INDEXED WHERE conversation_id = ?", (conversation_id,)):
                found.append((position, rowid))
        except sqlite3.Error as error:
            if not found:
                self.unreadable.append(f"“{title}”: its messages cannot be read ({error}).")
                return None
            self.unreadable.append(f"“{title}”: some of its messages cannot be read ({error}).")
        found.sort(key=lambda item: item[0] if isinstance(item[0], int) else 0)
        return [rowid for _, rowid in found]

    # -- attachments --------------------------------------------------------------------------------

    def _attachments(self, message_id: str, title: str, number: int) -> tuple[Attachment, ...]:
        """A message's attachments, each read and checked on its own: one that cannot be read is named and left
        out, the others kept."""
        assert self._db is not None
        columns = self._columns["attachments"]
        if not columns:  # before schema 5, nothing was attached
            return ()
        try:
            places = self._db.execute("SELECT rowid, name FROM attachments WHERE message_id = ? ORDER BY position",
                                      (message_id,)).fetchall()
        except sqlite3.Error as error:
            self.unreadable.append(f"“{title}”: the attachments of message {number} could not be read ({error}).")
            return ()
        if "blob" in columns and self._columns["attachment_blobs"]:
            query = ("SELECT a.kind, a.format, a.name, COALESCE(b.data, a.data), a.blob FROM attachments a"
                     " LEFT JOIN attachment_blobs b ON b.digest = a.blob WHERE a.rowid = ?")
        else:  # schema 5: the bytes are in the row
            query = "SELECT kind, format, name, data, NULL FROM attachments WHERE rowid = ?"
        kept = []
        for rowid, name in places:
            try:
                row = self._db.execute(query, (rowid,)).fetchone()
                if row is None:
                    raise AttachmentError("its row is gone")
                kept.append(attachment_from_row(*row))
            except (sqlite3.Error, AttachmentError) as error:
                shown = display_name(name) if isinstance(name, str) else "(its name is lost)"
                self.unreadable.append(f"“{title}”: attachment {shown} of message {number} could not be read "
                                       f"({str(error).rstrip('.')}).")
        return tuple(kept)


def _text_or(value: object, fallback: str) -> str:
    return value if isinstance(value, str) else fallback
