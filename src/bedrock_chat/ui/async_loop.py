"""qasync runs asyncio on Qt's own event loop, so control-plane calls are awaited without blocking the GUI."""

from __future__ import annotations

import asyncio

import qasync
from PySide6.QtWidgets import QApplication


def ensure_async_loop() -> None:
    """Installs the qasync loop on first use (after the first frame: asyncio and qasync take 30 ms to import)."""
    try:
        loop = asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        loop = None
    if not isinstance(loop, qasync.QEventLoop):
        asyncio.set_event_loop(qasync.QEventLoop(QApplication.instance(), already_running=True))
