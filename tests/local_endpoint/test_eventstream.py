"""Frames the endpoint writes decode with botocore's own decoder, however the bytes are split."""

from __future__ import annotations

import json

from botocore.eventstream import EventStreamBuffer
from hypothesis import given
from hypothesis import strategies as st

from bedrock_chat.local_endpoint.eventstream import encode_event, encode_exception


@given(texts=st.lists(st.text(max_size=50), min_size=1, max_size=8), cut=st.integers(min_value=1, max_value=40))
def test_frames_decode_across_arbitrary_splits(texts, cut):
    data = b"".join(encode_event("contentBlockDelta", {"delta": {"text": text}}) for text in texts)
    data += encode_exception("throttlingException", "slow down")
    buffer = EventStreamBuffer()
    messages = []
    for offset in range(0, len(data), cut):
        buffer.add_data(data[offset : offset + cut])
        messages.extend(buffer)
    assert [json.loads(m.payload)["delta"]["text"] for m in messages[:-1]] == texts
    assert messages[-1].headers[":message-type"] == "exception"
    assert messages[-1].headers[":exception-type"] == "throttlingException"
