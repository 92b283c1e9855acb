"""Before Qt starts on Linux/X11: are the system libraries of Qt's xcb platform plugin there?

Without them Qt aborts with a message that names the wrong library (it guesses ``libxcb-cursor0``). This module
asks the dynamic linker which libraries the plugin cannot find (``ldd``), maps each to its Debian package and
prints the one command that installs them. It imports no Qt widget code, so it runs before QApplication exists.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

EXIT_MISSING_LIBRARIES = 3
EXIT_NO_DISPLAY = 4
NO_DISPLAY = ("bedrock-chat cannot open a window: there is no display (neither DISPLAY nor WAYLAND_DISPLAY is "
              "set).\n\nStart it from a desktop session, or over SSH with X forwarding (ssh -X). To check this "
              "installation without a display, run:\n\n  bedrock-chat --self-check")

# The sonames libqxcb.so and its Qt libraries need, and the Debian/Ubuntu package that ships each.
DEBIAN_PACKAGES: dict[str, str] = {
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libXau.so.6": "libxau6",
    "libXdmcp.so.6": "libxdmcp6",
    "libSM.so.6": "libsm6",
    "libICE.so.6": "libice6",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libOpenGL.so.0": "libopengl0",
    "libGLdispatch.so.0": "libglvnd0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libpng16.so.16": "libpng16-16",
    "libbsd.so.0": "libbsd0",
}

_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found\s*$", re.MULTILINE)
_DLOPEN_ERROR = re.compile(r"(\S+\.so[.\d]*): cannot open shared object file")


@dataclass(frozen=True)
class MissingLibraries:
    plugin: Path
    sonames: tuple[str, ...]

    @property
    def packages(self) -> tuple[str, ...]:
        known = (DEBIAN_PACKAGES.get(name) for name in self.sonames)
        return tuple(dict.fromkeys(package for package in known if package))

    @property
    def unknown(self) -> tuple[str, ...]:
        return tuple(name for name in self.sonames if name not in DEBIAN_PACKAGES)

    def explanation(self) -> str:
        lines = ["bedrock-chat cannot open a window: Qt's X11 platform plugin needs system libraries that are "
                 "not installed.", "", f"Missing (checked with the dynamic linker for {self.plugin}):"]
        lines += [f"  {name}" + (f"  (package {DEBIAN_PACKAGES[name]})" if name in DEBIAN_PACKAGES else "")
                  for name in self.sonames]
        if self.packages:
            lines += ["", "On Debian or Ubuntu, install them with:", "",
                      f"  {_as_root()}apt-get install {' '.join(self.packages)}"]
        if self.unknown:
            lines += ["", "Find the package of each other library with your distribution's file search "
                      f"(Debian: apt-file search {self.unknown[0]})."]
        lines += ["", "Then start bedrock-chat again. (A release bundle of bedrock-chat carries these libraries "
                  "itself.)"]
        return "\n".join(lines)


def _as_root() -> str:
    return "" if hasattr(os, "geteuid") and os.geteuid() == 0 else "sudo "


def uses_xcb(environ: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Whether Qt will pick its X11 (xcb) plugin: Linux, and neither another platform nor a Wayland session."""
    if not platform.startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if chosen:
        return chosen == "xcb"
    wayland = bool(environ.get("WAYLAND_DISPLAY")) and environ.get("XDG_SESSION_TYPE") == "wayland"
    return not wayland and bool(environ.get("DISPLAY"))


def no_display(environ: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Linux with no display to connect to and no platform chosen: Qt would abort with a bare message."""
    if not platform.startswith("linux") or environ.get("QT_QPA_PLATFORM", "").strip():
        return False
    return not environ.get("DISPLAY") and not environ.get("WAYLAND_DISPLAY")


def xcb_plugin_path() -> Path:
    # QtCore loads no platform plugin, so asking it where the plugins are is safe before the check.
    from PySide6.QtCore import QLibraryInfo

    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    return plugins / "platforms" / "libqxcb.so"


def run_ldd(library: Path) -> str:
    result = subprocess.run(["ldd", str(library)], capture_output=True, text=True, timeout=20, check=False)
    return result.stdout + result.stderr


def missing_from_ldd(output: str) -> tuple[str, ...]:
    """The sonames ldd reports as ``not found``, each once, in the order it found them."""
    return tuple(dict.fromkeys(_NOT_FOUND.findall(output)))


def missing_from_dlopen(library: Path) -> tuple[str, ...]:
    """Without ldd: load the plugin and read the first library the linker could not open from its error."""
    import ctypes

    try:
        ctypes.CDLL(str(library))
    except OSError as error:
        match = _DLOPEN_ERROR.search(str(error))
        return (match.group(1),) if match else ()
    return ()


def find_missing(plugin: Path, ldd: Callable[[Path], str] | None = None) -> MissingLibraries | None:
    """The libraries the plugin cannot load, or None when all are there (or there is no plugin to check)."""
    if not plugin.is_file():
        return None
    if ldd is None and shutil.which("ldd") is None:
        sonames = missing_from_dlopen(plugin)
    else:
        try:
            sonames = missing_from_ldd((ldd or run_ldd)(plugin))
        except (OSError, subprocess.SubprocessError):
            sonames = missing_from_dlopen(plugin)
    return MissingLibraries(plugin, sonames) if sonames else None


def check_before_qt(environ: Mapping[str, str] | None = None, plugin: Path | None = None,
                    ldd: Callable[[Path], str] | None = None) -> int | None:
    """Prints what is missing and returns the exit status, or returns None when Qt can start."""
    environ = os.environ if environ is None else environ
    if no_display(environ):
        print(NO_DISPLAY, file=sys.stderr)
        return EXIT_NO_DISPLAY
    if not uses_xcb(environ):
        return None
    missing = find_missing(plugin or xcb_plugin_path(), ldd)
    if missing is None:
        return None
    logging.getLogger(__name__).error("Qt's xcb plugin cannot load; missing %s", ", ".join(missing.sonames))
    print(missing.explanation(), file=sys.stderr)
    return EXIT_MISSING_LIBRARIES
