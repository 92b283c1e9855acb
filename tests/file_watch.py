"""Watching a file with inotify (through ctypes): proves that nothing opened or read it, where a return value
could not (Qt may read a file by a path that never reaches our code)."""

from __future__ import annotations

import ctypes
import os
import struct
from pathlib import Path

IN_ACCESS = 0x001
IN_OPEN = 0x020
_EVENT = struct.Struct("iIII")


class FileWatch:
    def __init__(self, path: Path) -> None:
        self._libc = ctypes.CDLL(None, use_errno=True)
        self._fd = self._libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self._fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")
        if self._libc.inotify_add_watch(self._fd, str(path).encode(), IN_ACCESS | IN_OPEN) < 0:
            raise OSError(ctypes.get_errno(), f"cannot watch {path}")

    def events(self) -> list[int]:
        """The masks of every open or read of the file since the last call."""
        masks = []
        while True:
            try:
                data = os.read(self._fd, 65536)
            except BlockingIOError:
                return masks
            offset = 0
            while offset < len(data):
                _, mask, _, length = _EVENT.unpack_from(data, offset)
                masks.append(mask)
                offset += _EVENT.size + length

    def close(self) -> None:
        os.close(self._fd)


def watched_image(path: Path) -> FileWatch:
    """A small PNG at ``path`` and a watch on it, proven to see a read: its silence afterwards means something."""
    from PySide6.QtGui import QColor, QImage

    image = QImage(4, 4, QImage.Format.Format_ARGB32)
    image.fill(QColor("green"))
    image.save(str(path))
    watch = FileWatch(path)
    path.read_bytes()
    assert watch.events()
    return watch
