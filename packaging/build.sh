#!/usr/bin/env bash
# Builds the one-folder app into dist/bedrock-chat/ (on macOS also "dist/Bedrock Chat.app"), runs its
# --self-check, and on Linux packs dist/bedrock-chat-VERSION-linux-ARCH.tar.gz with install.sh inside.
# Uses the project's .venv (made if missing) and installs PyInstaller into it from PyPI (the "package" extra).
#   packaging/build.sh             build, check, pack
#   packaging/build.sh --no-check  build and pack only
# The bundle ships the system libraries Qt's xcb plugin needs, copied from this machine: on Debian/Ubuntu
# install them first (the list is in README.md, "Installing from source").
set -euo pipefail
cd "$(dirname "$0")/.."

python=.venv/bin/python
[ -x "$python" ] || python=.venv/Scripts/python.exe  # Windows (Git Bash)
if [ ! -x "$python" ]; then
  python3 -m venv .venv
  python=.venv/bin/python
fi
"$python" -m PyInstaller --version >/dev/null 2>&1 || "$python" -m pip install -q -e '.[package]'

started=$(date +%s)
"$python" -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller \
  packaging/bedrock-chat.spec
echo "built dist/bedrock-chat in $(( $(date +%s) - started )) s, $(du -sh dist/bedrock-chat | cut -f1)"

if [ "$(uname -s)" = Linux ]; then
  # A bundle without these would fail on a desktop exactly as issue 15 describes: refuse to ship it.
  internal=dist/bedrock-chat/_internal
  for needed in PySide6/Qt/plugins/platforms/libqxcb.so PySide6/Qt/plugins/platforms/libqoffscreen.so \
                libxcb-cursor.so.0 libxcb-icccm.so.4 libxcb-keysyms.so.1 libxcb-shape.so.0 libxkbcommon-x11.so.0; do
    if [ ! -e "$internal/$needed" ]; then
      echo "build.sh: the bundle lacks $needed; install the system libraries listed in README.md" \
           "(Install from source) on this machine and build again." >&2
      exit 1
    fi
  done
fi

binary=dist/bedrock-chat/bedrock-chat
[ -x "$binary" ] || binary=dist/bedrock-chat/bedrock-chat-cli.exe  # Windows: the console twin prints
if [ "${1:-}" != "--no-check" ]; then
  "$binary" --version
  QT_QPA_PLATFORM=offscreen "$binary" --self-check
fi

if [ "$(uname -s)" = Linux ]; then
  cp packaging/install-linux.sh dist/bedrock-chat/install.sh
  version=$("$binary" --version | cut -d' ' -f2)
  archive="dist/bedrock-chat-$version-linux-$(uname -m).tar.gz"
  tar -C dist -czf "$archive" bedrock-chat
  echo "packed $archive ($(du -sh "$archive" | cut -f1))"
fi
