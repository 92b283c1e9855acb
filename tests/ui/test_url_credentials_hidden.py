"""A token or password in the user info of an endpoint URL (``http://TOKEN@host``, ``http://:SECRET@host``) is
never shown in the window (the toolbar, the connection checks, the error banner) nor written to the log."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtWidgets import QCheckBox, QLineEdit, QPushButton

from bedrock_chat.logging_setup import configure_logging, remove_handlers
from tests.ui.test_connection import named, open_dialog, run_test

TOKEN = "tok3n-only-userinfo"
PASSWORD = "empty-user-s3cret"


def test_a_token_in_the_endpoint_url_stays_out_of_the_window_and_the_log(qtbot, make_window, local_server,
                                                                       tmp_path) -> None:  # type: ignore[no-untyped-def]
    log_file = configure_logging(tmp_path / "logs", logging.DEBUG)
    assert log_file is not None
    try:
        window = make_window(local_server.url.replace("http://", f"http://{TOKEN}@"), data_dir=tmp_path / "data")
        shown: list[str] = [window.connection_label.text(), window.connection_label.toolTip()]
        assert "127.0.0.1" in shown[0]

        # The user points the app at an endpoint whose password has no user name, and it does not answer.
        dialog = open_dialog(qtbot, window)
        named(dialog, QCheckBox, "Offline").setChecked(False)
        named(dialog, QLineEdit, "Endpoint URL").setText(f"http://:{PASSWORD}@127.0.0.1:9")
        shown += run_test(qtbot, dialog).values()
        named(dialog, QPushButton, "Connect").click()
        qtbot.waitUntil(window.error_banner.isVisible, timeout=30000)
        banner = window.error_banner
        shown += [window.connection_label.text(), window.connection_label.toolTip(), banner.title.text(),
                  banner.text.text(), banner.details.toPlainText()]
        # Anything logged that quotes such a URL (a traceback, a library's message) is cleaned too.
        logging.getLogger("bedrock_chat.test").warning("could not reach https://%s@gateway.example/x", TOKEN)
        window.close()
    finally:
        remove_handlers()
    logged = log_file.read_text(encoding="utf-8")
    assert "127.0.0.1" in logged and "gateway.example" in logged
    for text in [*shown, logged]:
        assert TOKEN not in text and PASSWORD not in text, text


def test_hide_password_masks_every_form_of_user_info() -> None:
    from bedrock_chat.bedrock.connection import hide_password

    cases: dict[str, Any] = {
        "https://token@host": "https://…@host",
        "https://:secret@host": "https://…@host",
        "https://user:@host": "https://user:…@host",
        "https://user:p%40ss@host/path": "https://user:…@host/path",
        "https://alice:hunt@er2@proxy.example:3128": "https://alice:…@proxy.example:3128",
        "https://user:pw@[::1]:8080/x": "https://user:…@[::1]:8080/x",
        "HTTP://TOKEN@[fe80::1%25eth0]:1/": "HTTP://…@[fe80::1%25eth0]:1/",
        "http://host:80/a@b?c@d": "http://host:80/a@b?c@d",  # an "@" past the authority is not user info
        # In a message, the URL ends at white space: an e-mail address further on is neither masked nor eaten.
        "proxy http://u:p@gate:3128 (ask admin@example.com)": "proxy http://u:…@gate:3128 (ask admin@example.com)",
    }
    for url, expected in cases.items():
        assert hide_password(url) == expected, url
