"""Thumbnails decode on a worker thread while the GUI thread draws icons: neither may ever wait for the other.

The worker's decoder once read from a QBuffer made in Python; every read of it asked for the GIL while Qt's image
plugin lock was held, and the GUI thread, holding the GIL, waited for that lock to draw a file icon: the window
froze for good (seen when a pasted image's chip was added while another thumbnail decoded)."""

from __future__ import annotations

import faulthandler
import sys
import time

from bedrock_chat.core.attachments import make_attachment
from bedrock_chat.ui.attachment_thumbnails import file_icon, thumbnails
from tests.attachment_files import png


def test_icons_drawn_while_thumbnails_decode_never_freeze_the_window(qtbot):
    # A freeze cannot be interrupted from Python: the process is ended with the threads' stacks instead.
    faulthandler.dump_traceback_later(60, exit=True, file=sys.stderr)
    try:
        shared = thumbnails()
        images = [make_attachment(f"{n}.png", png(40 + n % 7, 30 + n % 5, extra=n)) for n in range(400)]
        deadline = time.monotonic() + 3.0
        for image in images:
            shared.cached(image)  # queued on the worker
        while time.monotonic() < deadline:
            file_icon().pixmap(16, 16)  # the GUI thread draws an icon meanwhile
        shared.wait_idle()
    finally:
        faulthandler.cancel_dump_traceback_later()
