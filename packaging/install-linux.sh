#!/bin/sh
# Installs the one-folder Linux bundle for the current user (or system-wide with --prefix /usr/local as root):
#   <prefix>/lib/bedrock-chat/            the bundle
#   <prefix>/bin/bedrock-chat              a link to its program
#   <prefix>/share/applications/bedrock-chat.desktop, share/metainfo/, share/icons/hicolor/
# Run it from the unpacked bundle:  ./install.sh  [--prefix DIR]  (default prefix: ~/.local)
#                       remove:     ./install.sh --uninstall [--prefix DIR]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
prefix="${HOME}/.local"
action=install
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="$2"; shift 2 ;;
    --prefix=*) prefix="${1#--prefix=}"; shift ;;
    --uninstall) action=uninstall; shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
app="$prefix/lib/bedrock-chat"
share="$prefix/share"

if [ "$action" = uninstall ]; then
  rm -rf "$app"
  rm -f "$prefix/bin/bedrock-chat" "$share/applications/bedrock-chat.desktop" \
        "$share/metainfo/io.github.bedrock_chat.metainfo.xml"
  find "$share/icons/hicolor" -name 'bedrock-chat.*' -delete 2>/dev/null || true
  echo "Removed bedrock-chat from $prefix (your conversations and settings are kept)."
  exit 0
fi

[ -x "$here/bedrock-chat" ] || { echo "install.sh: run it from the unpacked bundle (no ./bedrock-chat here)" >&2; exit 1; }
mkdir -p "$app" "$prefix/bin" "$share/applications" "$share/metainfo"
# Copy the bundle unless it is already where it belongs (installing from the installed copy).
if [ "$here" != "$(cd "$app" && pwd)" ]; then
  rm -rf "$app"
  cp -R "$here" "$app"
fi
ln -sf "$app/bedrock-chat" "$prefix/bin/bedrock-chat"
bundled="$app/_internal/share"
# The menu entry starts this copy by its full path, so it works even when <prefix>/bin is not on PATH.
sed -e "s|^Exec=.*|Exec=$app/bedrock-chat|" -e "s|^TryExec=.*|TryExec=$app/bedrock-chat|" \
  "$bundled/applications/bedrock-chat.desktop" > "$share/applications/bedrock-chat.desktop"
cp "$bundled/metainfo/io.github.bedrock_chat.metainfo.xml" "$share/metainfo/"
for png in "$bundled"/icons/bedrock-chat-*.png; do
  size=${png##*-}; size=${size%.png}
  mkdir -p "$share/icons/hicolor/${size}x${size}/apps"
  cp "$png" "$share/icons/hicolor/${size}x${size}/apps/bedrock-chat.png"
done
mkdir -p "$share/icons/hicolor/scalable/apps"
cp "$bundled/icons/bedrock-chat.svg" "$share/icons/hicolor/scalable/apps/bedrock-chat.svg"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$share/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$share/icons/hicolor" || true
echo "Installed bedrock-chat $("$app/bedrock-chat" --version | cut -d' ' -f2) in $app"
case ":$PATH:" in *":$prefix/bin:"*) ;; *) echo "Add $prefix/bin to your PATH to start it as bedrock-chat." ;; esac
