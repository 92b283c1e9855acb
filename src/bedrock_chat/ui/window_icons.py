"""Which bundled icon each button and menu action of the main window shows (see ``ui/icons``).

One table, applied once after the window is built; ``icons.recolour`` redraws them after a theme change.
Buttons keep their text (and accessible name): the icon adds a shape to find, it does not replace the words.
"""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton

from bedrock_chat.ui import icons

ACTION_ICONS = {
    "file.new": "new-chat",
    "file.save": "export",
    "file.connection": "connection",
    "chat.send": "send",
    "chat.stop": "stop",
    "chat.retry": "retry",
    "chat.copy_reply": "copy",
    "chat.regenerate": "retry",
    "chat.find": "search",
    "view.sidebar": "sidebar",
    "view.side_panel": "side-panel",
    "chat.compare": "compare",
}


def apply_icons(buttons: dict[str, QAbstractButton], actions: dict[str, QAction]) -> None:
    """``buttons`` maps an icon name to its button; ``actions`` is the window's action table by id."""
    for name, button in buttons.items():
        icons.set_icon(button, name)
    for action_id, name in ACTION_ICONS.items():
        action = actions.get(action_id)
        if action is not None:
            icons.set_icon(action, name)
