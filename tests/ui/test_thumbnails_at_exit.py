"""Closing the window while thumbnails still decode ends the process quietly: a decode that finishes after the
application (and the thumbnail cache with it) was destroyed has nobody to report to, and says nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

_CHILD = textwrap.dedent("""
    import sys, threading, time
    from pathlib import Path
    import shiboken6
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from bedrock_chat.app import create_window
    from bedrock_chat.ui.attachment_thumbnails import thumbnails
    from tests.attachment_files import png

    def main():
        folder = Path(sys.argv[1])
        pictures = []
        for n in range(4):
            path = folder / f"picture-{n}.png"
            path.write_bytes(png(600 + n, 400))
            pictures.append(path)
        window = create_window(["--offline", "--data-dir", str(folder / "data")])
        app = QApplication.instance()
        # The decoder is held until the application is gone, so every decode is still in flight then, whatever
        # the machine's speed.
        released = threading.Event()
        thumbnails()._jobs.put(lambda: released.wait(30))

        def attach_send_and_close():
            window.attachment_intake.add_paths(pictures)  # what File > Attach's dialog answers lead to
            window.prompt.setPlainText("What is in these pictures?")
            window.send_button.click()
            window.close()

        QTimer.singleShot(0, attach_send_and_close)
        window.show()
        code = app.exec()
        print("loop ended", flush=True)
        # As the interpreter's exit does, in a fixed order: the application (the thumbnail cache with it) is
        # destroyed while the decoder thread, a daemon, still runs; the decodes then finish.
        del window
        shiboken6.delete(app)
        released.set()
        time.sleep(1.0)
        sys.exit(code)

    if __name__ == "__main__":
        main()
""")


def test_closing_with_thumbnails_still_decoding_exits_quietly(tmp_path: Path) -> None:
    script = tmp_path / "close_mid_decode.py"
    script.write_text(_CHILD, encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": os.pathsep.join(
        [str(root), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, str(script), str(tmp_path)], check=False, env=env, capture_output=True,
                          text=True, timeout=120)
    assert "loop ended" in done.stdout, done.stderr
    assert done.returncode == 0, done.stderr
    for sign in ("already deleted", "has been deleted", "Traceback", "Exception in thread"):
        assert sign not in done.stderr, done.stderr
