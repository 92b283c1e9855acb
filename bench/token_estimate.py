"""What the input-token estimate beside the prompt costs: the GUI thread's share per refresh (building the
request and the character estimate, for a long conversation) and Bedrock's CountTokens round trip, which runs on
a thread of its own. Also what prompt caching saves on a repeated long prefix. Prints one JSON line.

``--quick``: small sizes, few repetitions, no targets; it only proves the benchmark still works."""

from __future__ import annotations

import json
import os
import statistics
import sys
import time

os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull

from bedrock_chat.bedrock.requests import TurnRequest
from bedrock_chat.bedrock.session import BedrockClients, ConnectionSettings
from bedrock_chat.bedrock.token_count import count_input_tokens
from bedrock_chat.bedrock.turn import CancelToken, run_turn
from bedrock_chat.core.catalog import model_info
from bedrock_chat.core.conversation import Conversation, MessageState
from bedrock_chat.core.events import Usage
from bedrock_chat.core.params import GenerationParams, RequestOptions
from bedrock_chat.core.token_estimate import rough_tokens
from bedrock_chat.local_endpoint import LocalBedrockServer, ServerOptions

SONNET = model_info("anthropic.claude-3-7-sonnet-20250219-v1:0", "us.anthropic.claude-3-7-sonnet-20250219-v1:0")


def conversation_of(turns: int) -> Conversation:
    conversation = Conversation()
    for index in range(turns):
        conversation.add_user_message(f"Question {index}: " + "tell me more about caching and latency. " * 20)
        reply = conversation.start_reply(SONNET.invoke_id, "converse", {})
        reply.text, reply.state = "An answer with some detail. " * 60, MessageState.COMPLETE
    return conversation


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples), 3)


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    turns, repeats = (20, 5) if quick else (200, 30)
    conversation = conversation_of(turns)
    params = GenerationParams(max_tokens=1024, system_prompt="You are a patient tutor. " * 200)
    gui, counted = [], []
    with LocalBedrockServer(ServerOptions(tokens_per_second=0, first_token_delay=0)) as server:
        clients = BedrockClients(ConnectionSettings(endpoint_url=server.url, offline=True, max_attempts=1))
        for _ in range(repeats):
            started = time.perf_counter()  # what TokenEstimator.refresh does on the GUI thread
            request = TurnRequest(SONNET, conversation.history(draft="And now?"), params, RequestOptions(),
                                  tuple(conversation.reasoning_history(draft="And now?")))
            rough = rough_tokens(request.history, params.system_prompt)
            gui.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()  # what its counting thread does
            exact = count_input_tokens(clients.runtime, request)
            counted.append((time.perf_counter() - started) * 1000)

        small = Conversation()
        usages = []
        for prompt in ("What is a monad?", "And a functor?", "Compare them."):
            small.add_user_message(prompt)
            request = TurnRequest(SONNET, small.history(), params, RequestOptions(), ())
            events: list[object] = []
            run_turn(clients.runtime, request, events.append, CancelToken())
            usage = Usage()
            for event in events:
                if isinstance(event, Usage):
                    usage = usage.merged(event)
            usages.append(usage)
            reply = small.start_reply(SONNET.invoke_id, "converse", {})
            reply.text, reply.state = "An answer.", MessageState.COMPLETE
    pricing = SONNET.pricing
    assert pricing is not None
    last = usages[-1]
    cached_cost = pricing.cost(last.input_tokens or 0, last.output_tokens or 0, last.cache_read_tokens or 0,
                               last.cache_write_tokens or 0)
    plain_cost = pricing.cost((last.input_tokens or 0) + (last.cache_read_tokens or 0)
                              + (last.cache_write_tokens or 0), last.output_tokens or 0)
    print(json.dumps({
        "conversation_turns": turns,
        "estimate_gui_thread_ms_median": median_ms(gui),
        "estimate_gui_thread_ms_max": round(max(gui), 3),
        "count_tokens_round_trip_ms_median": median_ms(counted),
        "rough_vs_counted_tokens": [rough, exact],
        "cache_third_turn": {"input": last.input_tokens, "read": last.cache_read_tokens,
                             "write": last.cache_write_tokens},
        "third_turn_cost_usd": {"with_cache": round(cached_cost, 6), "without": round(plain_cost, 6)},
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
