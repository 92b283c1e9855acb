"""The collapsible side panel: parameters, the request preview and the full statistics, one tab each.

It takes the width it is given: every row wraps its label above the control, so nothing is clipped from the
panel's minimum width up, and the parameters scroll vertically only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QTabWidget, QVBoxLayout, QWidget

from bedrock_chat.ui.param_panel import ParameterPanel
from bedrock_chat.ui.preview_pane import PreviewPane
from bedrock_chat.ui.stats_panel import StatsPanel

SIDE_PANEL_MIN_WIDTH = 250


def _scrolling(widget: QWidget, name: str) -> QScrollArea:
    scroll = QScrollArea()
    scroll.setAccessibleName(name)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidgetResizable(True)
    scroll.setWidget(widget)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    return scroll


class SidePanel(QWidget):
    """Parameters | Request | Statistics tabs; the window shows or hides the whole panel."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("side-panel")
        self.setAccessibleName("Settings panel")
        self.setMinimumWidth(SIDE_PANEL_MIN_WIDTH)
        self.parameters = ParameterPanel()
        self.parameters_scroll = _scrolling(self.parameters, "Parameters")
        self.preview_pane = PreviewPane()
        self.preview = self.preview_pane.text
        self.stats = StatsPanel()
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Settings tabs")
        self.tabs.setDocumentMode(True)
        self.tabs.setUsesScrollButtons(True)
        self.tabs.addTab(self.parameters_scroll, "Parameters")
        self.tabs.addTab(self.preview_pane, "Request")
        self.tabs.setTabToolTip(1, "The exact JSON body the next request sends.")
        self.tabs.addTab(_scrolling(self.stats, "Statistics"), "Stats")
        self.tabs.setTabToolTip(2, "Tokens, timings and cost of the last reply and of this session.")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 8, 4, 8)
        layout.addWidget(self.tabs)
