"""The 5 ms heartbeat timer on the GUI thread that the streaming benchmarks measure stalls with.

Each beat records the wall time since the last one (``gaps``: a stall a person sees) and the GUI thread's own CPU
time (``cpu_gaps``: the work of a frame, without waits for the CPU or the GIL), in seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

INTERVAL_MS = 5


class Heartbeat:
    def __init__(self, on_beat: Callable[[], None] | None = None) -> None:
        from PySide6.QtCore import QTimer  # after the benchmark chose its Qt platform

        self.gaps: list[float] = []
        self.cpu_gaps: list[float] = []
        self._on_beat = on_beat  # runs at each beat, before the next interval starts (frame_stages' bookkeeping)
        self._last = (time.perf_counter(), time.thread_time())
        self.timer: Any = QTimer()
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self._beat)

    def start(self) -> None:
        self.timer.start()
        self._last = (time.perf_counter(), time.thread_time())

    def stop(self) -> None:
        self.timer.stop()

    @property
    def stall_max_ms(self) -> float:
        return round(max(self.gaps) * 1000, 1)

    def _beat(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        self.gaps.append(now - self._last[0])
        self.cpu_gaps.append(cpu - self._last[1])
        if self._on_beat is not None:
            self._on_beat()
        self._last = (now, cpu)
