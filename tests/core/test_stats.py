"""Reply statistics stay consistent however the reply's arrival and its drawing interleave."""

from __future__ import annotations

from bedrock_chat.core.events import Usage
from bedrock_chat.core.stats import ReplyStats


def test_a_reply_drawn_after_its_thread_ended_never_ends_before_its_first_token():
    stats = ReplyStats(started_at=10.0)
    stats.note_text("Hello", now=10.128)  # first text reached the screen 128 ms after sending
    stats.note_text(" world", now=10.140)
    stats.usage = Usage(5, 40)
    stats.finish(at=10.050)  # the turn's thread saw the end before the GUI drew the text
    assert stats.total_latency_ms(now=99.0) == 140
    assert stats.total_latency_ms(now=99.0) >= stats.time_to_first_token_ms
    assert stats.output_tokens_per_second(now=99.0) is not None


def test_a_reply_that_ends_later_than_its_last_text_ends_when_it_ended():
    stats = ReplyStats(started_at=0.0)
    stats.note_text("partial", now=0.5)
    stats.finish(at=2.0)  # stopped two seconds in
    assert stats.total_latency_ms(now=99.0) == 2000
