"""Takes the screenshots of the real app under a real X server (Xvfb), all against the built-in endpoint:

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python docs/make_screenshots.py

welcome.png: a first run with no AWS credentials; streamed-reply.png: a reply streamed from the built-in endpoint
(both for the README). Then, at 900x600, 1280x820 and 1920x1080, in the light and the dark theme
(``SCENE-WxH-THEME.png``): the empty window, a reply streaming with code and a table, a thinking reply, an error,
a search, and the model picker. No credentials or config of the person running it are read: HOME and the AWS
files point at empty places. ``--only 1280x820`` limits the sizes (the README pair is then skipped).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "screenshots"
PROMPT = "what is capital of Nepal"
SIZES = ((900, 600), (1280, 820), (1920, 1080))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshot_scenes import scene_shots  # noqa: E402  (beside this script)


def wait(app, condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for the window")
        app.processEvents()
        time.sleep(0.01)


def settle(app, seconds: float) -> None:
    wait_until = time.monotonic() + seconds
    while time.monotonic() < wait_until:
        app.processEvents()
        time.sleep(0.01)


def main() -> int:
    home = Path(tempfile.mkdtemp(prefix="bedrock-chat-shots-"))
    for name in [name for name in os.environ if name.startswith("AWS_")]:
        del os.environ[name]
    os.environ.update({"HOME": str(home), "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                       "XDG_CONFIG_HOME": str(home / ".config")})
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    from PySide6.QtWidgets import QApplication

    from bedrock_chat.app import create_window, stop_local_endpoints

    sizes = [size for size in SIZES if "--only" not in sys.argv or f"{size[0]}x{size[1]}" in sys.argv]
    if "--only" not in sys.argv:
        readme_shots(home, create_window)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    written = [path for size in sizes for theme in ("light", "dark")
               for path in scene_shots(app, create_window, home, size, theme)]
    stop_local_endpoints()
    print(f"wrote {len(written)} screenshots in {OUT}")
    return 0


def readme_shots(home: Path, create_window) -> None:
    from PySide6.QtWidgets import QApplication

    window = create_window(["--data-dir", str(home / "data"), "--tokens-per-second", "40"])
    app = QApplication.instance()
    window.resize(1280, 800)
    window.show()
    wait(app, lambda: bool(window.models))
    settle(app, 0.5)
    OUT.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(OUT / "welcome.png"))

    from bedrock_chat.ui.welcome_panel import WelcomePanel

    window.findChild(WelcomePanel).try_local_button.click()
    window.prompt.setPlainText(PROMPT)
    window.send_button.click()
    finished = []
    window.reply_finished.connect(finished.append)
    wait(app, lambda: bool(finished), timeout=60)
    settle(app, 0.5)
    window.grab().save(str(OUT / "streamed-reply.png"))
    window.close()
    print(f"wrote {OUT / 'welcome.png'} and {OUT / 'streamed-reply.png'}")


if __name__ == "__main__":
    sys.exit(main())
