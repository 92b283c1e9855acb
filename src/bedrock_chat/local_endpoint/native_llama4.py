"""Llama 4 on InvokeModel: Llama 3's body and answer, with Llama 4's chat template in the prompt."""

from __future__ import annotations

import re

from bedrock_chat.local_endpoint.generator import Turn
from bedrock_chat.local_endpoint.native import LlamaFamily

_TURN = re.compile(r"<\|header_start\|>(\w+)<\|header_end\|>\s*(.*?)(?:<\|eot\|>|$)", re.DOTALL)


class Llama4Family(LlamaFamily):
    def turns(self, prompt: str) -> tuple[str, tuple[Turn, ...]]:
        system, turns = "", []
        for role, text in _TURN.findall(prompt):
            if role == "system":
                system = text.strip()
            elif role in ("user", "assistant") and text.strip():
                turns.append(Turn(role, text.strip()))
        return system, tuple(turns) or (Turn("user", prompt),)
