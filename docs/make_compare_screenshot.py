"""Takes the README's compare-mode screenshot of the real app under a real X server (Xvfb):

    xvfb-run -s "-screen 0 1480x820x24" .venv/bin/python docs/make_compare_screenshot.py [WIDTHxHEIGHT]

compare.png: three columns (Nova Micro as set, Nova Micro at temperature 1, Claude 3 Haiku whose stream the built-in
endpoint drops on purpose) after one prompt, the first column's answer kept. Nothing of the person running it is
read: the data folder is a fresh temporary one and the app runs on its own built-in endpoint. With a size (for
example 900x600), the window has that size and the picture is ``compare-900x600.png``: there the side panels step
aside for the columns.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "screenshots" / "compare.png"
PROMPT = "Explain how glaciers shape valleys, with a short list and a code example [tokens:220]"


def pump(app: Any, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.005)


def main(argv: list[str]) -> None:
    width, height = (int(part) for part in (argv[0] if argv else "1480x820").split("x"))
    out = OUT if not argv else OUT.with_name(f"compare-{width}x{height}.png")
    os.environ["AWS_CONFIG_FILE"] = os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from bedrock_chat.app import create_window
    from bedrock_chat.local_endpoint import LocalBedrockServer, ServerOptions

    with LocalBedrockServer(ServerOptions(tokens_per_second=80, first_token_delay=0.1)) as server:
        window: Any = create_window(["--offline", "--endpoint-url", server.url, "--data-dir", tempfile.mkdtemp()])
        app = QApplication.instance()
        window.resize(width, height)
        window.show()
        deadline = time.monotonic() + 30
        while not window.models and time.monotonic() < deadline:
            pump(app, 0.05)
        window.action_by_id["chat.compare"].trigger()
        panel = window.compare.panel
        panel.count.setValue(3)
        for column, model in zip(panel.columns, ("nova micro", "nova micro", "claude 3 haiku"), strict=True):
            column.model_picker.open_popup()  # as a person picks: the column's picker, its filter, Enter
            column.model_picker.popup.filter.setText(model)
            QTest.keyClick(column.model_picker.popup.filter, Qt.Key.Key_Return)
        panel.columns[1].temperature.setValue(1.0)
        panel.columns[2].system_prompt.setText("[fault:drop:40]")
        done: list[Any] = []
        window.compare_finished.connect(done.append)
        window.prompt.setPlainText(PROMPT)
        window.send_button.click()
        deadline = time.monotonic() + 30
        while not done and time.monotonic() < deadline:
            pump(app, 0.05)
        pump(app, 0.5)
        panel.columns[0].keep_button.click()
        pump(app, 0.5)
        out.parent.mkdir(exist_ok=True)
        window.grab().save(str(out))
        window.close()
    print(out)


if __name__ == "__main__":
    main(sys.argv[1:])
