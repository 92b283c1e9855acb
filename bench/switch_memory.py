"""Memory while switching conversations: 200 conversations opened one after another, three times over.

Each conversation is opened by a click on its row in the sidebar, as a person does. Prints one JSON object:
rss_mb after each pass, growth_mb from the end of the first pass to the end of the last (what an unbounded cache
or a view kept per conversation would show), and how many conversations and messages are still alive at the end
(only the one on screen should be).

``--quick``: 40 conversations and two passes; it only proves the benchmark still works (CI runs it).
"""

from __future__ import annotations

import gc
import json
import os
import random
import sys
import tempfile
from pathlib import Path

# Run as a script (as bench/run_all.py does), so bench/ is on sys.path: the same conversation text, RSS reading
# and sidebar click as the history benchmark.
from history import REPLY, _text, offline_window, open_by_click, rss_mb

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bedrock_chat.core.conversation import Conversation, Message, MessageState, Role
from bedrock_chat.core.storage import ConversationStore

TURNS_PER_CONVERSATION = 10


def _fill(store_path: Path, conversations: int) -> list[str]:
    rng = random.Random(11)
    store = ConversationStore(store_path)
    titles = []
    for number in range(conversations):
        conversation = Conversation(title=f"Conversation {number:03d}")
        for turn in range(TURNS_PER_CONVERSATION):
            conversation.messages.append(Message(Role.USER, f"Question {turn}: {_text(rng, 20)}"))
            conversation.messages.append(Message(Role.ASSISTANT, REPLY + _text(rng, 120),
                                                 model_id="amazon.nova-micro-v1:0", state=MessageState.COMPLETE))
        store.save_conversation(conversation)
        titles.append(conversation.title)
    store.close()
    return titles


def _alive(kind: type) -> int:
    gc.collect()
    return sum(1 for thing in gc.get_objects() if type(thing) is kind)


def main(argv: list[str]) -> int:


    quick = "--quick" in argv
    conversations, passes = (40, 2) if quick else (200, 3)
    work = Path(tempfile.mkdtemp())
    titles = _fill(work / "conversations.sqlite3", conversations)
    window = offline_window(work)
    after_pass = []
    for _ in range(passes):
        for title in titles:
            open_by_click(window, title)
            assert window.conversation.title == title
        gc.collect()
        after_pass.append(round(rss_mb(), 1))
    conversations_alive, messages_alive = _alive(Conversation), _alive(Message)
    window.close()
    print(json.dumps({
        "conversations": conversations,
        "messages_each": 2 * TURNS_PER_CONVERSATION,
        "passes": passes,
        "quick": quick,
        "rss_mb_after_each_pass": after_pass,
        "growth_mb": round(after_pass[-1] - after_pass[0], 1),
        "conversations_alive": conversations_alive,
        "messages_alive": messages_alive,
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
