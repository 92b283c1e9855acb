"""Under load: 20 windows at once with random faults, and a 500-turn soak; nothing leaks."""

from __future__ import annotations

import gc
import random
import threading
from pathlib import Path

from bedrock_chat.core.conversation import MessageState
from bedrock_chat.core.storage import ConversationStore

FAULTS = ["", "", "", "[fault:throttle-once]", "[fault:drop:7]", "[fault:stream-exception:5]", "[fault:drip:300]",
          "[fault:access-denied]"]


def _open_descriptors() -> int:
    return sum(1 for _ in Path("/proc/self/fd").iterdir())


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _settle(qtbot) -> tuple[int, int]:
    qtbot.wait(300)
    gc.collect()
    return threading.active_count(), _open_descriptors()


def test_twenty_conversations_at_once_with_random_faults(qtbot, make_window, local_server, tmp_path):
    warm = make_window(local_server.url, data_dir=tmp_path / "warm")
    warm.close()
    threads_before, descriptors_before = _settle(qtbot)
    rng = random.Random(20)
    windows = [make_window(local_server.url, data_dir=tmp_path / f"w{index}") for index in range(20)]
    count = len(windows)
    for round_number in range(3):
        finished: list[object] = []
        for index, window in enumerate(windows):
            window.reply_finished.connect(finished.append)
            window.prompt.setPlainText(f"conversation {index} round {round_number} {rng.choice(FAULTS)}")
            window.send()
        qtbot.waitUntil(lambda done=finished: len(done) == count, timeout=60000)
        for window in windows:
            window.reply_finished.disconnect()
    for index, window in enumerate(windows):
        replies = [m for m in window.conversation.messages if m.role.value == "assistant"]
        assert len(replies) == 3
        for reply in replies:
            assert reply.state in (MessageState.COMPLETE, MessageState.FAILED), reply.state
            if reply.state == MessageState.FAILED:
                assert reply.error and "Traceback" not in reply.error
        store_path = window.store.path
        window.close()
        saved = ConversationStore(store_path)
        stored = saved.load(window.conversation.id)
        assert [m.text for m in stored.messages] == [m.text for m in window.conversation.messages], index
        assert [m.state for m in stored.messages] == [m.state for m in window.conversation.messages]
        saved.close()
    windows.clear()
    threads_after, descriptors_after = _settle(qtbot)
    assert threads_after <= threads_before + 1, (threads_before, threads_after)
    assert descriptors_after <= descriptors_before + 4, (descriptors_before, descriptors_after)


def test_soak_five_hundred_turns(qtbot, make_window, local_server, tmp_path, capsys):
    window = make_window(local_server.url)
    window.parameters.max_tokens.set_value(30)
    figures = []
    for turn in range(500):
        if turn % 25 == 0:
            window.new_conversation()
        window.prompt.setPlainText(f"soak turn {turn}")
        with qtbot.waitSignal(window.reply_finished, timeout=15000) as blocker:
            window.send()
        assert blocker.args[0].state == MessageState.COMPLETE
        if turn in (99, 299, 499):
            gc.collect()
            figures.append((turn + 1, round(_rss_mb(), 1), _open_descriptors(), threading.active_count()))
    with capsys.disabled():
        print(f"\nsoak (turns, rss MB, open fds, threads): {figures}")
    (_, rss_100, fds_100, threads_100), _, (_, rss_500, fds_500, threads_500) = figures
    assert fds_500 <= fds_100 + 2 and threads_500 <= threads_100
    assert rss_500 - rss_100 < 40, figures
    assert len(window.store.summaries()) == 20
