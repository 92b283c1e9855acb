"""The slider + spin box pairs of the parameter panel. Neither takes the mouse wheel: a wheel turn over the panel
scrolls it and never changes a value on the way (the keyboard and dragging still do)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QDoubleSpinBox,
    QHBoxLayout,
    QSlider,
    QSpinBox,
    QWidget,
)

SPIN_WIDTH = 84


class WheelPassThrough(QObject):
    """Hands every wheel event of the watched widgets to the scroll area around them, which scrolls."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.Wheel:
            return super().eventFilter(watched, event)
        area = _scroll_area_around(watched)
        if area is not None:
            # Sent on explicitly (Qt does not pass a synthetic wheel event to the parent by itself); the
            # original stays accepted, so a real one is not delivered to the parents a second time.
            QApplication.sendEvent(area.viewport(), event.clone())
        return True


def _scroll_area_around(watched: QObject) -> QAbstractScrollArea | None:
    parent = watched.parent()
    while parent is not None and not isinstance(parent, QAbstractScrollArea):
        parent = parent.parent()
    return parent


def refuse_wheel(widget: QWidget, guard: WheelPassThrough) -> None:
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # a wheel turn never focuses it either
    widget.installEventFilter(guard)


class FloatSlider(QWidget):
    """A slider and a spin box showing one value in [0, maximum] with a fixed number of decimals."""

    value_changed = Signal(float)
    """The value changed (by the slider, the spin box or ``set_value``)."""

    def __init__(self, name: str, maximum: float, decimals: int, tooltip: str) -> None:
        super().__init__()
        self._scale = 10**decimals
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, round(maximum * self._scale))
        self.slider.setAccessibleName(name)
        self.slider.setToolTip(tooltip)
        self.spin = QDoubleSpinBox()
        self.spin.setDecimals(decimals)
        self.spin.setRange(0.0, maximum)
        self.spin.setSingleStep(0.05)
        self.spin.setAccessibleName(f"{name} value")
        self.spin.setToolTip(tooltip)
        self.spin.setFixedWidth(SPIN_WIDTH)
        self.spin.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.UpDownArrows)
        self._guard = _pair_up(self, self.slider, self.spin)
        self.slider.valueChanged.connect(lambda raw: self._set(raw / self._scale))
        self.spin.valueChanged.connect(self._set)

    def _set(self, value: float) -> None:
        self.slider.blockSignals(True)
        self.spin.blockSignals(True)
        self.slider.setValue(round(value * self._scale))
        self.spin.setValue(value)
        self.slider.blockSignals(False)
        self.spin.blockSignals(False)
        self.value_changed.emit(self.value())

    def value(self) -> float:
        return round(self.spin.value(), 3)

    def set_value(self, value: float) -> None:
        self._set(value)

    def set_tooltip(self, text: str) -> None:
        for widget in (self, self.slider, self.spin):
            widget.setToolTip(text)

    def set_maximum(self, maximum: float) -> None:
        self.slider.setMaximum(round(maximum * self._scale))
        self.spin.setMaximum(maximum)


def _pair_up(owner: QWidget, slider: QSlider, spin: QAbstractSpinBox) -> WheelPassThrough:
    """Lays out a slider and its spin box side by side, neither taking the wheel (it scrolls the panel)."""
    slider.setMinimumWidth(40)
    guard = WheelPassThrough(owner)
    for widget in (slider, spin):
        refuse_wheel(widget, guard)
    layout = QHBoxLayout(owner)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(slider, 1)
    layout.addWidget(spin)
    return guard


class IntSlider(QWidget):
    """A slider and a spin box showing one whole number in a range."""

    value_changed = Signal(int)
    """The value changed (by the slider, the spin box or ``set_value``)."""

    def __init__(self, name: str, tooltip: str) -> None:
        super().__init__()
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setAccessibleName(name)
        self.slider.setToolTip(tooltip)
        self.spin = QSpinBox()
        self.spin.setAccessibleName(f"{name} value")
        self.spin.setToolTip(tooltip)
        self.spin.setGroupSeparatorShown(True)
        self.spin.setFixedWidth(SPIN_WIDTH)
        self.spin.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.UpDownArrows)
        self.set_range(1, 4096)
        self._guard = _pair_up(self, self.slider, self.spin)
        self.slider.valueChanged.connect(self._set)
        self.spin.valueChanged.connect(self._set)

    def _set(self, value: int) -> None:
        for widget in (self.slider, self.spin):
            widget.blockSignals(True)
            widget.setValue(value)
            widget.blockSignals(False)
        self.value_changed.emit(self.spin.value())

    def set_range(self, low: int, high: int) -> None:
        for widget in (self.slider, self.spin):
            widget.setRange(low, high)
        self.slider.setPageStep(max(1, high // 20))

    def value(self) -> int:
        return self.spin.value()

    def set_value(self, value: int) -> None:
        self._set(value)

    def set_tooltip(self, text: str) -> None:
        for widget in (self, self.slider, self.spin):
            widget.setToolTip(text)
