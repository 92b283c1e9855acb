"""Entry point: parses the command line, builds the window (``create_window``) and runs the event loop.

Startup imports only what the first window needs; boto3 is imported off the GUI thread after it shows.
"""

from __future__ import annotations

import argparse
import functools
import logging
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from bedrock_chat.ui.main_window import MainWindow

from bedrock_chat.logging_setup import quiet_sdk_loggers

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bedrock-chat", description="Chat with the foundation models on "
                                     "Amazon Bedrock. With no AWS credentials (nor AWS_BEARER_TOKEN_BEDROCK) set "
                                     "up it starts offline, on the built-in local endpoint.")
    parser.add_argument("--offline", action="store_true", help="use the built-in local Bedrock endpoint")
    parser.add_argument("--online", action="store_true", help="use AWS even if no credentials are found")
    parser.add_argument("--endpoint-url", help="send requests to this Bedrock-compatible endpoint")
    parser.add_argument("--region", help="AWS region (default: the profile's, or us-east-1)")
    parser.add_argument("--profile", help="AWS profile from your config (SSO profiles included)")
    parser.add_argument("--model", help="model id, inference profile id or ARN (application inference profiles "
                        "included) to use, e.g. amazon.nova-micro-v1:0; used as given, never replaced")
    parser.add_argument("--data-dir", type=Path, help="where conversations and settings are kept")
    parser.add_argument("--tokens-per-second", type=float, default=300.0,
                        help="pace of the built-in endpoint's streams in offline mode (0: as fast as possible)")
    add_program_options(parser)
    return parser


def add_program_options(parser: argparse.ArgumentParser) -> None:
    """Options about the program itself rather than a chat: version, self-check, logging."""
    from bedrock_chat import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--self-check", action="store_true",
                        help="open the window offscreen on the built-in endpoint, stream one reply, check it is "
                        "saved, print one line and exit (0: passed); uses a temporary data folder unless "
                        "--data-dir is given")
    parser.add_argument("--log-dir", type=Path, help="where the log file goes (default: your user log folder)")
    parser.add_argument("--debug", action="store_true", help="write debug detail to the log file (never secrets)")


def _has_aws_credentials(profile: str | None) -> bool:
    """A cheap look, without importing boto3: environment (a Bedrock API key included), profile, shared files."""
    if profile or os.environ.get("AWS_PROFILE") or os.environ.get("AWS_ACCESS_KEY_ID"):
        return True
    if os.environ.get("AWS_BEARER_TOKEN_BEDROCK", "").strip():
        return True
    if os.environ.get("AWS_CONTAINER_CREDENTIALS_FULL_URI") or os.environ.get("AWS_WEB_IDENTITY_TOKEN_FILE"):
        return True
    home = Path.home() / ".aws"
    config = Path(os.environ.get("AWS_CONFIG_FILE", home / "config"))
    credentials = Path(os.environ.get("AWS_SHARED_CREDENTIALS_FILE", home / "credentials"))
    return any(path.is_file() and path.stat().st_size > 0 for path in (config, credentials))


def _default_data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path("bedrock-chat", appauthor=False)


_local_servers: list[Any] = []


def _start_local_endpoint(tokens_per_second: float) -> str:
    from bedrock_chat.local_endpoint import LocalBedrockServer, ServerOptions

    server = LocalBedrockServer(ServerOptions(tokens_per_second=tokens_per_second)).start()
    _local_servers.append(server)
    return server.url


def stop_local_endpoints() -> None:
    while _local_servers:
        _local_servers.pop().stop()


def create_window(argv: list[str] | None = None) -> MainWindow:
    """Builds the main window from command-line arguments without entering the event loop."""
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from bedrock_chat.bedrock.connection import ConnectionSettings
    from bedrock_chat.ui.folder_lock import FolderLock
    from bedrock_chat.ui.main_window import MainWindow
    from bedrock_chat.ui.settings_store import SettingsStore

    args = build_parser().parse_args(argv if argv is not None else [])
    quiet_sdk_loggers()
    # A turn thread decodes streams in Python when no turn host process runs them (bedrock/turn_host.py); with
    # the default 5 ms switch interval the GUI thread waited tens of milliseconds for the GIL behind it. 1 ms
    # keeps frames on time (bench/stream_render.py).
    sys.setswitchinterval(0.001)
    # Qt fills large gradients (the Fusion scroll bar, beside a streaming reply) on a pool of low-priority
    # threads and waits for them: on a busy machine that was a quarter of the GUI thread's samples while a reply
    # streamed (py-spy, bench/stream_render.py), 2 % without the pool. A chat window gains nothing from it.
    os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "bedrock-chat"])
    app.setApplicationName("Bedrock Chat")
    QGuiApplication.setDesktopFileName("bedrock-chat")
    from bedrock_chat.ui.app_icon import app_icon

    QApplication.setWindowIcon(app_icon())

    data_dir = args.data_dir or _default_data_dir()
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:  # read-only parent, a file in the way: the window says so (the store names it)
        log.warning("cannot create the data folder %s: %s", data_dir, error.strerror or error)
    lock = FolderLock(data_dir)
    if data_dir.is_dir():
        lock.acquire()  # raises FolderInUse when another copy runs on this folder
    saved = SettingsStore(data_dir)
    # An API key saved in the keyring is a way in too (only the fact is in the settings, never the key).
    has_way_in = _has_aws_credentials(args.profile) or saved.api_key_saved()
    offline = args.offline or (not args.online and not args.endpoint_url and not has_way_in)
    # The built-in endpoint starts on a background thread when offline needs it (its imports take 60 ms); the
    # Connection dialog can switch to it later, so the window always gets the means to start it.
    start_endpoint = functools.partial(_start_local_endpoint, args.tokens_per_second)
    region = (args.region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
              or saved.region() or "us-east-1")
    profile = args.profile or saved.profile()
    connection = ConnectionSettings(region=region, profile=profile, endpoint_url=args.endpoint_url, offline=offline)
    log.info("data folder %s; %s", data_dir, connection.description)  # names only: never a credential
    window = MainWindow(connection, data_dir, saved, preferred_model=args.model, start_endpoint=start_endpoint,
                        folder_lock=lock)
    # A bound method, not a lambda holding the window: Qt holds what is connected out of the collector's sight,
    # so a lambda here kept every closed window and all it held alive for good.
    lock.activation_requested.connect(window.bring_forward)
    if offline and not args.offline and not args.endpoint_url:  # offline for lack of credentials: say how to get in
        from bedrock_chat.ui.welcome_panel import show_welcome

        show_welcome(window)
    return window


def _close_on_termination(window: QWidget) -> None:
    """SIGTERM and SIGINT close the window as a click would, so the reply in flight and the layout are saved."""
    from PySide6.QtCore import QTimer

    def close(signum: int, frame: Any) -> None:
        window.close()

    signal.signal(signal.SIGTERM, close)
    signal.signal(signal.SIGINT, close)
    # Python runs signal handlers only between bytecodes; a light timer gives it the chance in Qt's loop.
    timer = QTimer(window)
    timer.setInterval(200)
    timer.timeout.connect(lambda: None)
    timer.start()


def _tell_startup_failure(text: str) -> None:
    """stderr always; a dialog too when there is a screen to show it on."""
    print(text, file=sys.stderr)
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is not None and QGuiApplication.platformName() not in ("offscreen", "minimal"):
        from bedrock_chat.ui.message_boxes import alert

        alert(None, "Bedrock Chat", text)  # the error may quote a path: shown as plain text


def run(window: MainWindow) -> NoReturn:
    """Shows the window, runs the event loop until it closes, and ends the process with Qt's exit code.

    When the loop ends the window has saved everything and closed the store and the settings. The interpreter's
    own teardown of boto3, Qt and the rendering caches then took 0.3-0.8 s more (measured, CPU only), which a
    person waits through with the window already gone, so it is skipped. A turn thread still inside botocore
    (a back-off sleep) is a daemon that holds nothing to save.
    """
    from PySide6.QtWidgets import QApplication

    window.show()
    app = QApplication.instance()
    assert app is not None
    _close_on_termination(window)
    try:
        code = int(app.exec())
        window.close()  # if something other than closing the window ended the loop, it saves what it holds now
    finally:
        stop_local_endpoints()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    if getattr(sys, "frozen", False):  # in a bundle the turn host process starts this same executable
        import multiprocessing

        multiprocessing.freeze_support()  # which then runs the host instead of the app, and exits
    arguments = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(arguments)  # --help and --version end here, before Qt loads
    from bedrock_chat.logging_setup import configure_logging

    configure_logging(args.log_dir, logging.DEBUG if args.debug else logging.INFO)
    if args.self_check:
        from bedrock_chat import self_check

        return self_check.run(arguments, args.data_dir)
    from bedrock_chat.qt_platform_check import check_before_qt

    problem = check_before_qt()
    if problem is not None:
        return problem
    from bedrock_chat.ui.folder_lock import FolderInUse

    try:
        window = create_window(arguments)
    except FolderInUse as busy:
        if busy.brought_forward:
            print(busy, file=sys.stderr)
            return 0
        _tell_startup_failure(str(busy))  # started from a desktop icon, nothing else would be seen
        return 1
    except Exception as error:  # the last resort: one sentence, never a traceback
        log.debug("startup failed", exc_info=True)
        _tell_startup_failure(f"Bedrock Chat could not start: {error}")
        return 1
    run(window)


if __name__ == "__main__":
    raise SystemExit(main())
