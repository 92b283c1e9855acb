"""Deterministic, seeded text generation that honours a request the way a real model would.

The answer depends on the prompt, the system prompt, earlier turns, temperature and top P; it is cut by the
token limit and by stop sequences; it carries enough structure (paragraphs, lists, code, a table,
non-Latin text) to exercise a chat view.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass, field

from bedrock_chat.local_endpoint.shapes import shaped_answer

_TOKEN_PATTERN = re.compile(r"\s*(?:[A-Za-z]{1,8}|\d{1,3}|[^\sA-Za-z\d])|\s+$")
_LENGTH_DIRECTIVE = re.compile(r"\[tokens:(\d{1,7})\]")
_DIRECTIVE = re.compile(r"\[(?:fault|tokens|shape):[^\]]*\]|\[echo\]")
_ECHO = "[echo]"

END_TURN = "end_turn"
MAX_TOKENS = "max_tokens"
STOP_SEQUENCE = "stop_sequence"


def tokenize(text: str) -> list[str]:
    """Split text into pieces that concatenate back to it, roughly the size of real model tokens."""
    return _TOKEN_PATTERN.findall(text)


def count_tokens(text: str) -> int:
    return len(tokenize(text))


@dataclass(frozen=True)
class Turn:
    role: str
    text: str


@dataclass(frozen=True)
class GenerationRequest:
    model_id: str
    turns: tuple[Turn, ...]
    system: str = ""
    max_tokens: int = 512
    temperature: float = 0.7
    top_p: float = 0.9
    stop_sequences: tuple[str, ...] = ()
    reasoning: bool = False
    attachment_notes: tuple[str, ...] = ()  # what arrived besides text, one line each, echoed in the reply

    @property
    def prompt(self) -> str:
        for turn in reversed(self.turns):
            if turn.role == "user":
                return turn.text
        return ""

    @property
    def input_tokens(self) -> int:
        return count_tokens(self.system) + sum(count_tokens(turn.text) for turn in self.turns)


@dataclass
class Generation:
    text_tokens: list[str]
    reasoning_tokens: list[str] = field(default_factory=list)
    stop_reason: str = END_TURN
    stop_sequence: str | None = None
    input_tokens: int = 0

    @property
    def text(self) -> str:
        return "".join(self.text_tokens)

    @property
    def output_tokens(self) -> int:
        return len(self.text_tokens) + len(self.reasoning_tokens)


_FACTS = {
    "capital of nepal": "The capital of Nepal is Kathmandu.",
    "capital of france": "The capital of France is Paris.",
    "capital of japan": "The capital of Japan is Tokyo.",
    "2+2": "2 + 2 = 4.",
}

_OPENINGS = (
    "Here is a considered answer to “{topic}”.",
    "Good question: “{topic}”. Let me take it step by step.",
    "Let me walk you through “{topic}”.",
    "Happy to help with “{topic}”, so here is the short version first.",
    "“{topic}” has a few parts worth separating.",
)
_SENTENCES = (
    "The key idea is to start from what you already know and change one thing at a time.",
    "A small experiment usually tells you more than a long debate.",
    "Measure before you optimise, and write down what you measured.",
    "Most surprises come from assumptions nobody checked.",
    "Clear names and small functions make the rest of the work easier.",
    "When two options look equal, pick the one that is easier to undo.",
    "Latency and throughput pull in different directions, so decide which one matters here.",
    "A good default beats a clever configuration that nobody understands.",
    "Keep the feedback loop short: seconds, not hours.",
    "Errors should say what happened and what to do next.",
    "Curiously, the boring solution is often the durable one.",
    "Think of the stream as a river: you can watch it, but you cannot rewind it.",
)
_ADJECTIVES = ("simple", "careful", "practical", "robust", "elegant", "unusual", "bold", "whimsical")
_POINTS = (
    "Start with a clear goal",
    "Collect the facts you need",
    "Prefer reversible decisions",
    "Automate the repetitive parts",
    "Review the result with fresh eyes",
    "Keep a record of what changed",
    "Ask for feedback early",
)
_STEPS = ("Define the question", "Try the smallest version", "Check the result", "Iterate", "Write it down")
_CLOSINGS = (
    "I hope this helps; ask a follow-up if anything is unclear.",
    "That should give you a solid starting point.",
    "Let me know if you want a deeper dive into any part.",
)
_NON_LATIN = (
    "In other scripts: नमस्ते (Nepali) · こんにちは (Japanese) · Привет (Russian) · مرحبا (Arabic) · 你好 (Chinese)."
)


class _Sampler:
    """Picks among ordered options like a sampler: temperature 0 always takes the first (most likely)."""

    def __init__(self, rng: random.Random, temperature: float, top_p: float) -> None:
        self._rng = rng
        self._temperature = max(0.0, temperature)
        self._top_p = min(max(top_p, 0.0), 1.0)

    def pick(self, options: tuple[str, ...]) -> str:
        spread = 1 + round(min(self._temperature, 1.0) * (len(options) - 1))
        candidates = max(1, math.ceil(spread * max(self._top_p, 0.01)))
        return options[self._rng.randrange(candidates)]

    def sample(self, options: tuple[str, ...], count: int) -> list[str]:
        chosen: list[str] = []
        for _ in range(count * 4):
            option = self.pick(options)
            if option not in chosen:
                chosen.append(option)
            if len(chosen) == count:
                break
        remaining = [option for option in options if option not in chosen]
        return chosen + remaining[: count - len(chosen)]


def strip_directives(text: str) -> str:
    return _DIRECTIVE.sub("", text).strip()


def _topic(prompt: str) -> str:
    line = " ".join(strip_directives(prompt).split())
    return line if len(line) <= 60 else line[:57].rstrip() + "…"


def compose_answer(request: GenerationRequest) -> str:
    prompt = request.prompt
    if _ECHO in prompt:  # tests of hostile output: the model "says" exactly what the prompt holds
        return strip_directives(prompt)
    shaped = shaped_answer(prompt)
    if shaped is not None:  # benchmarks and tests of the chat view: one hard shape of reply
        return shaped
    topic = _topic(prompt) or "your message"
    seed = "|".join((request.model_id, request.system, str(len(request.turns)), prompt,
                     f"{request.temperature:.2f}", f"{request.top_p:.2f}"))
    sampler = _Sampler(random.Random(seed), request.temperature, request.top_p)

    lowered = prompt.lower()
    fact = next((answer for key, answer in _FACTS.items() if key in lowered), None)
    parts = [fact or sampler.pick(_OPENINGS).format(topic=topic)]
    if request.system:
        parts.append(f"Following the system prompt (“{_topic(request.system)}”), I keep the answer in that spirit.")
    earlier = [turn.text for turn in request.turns[:-1] if turn.role == "user"]
    if earlier:
        parts.append(
            f"This is turn {len(earlier) + 1} of our conversation; earlier you asked “{_topic(earlier[-1])}”."
        )
    parts.append(" ".join(sampler.sample(_SENTENCES, 3)))
    adjective = sampler.pick(_ADJECTIVES)
    parts.append("### Key points\n\n" + "\n".join(f"- {point}" for point in sampler.sample(_POINTS, 3)))
    parts.append("\n".join(f"{index}. {step}" for index, step in enumerate(_STEPS[:3], start=1)))
    parts.append(
        f"A {adjective} example in Python:\n\n```python\ndef answer(question: str) -> str:\n"
        f'    """Return a {adjective} reply."""\n    return question.strip().capitalize()\n```'
    )
    parts.append(
        "| Setting | Value |\n|---|---|\n"
        f"| Model | `{request.model_id}` |\n| Temperature | {request.temperature:g} |\n"
        f"| Top P | {request.top_p:g} |\n| Max tokens | {request.max_tokens} |"
    )
    parts.append(_NON_LATIN)
    parts.append(sampler.pick(_CLOSINGS))
    answer = "\n\n".join(parts)

    length = _LENGTH_DIRECTIVE.search(prompt)
    if length:
        answer = _fit_length(answer, int(length.group(1)), sampler)
    return answer


def _fit_length(answer: str, wanted_tokens: int, sampler: _Sampler) -> str:
    tokens = tokenize(answer)
    part = 1
    while len(tokens) < wanted_tokens:
        part += 1
        extra = f"\n\n**Part {part}.** " + " ".join(sampler.sample(_SENTENCES, 4))
        tokens.extend(tokenize(extra))
    return "".join(tokens[:wanted_tokens])


def compose_reasoning(request: GenerationRequest) -> str:
    topic = _topic(request.prompt) or "the message"
    return (
        f"The user asks about “{topic}”. I should answer directly, then give key points, "
        "a short example and a summary table. Let me check the constraints first: keep it clear, "
        "mention the settings, and stay within the token budget."
    )


def generate(request: GenerationRequest) -> Generation:
    reasoning_tokens = tokenize(compose_reasoning(request)) if request.reasoning else []
    budget = max(0, request.max_tokens - len(reasoning_tokens))
    answer = compose_answer(request)
    if request.attachment_notes:  # the reply shows what the request carried, so the path is testable end to end
        answer = "[attachments] " + "; ".join(request.attachment_notes) + "\n\n" + answer

    stop_reason = END_TURN
    stop_sequence = None
    cut_at = len(answer)
    for sequence in request.stop_sequences:
        position = answer.find(sequence) if sequence else -1
        if 0 <= position < cut_at:
            cut_at, stop_sequence = position, sequence
    if stop_sequence is not None:
        stop_reason = STOP_SEQUENCE
        answer = answer[:cut_at]

    tokens = tokenize(answer)
    if len(tokens) > budget:
        tokens = tokens[:budget]
        stop_reason, stop_sequence = MAX_TOKENS, None
    return Generation(tokens, reasoning_tokens, stop_reason, stop_sequence, request.input_tokens)
