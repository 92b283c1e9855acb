"""The bundled interface icons (resources/icons/ui/*.svg), drawn in the theme's colours.

Symbols from fonts ("⏹", "⚙") show as boxes where the font lacks them; these SVGs always draw. Each file
uses the placeholder colour ``#000000``, replaced here by the palette's text colour, so one file serves both
themes. A widget given an icon through ``set_icon`` gets it redrawn by ``recolour`` after a theme change.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import QByteArray, QObject, QRectF, Qt
from PySide6.QtGui import QAction, QColor, QGuiApplication, QIcon, QImage, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QAbstractButton

from bedrock_chat.resource_files import resource_path

PLACEHOLDER = "#000000"
ICON_PROPERTY = "bedrockIconName"
SIZES = (16, 20, 24, 32, 48)
NAMES = ("attach", "check", "chevron-down", "chevron-right", "chevron-up", "close", "compare", "connection",
         "copy", "edit", "export", "model", "more", "new-chat", "reasoning", "retry", "search", "send", "settings",
         "side-panel", "sidebar", "stop", "warning")


@functools.cache
def svg_text(name: str) -> str:
    """The SVG source of a bundled icon; a name outside ``NAMES`` is a programming error."""
    if name not in NAMES:
        raise KeyError(f"no bundled icon named {name!r}")
    return resource_path(f"icons/ui/{name}.svg").read_text(encoding="utf-8")


@functools.cache
def image(name: str, color: str, size: int) -> QImage:
    """The icon drawn in ``color`` on a transparent square of ``size`` pixels (cached: drawn once per colour)."""
    data = QByteArray(svg_text(name).replace(PLACEHOLDER, color).encode("utf-8"))
    renderer = QSvgRenderer(data)
    picture = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    picture.fill(Qt.GlobalColor.transparent)
    painter = QPainter(picture)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return picture


def _palette_color(role: QPalette.ColorRole, group: QPalette.ColorGroup = QPalette.ColorGroup.Active) -> str:
    return str(QGuiApplication.palette().color(group, role).name())


def icon(name: str, color: str | None = None) -> QIcon:
    """A QIcon in ``color`` (default: the palette's button text), with a muted form for disabled buttons."""
    normal = color or _palette_color(QPalette.ColorRole.ButtonText)
    disabled = _palette_color(QPalette.ColorRole.ButtonText, QPalette.ColorGroup.Disabled)
    result = QIcon()
    for size in SIZES:
        result.addPixmap(QPixmap.fromImage(image(name, normal, size)), QIcon.Mode.Normal)
        result.addPixmap(QPixmap.fromImage(image(name, disabled, size)), QIcon.Mode.Disabled)
    return result


def set_icon(target: QAbstractButton | QAction, name: str) -> None:
    """Gives a button or action a bundled icon and remembers which, so ``recolour`` can redraw it."""
    target.setProperty(ICON_PROPERTY, name)
    target.setIcon(icon(name))


def recolour(root: QObject) -> None:
    """Redraws every icon set with ``set_icon`` under ``root`` in the current palette (after a theme change)."""
    for child in [root, *root.findChildren(QObject)]:
        name = child.property(ICON_PROPERTY)
        if isinstance(name, str) and isinstance(child, QAbstractButton | QAction):
            child.setIcon(icon(name))


def mix(color: str, background: str, amount: float) -> str:
    """``color`` blended into ``background`` (``amount`` 0..1 of ``color``): muted tints that suit both themes."""
    fore, back = QColor(color), QColor(background)
    channels = [round(f * amount + b * (1 - amount)) for f, b in
                ((fore.red(), back.red()), (fore.green(), back.green()), (fore.blue(), back.blue()))]
    return str(QColor(*channels).name())
