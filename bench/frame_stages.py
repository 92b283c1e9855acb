"""Where the GUI thread's CPU goes in each frame of a streamed reply, stage by stage (for stream_render.py).

A stage is a GUI-thread entry point: draining the worker's text into the view (which appends it plain),
rendering settled pieces between frames, painting the conversation, the statistics line, saving the reply as it
grows, the reply's end, and the request preview rebuilt after it. Each is timed with the thread's own CPU clock,
exclusive of the stages it calls, and summed per heartbeat interval, so a large frame can be told apart: one
expensive call, or several small ones. "other" is the rest of the frame: Qt's own work (painting other widgets,
layout), the heartbeat itself.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

# stage: (module, class, method). Patched on the class before the window is built: the window connects
# bound methods at construction, and Qt calls a Python override of a virtual (paintEvent) looked up on the class.
STAGES: dict[str, tuple[str, str, str]] = {
    "drain": ("bedrock_chat.ui.turn_controller", "TurnController", "_flush"),
    "append": ("bedrock_chat.ui.chat_view", "ChatView", "append_reply"),
    "render": ("bedrock_chat.ui.chat_view", "ChatView", "_render_queued"),
    "finish": ("bedrock_chat.ui.chat_view", "ChatView", "finish_reply"),
    "paint": ("bedrock_chat.ui.chat_view", "ChatView", "paintEvent"),
    "stats": ("bedrock_chat.ui.stats_panel", "StatsPanel", "show_reply"),
    "save": ("bedrock_chat.ui.conversation_session", "ConversationSession", "store_message"),
    # Rebuilt ~100 ms after each reply: it holds the whole conversation, the long reply included.
    "preview": ("bedrock_chat.ui.request_preview", "RequestPreview", "_update_preview"),
}


class FrameStages:
    def __init__(self) -> None:
        self.frames: list[dict[str, float]] = []  # per heartbeat interval: stage -> CPU seconds
        self._current: dict[str, float] = {}
        self._stack: list[list[float]] = []  # per active stage: [started, CPU of the stages it called]

    def timed(self, stage: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            self._stack.append([time.thread_time(), 0.0])
            try:
                return method(*args, **kwargs)
            finally:
                started, nested = self._stack.pop()
                elapsed = time.thread_time() - started
                self._current[stage] = self._current.get(stage, 0.0) + elapsed - nested
                if self._stack:
                    self._stack[-1][1] += elapsed

        return wrapper

    def beat(self) -> None:
        """A heartbeat: the stages since the last one make one frame."""
        self.frames.append(self._current)
        self._current = {}

    def summary(self, cpu_gaps: list[float]) -> dict[str, Any]:
        """Per stage its largest and 99th-percentile share of a frame (ms), and the stages of the largest frames."""
        def ms(value: float) -> float:
            return round(value * 1000, 2)

        def p99(values: list[float]) -> float:
            ordered = sorted(values)
            return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] if ordered else 0.0

        frames = list(zip(cpu_gaps, self.frames, strict=False))
        per_stage = {stage: [frame.get(stage, 0.0) for frame in self.frames] for stage in STAGES}
        # Work of the GUI thread outside the stages: Qt's own (layout, painting other widgets), the heartbeat.
        per_stage["other"] = [max(0.0, cpu - sum(frame.values())) for cpu, frame in frames]
        largest = sorted(frames, key=lambda pair: -pair[0])[:3]
        # The frames of the streaming path alone: the request preview is rebuilt after the reply, by another part.
        streaming = [cpu - frame.get("preview", 0.0) for cpu, frame in frames]
        return {"frame_cpu_max_without_preview_ms": ms(max(streaming, default=0.0)),
                "stage_max_ms": {stage: ms(max(values, default=0.0)) for stage, values in per_stage.items()},
                "stage_p99_ms": {stage: ms(p99(values)) for stage, values in per_stage.items()},
                "stage_total_ms": {stage: ms(sum(values)) for stage, values in per_stage.items()},
                "largest_frames": [{"cpu_ms": ms(cpu), **{stage: ms(value) for stage, value in frame.items()},
                                    "other": ms(max(0.0, cpu - sum(frame.values())))} for cpu, frame in largest]}


@contextmanager
def measuring(stages: FrameStages) -> Iterator[None]:
    """Times the stages while the block runs (windows built inside it), then restores the classes."""
    originals: list[tuple[type, str, Any]] = []
    for stage, (module, class_name, method) in STAGES.items():
        cls = getattr(importlib.import_module(module), class_name)
        original = cls.__dict__.get(method)
        originals.append((cls, method, original))
        setattr(cls, method, stages.timed(stage, getattr(cls, method)))
    try:
        yield
    finally:
        for cls, method, original in originals:
            if original is None:
                delattr(cls, method)
            else:
                setattr(cls, method, original)
