"""The full statistics of the last reply and the session totals, in the side panel's Stats tab.

Before any reply it says so in one line instead of rows of dashes; every number goes through
``core.number_format`` so it reads the same as the compact line under each reply.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from bedrock_chat.core import number_format as fmt
from bedrock_chat.core.catalog import Pricing
from bedrock_chat.core.stats import ReplyStats, SessionTotals

EMPTY_REPLY = "No reply in this conversation yet: send a prompt to see its tokens, timings and cost here."
EMPTY_SESSION = "No replies yet in this session."

_ROWS = (
    ("tokens", "Tokens (in / out / total)"),
    ("cache", "Cache (read / write)"),
    ("reasoning", "Reasoning tokens"),
    ("served", "Served as"),
    ("ttft", "Time to first token"),
    ("latency", "Total time"),
    ("service", "Bedrock's own timing"),
    ("speed", "Output speed"),
    ("cost", "Estimated cost"),
    ("stop", "Stop reason"),
    ("request", "Request id"),
)
_OPTIONAL = ("cache", "service")  # rows shown only when the reply has them


def _value_label(name: str) -> QLabel:
    value = QLabel(fmt.EMPTY)
    value.setTextFormat(Qt.TextFormat.PlainText)  # request ids and stop reasons come from the server
    value.setAccessibleName(name)
    value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    value.setWordWrap(True)
    return value


class StatsPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Statistics")
        self.values: dict[str, QLabel] = {}
        self.reply_box = QGroupBox("This reply")
        self._form = QFormLayout(self.reply_box)
        self._form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.empty = QLabel(EMPTY_REPLY)
        self.empty.setAccessibleName("No reply statistics yet")
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: palette(placeholder-text);")
        self._form.addRow(self.empty)
        for key, label in _ROWS:
            self.values[key] = _value_label(label)
            self._form.addRow(label, self.values[key])
        self.cut_notice = QLabel("The reply was cut at Max tokens: raise Max tokens to let it finish.")
        self.cut_notice.setAccessibleName("Max tokens notice")
        self.cut_notice.setWordWrap(True)
        self.cut_notice.setStyleSheet("font-weight: bold;")
        self._form.addRow(self.cut_notice)
        session = QGroupBox("This session")
        session_form = QVBoxLayout(session)
        self.session = QLabel(EMPTY_SESSION)
        self.session.setAccessibleName("Session totals")
        self.session.setWordWrap(True)
        session_form.addWidget(self.session)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.reply_box)
        layout.addWidget(session)
        layout.addStretch(1)
        self.clear_reply()

    def _show_rows(self, shown: bool) -> None:
        self._form.setRowVisible(self.empty, not shown)
        for key, value in self.values.items():
            self._form.setRowVisible(value, shown and (key not in _OPTIONAL or value.text() != fmt.EMPTY))

    def clear_reply(self) -> None:
        """Another conversation (or a new one) is on screen: the last reply's figures no longer apply."""
        for value in self.values.values():
            value.setText(fmt.EMPTY)
        self._form.setRowVisible(self.cut_notice, False)
        self._show_rows(False)

    def show_reply(self, stats: ReplyStats, pricing: Pricing | None) -> None:
        now = time.monotonic()
        usage = stats.usage
        self.values["tokens"].setText(
            f"{fmt.count(usage.input_tokens)} / {fmt.count(usage.output_tokens)} / {fmt.count(stats.total_tokens)}")
        cached = usage.cache_read_tokens or usage.cache_write_tokens
        self.values["cache"].setText(
            f"{fmt.count(usage.cache_read_tokens)} / {fmt.count(usage.cache_write_tokens)}" if cached else fmt.EMPTY)
        self.values["ttft"].setText(fmt.duration_ms(stats.time_to_first_token_ms))
        self.values["latency"].setText(fmt.duration_ms(stats.total_latency_ms(now)))
        service = stats.service
        parts = [f"{label} {fmt.duration_ms(value)}" for label, value in (
            ("total", service.latency_ms), ("model", service.invocation_latency_ms),
            ("first byte", service.first_byte_latency_ms)) if value is not None]
        self.values["service"].setText(" · ".join(parts) or fmt.EMPTY)
        self.values["speed"].setText(fmt.speed(stats.output_tokens_per_second(now)))
        saving = stats.cache_saving(pricing)
        cache_note = "" if not saving else f" (cache {'saved' if saving > 0 else 'added'} {fmt.usd(abs(saving))})"
        self.values["cost"].setText(fmt.usd(stats.cost(pricing)) + cache_note if pricing is not None
                                    else "no price known")
        self.values["cost"].setToolTip(pricing.as_of_note if pricing else "No price is known for this model.")
        reasoning = stats.reasoning_tokens
        self.values["reasoning"].setText(fmt.EMPTY if reasoning is None else f"≈ {fmt.count(reasoning)} of the output")
        served = stats.served
        self.values["served"].setText(fmt.EMPTY if served is None else " · ".join(
            part for part in (f"{served.latency} latency" if served.latency else "",
                              f"{served.service_tier} tier" if served.service_tier else "") if part))
        self.values["stop"].setText(stats.stop_reason.label if stats.stop_reason else "streaming…")
        self.values["request"].setText(stats.request_id or fmt.EMPTY)
        self._show_rows(True)
        self._form.setRowVisible(self.cut_notice,
                                 stats.stop_reason is not None and stats.stop_reason.value == "max_tokens")

    def show_session(self, totals: SessionTotals) -> None:
        cost = fmt.usd(totals.cost) + ("" if totals.cost_known else " (replies without usage or price not included)")
        replies = "1 reply" if totals.replies == 1 else f"{fmt.count(totals.replies)} replies"
        self.session.setText(f"{replies} · {fmt.count(totals.input_tokens)} in · "
                             f"{fmt.count(totals.output_tokens)} out tokens · {cost}")
