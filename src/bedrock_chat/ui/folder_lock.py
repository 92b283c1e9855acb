"""One running app per data folder: a lock file in the folder, and a local socket through which a second start
brings the first window forward.

Why a lock and not shared use: two copies on one history each keep their own idea of the conversation (message
positions, the undo list of deleted conversations), so one copy's turns interleave with the other's and one
copy's close purges what the other could still undo. Sharing safely would need every view to reload on every
change; a second window of the same history has no use that is worth that.

QLockFile writes the holder's process id and host; a lock left by a process that no longer runs (kill -9, a
crash) is taken over, so a crash never locks a person out.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLockFile, QObject, QSysInfo, QTimer, Signal
from PySide6.QtWidgets import QWidget

from bedrock_chat.core.store_errors import StoreError, StoreProblemKind

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

LOCK_NAME = "bedrock-chat.lock"
_RAISE = b"raise\n"
_ANSWER_TIMEOUT_MS = 3000


class FolderInUse(RuntimeError):
    """Another running Bedrock Chat holds the data folder; the message names it."""

    def __init__(self, data_dir: Path, pid: int, host: str, brought_forward: bool) -> None:
        self.pid, self.host, self.brought_forward = pid, host, brought_forward
        holder = f"process {pid}" + (f" on {host}" if host and host != QSysInfo.machineHostName() else "")
        then = ("Its window was brought forward." if brought_forward
                else "Switch to that window, or start with --data-dir pointing to another folder.")
        super().__init__(f"Bedrock Chat is already open on the data folder {data_dir} ({holder}). {then}")


def server_name(data_dir: Path) -> str:
    """One socket name per data folder, short enough for the Unix socket path limit."""
    digest = hashlib.sha256(str(data_dir.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:20]
    return f"bedrock-chat-{os.getuid() if hasattr(os, 'getuid') else 0}-{digest}"


class FolderLock(QObject):
    activation_requested = Signal()
    """A second start on the same folder asked this one's window to come forward."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__()
        self.data_dir = data_dir
        self._lock = QLockFile(str(data_dir / LOCK_NAME))
        self._lock.setStaleLockTime(0)  # never stale by age: only when its process is gone
        self._server: QLocalServer | None = None
        self.held = False

    def acquire(self) -> None:
        """Takes the folder, or raises FolderInUse after asking the holder to show its window.

        A folder where no lock file can be written (read-only) is not locked: nothing can be saved there,
        so two copies cannot overwrite each other's history."""
        if self._lock.tryLock(0):
            self.held = True
            # QtNetwork takes 10-20 ms to import: listen once the event loop runs, not before the first frame.
            QTimer.singleShot(0, self._serve)
            return
        if self._lock.error() != QLockFile.LockError.LockFailedError:
            log.warning("no lock on %s (%s); continuing without one", self.data_dir, self._lock.error().name)
            return
        info = self._lock.getLockInfo()  # PySide6 returns (pid, hostname, appname)
        pid, host = (info[0], info[1]) if isinstance(info, tuple) and len(info) >= 2 else (0, "")
        raise FolderInUse(self.data_dir, int(pid), str(host), _ask_to_come_forward(server_name(self.data_dir)))

    def claim_for_writing(self) -> None:
        """For a history opened read-only without the lock (it could not be written): take the lock before the
        first write once the folder is writable, or refuse the write."""
        if self.held:
            return
        if self._lock.tryLock(0):
            self.held = True
            self._serve()
            return
        if self._lock.error() == QLockFile.LockError.LockFailedError:
            info = self._lock.getLockInfo()
            pid = info[0] if isinstance(info, tuple) and info else 0
            raise StoreError(f"Another copy of Bedrock Chat (process {pid}) now uses the data folder "
                             f"{self.data_dir}, so this window does not write to it.", StoreProblemKind.BUSY)
        raise StoreError(f"The data folder {self.data_dir} is read-only.", StoreProblemKind.READ_ONLY)

    def _serve(self) -> None:
        from PySide6.QtNetwork import QLocalServer

        if not self.held or self._server is not None:
            return
        name = server_name(self.data_dir)
        QLocalServer.removeServer(name)  # a socket file left by a crashed holder; the lock says it is ours now
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(name):
            log.warning("cannot listen for second starts on %s: %s", name, server.errorString())
            return
        server.newConnection.connect(self._on_connection)
        self._server = server

    def _on_connection(self) -> None:
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            socket.readyRead.connect(lambda s=socket: self._on_request(s))
            socket.disconnected.connect(socket.deleteLater)

    def _on_request(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll().data()).startswith(_RAISE.strip()):
            self.activation_requested.emit()
            socket.write(f"raised {os.getpid()}\n".encode())
            socket.flush()

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        if self.held:
            self._lock.unlock()
            self.held = False


def _ask_to_come_forward(name: str) -> bool:
    """True once the running copy answered that it raised its window (it answers from its event loop)."""
    from PySide6.QtNetwork import QLocalSocket

    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(_ANSWER_TIMEOUT_MS):
        return False
    socket.write(_RAISE)
    socket.flush()
    answered = socket.waitForReadyRead(_ANSWER_TIMEOUT_MS) and bytes(socket.readAll().data()).startswith(b"raised")
    socket.disconnectFromServer()
    return answered


def bring_forward(window: QWidget) -> None:
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()
