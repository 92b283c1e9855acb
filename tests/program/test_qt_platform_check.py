"""Startup on Linux/X11 names the missing system libraries, checked by the linker, and the command to get them."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bedrock_chat import app
from bedrock_chat.qt_platform_check import (
    EXIT_MISSING_LIBRARIES,
    EXIT_NO_DISPLAY,
    check_before_qt,
    find_missing,
    missing_from_ldd,
    uses_xcb,
    xcb_plugin_path,
)

# What ldd printed for PySide6's libqxcb.so on a fresh Debian 12 with a display (trimmed).
LDD_OUTPUT = """\
\tlinux-vdso.so.1 (0x00007ffd)
\tlibQt6XcbQpa.so.6 => /opt/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f87)
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007f87)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-util.so.1 => /lib/x86_64-linux-gnu/libxcb-util.so.1 (0x00007f87)
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f87)
"""
DISPLAY_ENV = {"DISPLAY": ":0"}


@pytest.fixture
def fake_plugin(tmp_path):
    """A plugin folder of our own: the checker reads only what the linker says about the file in it."""
    plugin = tmp_path / "platforms" / "libqxcb.so"
    plugin.parent.mkdir()
    plugin.write_bytes(b"\x7fELF")
    return plugin


def test_ldd_output_gives_each_missing_library_once():
    assert missing_from_ldd(LDD_OUTPUT) == ("libxcb-icccm.so.4", "libxcb-keysyms.so.1")
    assert missing_from_ldd(LDD_OUTPUT.replace("not found", "/usr/lib/x.so (0x1)")) == ()


def test_missing_libraries_are_named_with_the_one_install_command(fake_plugin, capsys):
    status = check_before_qt(DISPLAY_ENV, fake_plugin, ldd=lambda path: LDD_OUTPUT)
    assert status == EXIT_MISSING_LIBRARIES
    err = capsys.readouterr().err
    assert "libxcb-icccm.so.4" in err and "libxcb-keysyms.so.1" in err
    assert "apt-get install libxcb-icccm4 libxcb-keysyms1\n" in err
    assert err.count("apt-get install") == 1
    assert "libxcb-cursor0" not in err  # Qt's own guess, which was wrong: we report only what is missing
    assert str(fake_plugin) in err


def test_a_library_without_a_known_package_is_still_named(fake_plugin, capsys):
    output = LDD_OUTPUT + "\tlibfrobnicate.so.2 => not found\n"
    assert check_before_qt(DISPLAY_ENV, fake_plugin, ldd=lambda path: output) == EXIT_MISSING_LIBRARIES
    err = capsys.readouterr().err
    assert "libfrobnicate.so.2" in err and "apt-file search libfrobnicate.so.2" in err
    assert "apt-get install libxcb-icccm4 libxcb-keysyms1\n" in err


def test_nothing_missing_lets_qt_start(fake_plugin, capsys):
    complete = LDD_OUTPUT.replace("not found", "/lib/x86_64-linux-gnu/lib.so (0x1)")
    assert check_before_qt(DISPLAY_ENV, fake_plugin, ldd=lambda path: complete) is None
    assert find_missing(fake_plugin.with_name("absent.so"), ldd=lambda path: LDD_OUTPUT) is None
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(("environ", "platform", "expected"), [
    ({"DISPLAY": ":0"}, "linux", True),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, "linux", False),
    ({"QT_QPA_PLATFORM": "xcb"}, "linux", True),
    ({"QT_QPA_PLATFORM": "wayland;xcb", "DISPLAY": ":0"}, "linux", False),
    ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"}, "linux", False),
    ({"DISPLAY": ":0"}, "darwin", False),
    ({}, "linux", False),
])
def test_the_check_runs_only_where_qt_would_use_xcb(environ, platform, expected):
    assert uses_xcb(environ, platform) is expected


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the display check is for Linux")
def test_no_display_at_all_is_said_in_words_with_what_to_do(capsys):
    assert check_before_qt({}, ldd=lambda path: "") == EXIT_NO_DISPLAY
    err = capsys.readouterr().err
    assert "there is no display" in err and "bedrock-chat --self-check" in err
    assert check_before_qt({"QT_QPA_PLATFORM": "offscreen"}, ldd=lambda path: LDD_OUTPUT) is None
    assert check_before_qt({"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"}) is None


def test_the_real_plugin_is_found_and_checked_with_the_real_linker():
    plugin = xcb_plugin_path()
    assert plugin.is_file()
    real = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, check=False).stdout
    result = find_missing(plugin)
    assert (result.sonames if result else ()) == missing_from_ldd(real)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the xcb plugin exists on Linux only")
def test_the_app_exits_non_zero_before_qt_when_libraries_are_missing(monkeypatch, tmp_path, capsys):
    from bedrock_chat import qt_platform_check

    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setattr(qt_platform_check, "run_ldd", lambda path: LDD_OUTPUT)
    status = app.main(["--offline", "--data-dir", str(tmp_path / "data"), "--log-dir", str(tmp_path / "logs")])
    assert status == EXIT_MISSING_LIBRARIES
    assert "apt-get install libxcb-icccm4 libxcb-keysyms1" in capsys.readouterr().err
    assert "libxcb-icccm.so.4" in (tmp_path / "logs" / "bedrock-chat.log").read_text()
    assert not (tmp_path / "data").exists()  # it stopped before building anything
