"""Live statistics for the reply in flight and totals for the session."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from bedrock_chat.core.catalog import Pricing
from bedrock_chat.core.stats import ReplyStats, SessionTotals

_DASH = "—"

_ROWS = (
    ("tokens", "Tokens (in / out / total)"),
    ("cache", "Cache (read / write)"),
    ("reasoning", "Reasoning tokens"),
    ("served", "Served as"),
    ("ttft", "Time to first token"),
    ("latency", "Total latency (client)"),
    ("service", "Service latency"),
    ("speed", "Output speed"),
    ("cost", "Estimated cost"),
    ("stop", "Stop reason"),
    ("request", "Request id"),
)


def _ms(value: int | None) -> str:
    return _DASH if value is None else f"{value:,} ms"


def _count(value: int | None) -> str:
    return _DASH if value is None else f"{value:,}"


class StatsPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Statistics")
        self.values: dict[str, QLabel] = {}
        reply = QGroupBox("This reply")
        form = QFormLayout(reply)
        for key, label in _ROWS:
            value = QLabel(_DASH)
            value.setTextFormat(Qt.TextFormat.PlainText)  # request ids and stop reasons come from the server
            value.setAccessibleName(label)
            value.setTextInteractionFlags(value.textInteractionFlags().TextSelectableByMouse)
            value.setWordWrap(key == "request")
            self.values[key] = value
            form.addRow(label, value)
        self.cut_notice = QLabel("✂ The reply was cut at Max tokens.")
        self.cut_notice.setAccessibleName("Max tokens notice")
        self.cut_notice.setStyleSheet("color: #b45309; font-weight: bold;")
        self.cut_notice.hide()
        form.addRow(self.cut_notice)
        session = QGroupBox("This session")
        session_form = QFormLayout(session)
        self.session = QLabel(_DASH)
        self.session.setAccessibleName("Session totals")
        self.session.setWordWrap(True)
        session_form.addRow(self.session)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(reply)
        layout.addWidget(session)

    def show_reply(self, stats: ReplyStats, pricing: Pricing | None) -> None:
        now = time.monotonic()
        usage = stats.usage
        self.values["tokens"].setText(
            f"{_count(usage.input_tokens)} / {_count(usage.output_tokens)} / {_count(stats.total_tokens)}")
        if usage.cache_read_tokens or usage.cache_write_tokens:
            self.values["cache"].setText(f"{_count(usage.cache_read_tokens)} / {_count(usage.cache_write_tokens)}")
        else:
            self.values["cache"].setText(_DASH)
        self.values["ttft"].setText(_ms(stats.time_to_first_token_ms))
        self.values["latency"].setText(_ms(stats.total_latency_ms(now)))
        service = stats.service
        parts = []
        if service.latency_ms is not None:
            parts.append(f"latencyMs {service.latency_ms:,}")
        if service.invocation_latency_ms is not None:
            parts.append(f"invocation {service.invocation_latency_ms:,}")
        if service.first_byte_latency_ms is not None:
            parts.append(f"first byte {service.first_byte_latency_ms:,}")
        self.values["service"].setText(" · ".join(parts) + (" ms" if parts else _DASH))
        speed = stats.output_tokens_per_second(now)
        self.values["speed"].setText(_DASH if speed is None else f"{speed:,.1f} tokens/s")
        cost = stats.cost(pricing)
        saving = stats.cache_saving(pricing)
        self.values["cost"].setText(_DASH if cost is None else f"${cost:.6f}" + (
            "" if not saving else f" (cache {'saved' if saving > 0 else 'added'} ${abs(saving):.6f})"))
        reasoning = stats.reasoning_tokens
        self.values["reasoning"].setText(_DASH if reasoning is None else f"≈ {reasoning:,} (of the output)")
        served = stats.served
        self.values["served"].setText(_DASH if served is None else " · ".join(
            part for part in (f"{served.latency} latency" if served.latency else "",
                              f"{served.service_tier} tier" if served.service_tier else "") if part))
        self.values["stop"].setText(stats.stop_reason.label if stats.stop_reason else "streaming…")
        self.values["request"].setText(stats.request_id or _DASH)
        self.cut_notice.setVisible(stats.stop_reason is not None and stats.stop_reason.value == "max_tokens")

    def show_session(self, totals: SessionTotals) -> None:
        cost = f"${totals.cost:.6f}" + ("" if totals.cost_known else " (replies without usage or price not included)")
        replies = "1 reply" if totals.replies == 1 else f"{totals.replies} replies"
        self.session.setText(f"{replies} · {totals.input_tokens:,} in · "
                             f"{totals.output_tokens:,} out tokens · {cost}")
