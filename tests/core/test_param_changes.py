"""What a model switch did to the settings, in words."""

from __future__ import annotations

from bedrock_chat.core.param_changes import switch_changes, switch_notice
from bedrock_chat.core.params import GenerationParams


def test_only_what_changed_is_named() -> None:
    before = GenerationParams(temperature=0.4, max_tokens=8000, reasoning=True, stop_sequences=("a", "b"))
    after = GenerationParams(temperature=0.4, max_tokens=2048, reasoning=False, stop_sequences=("a", "b"))
    assert switch_changes(before, after) == ["Max tokens 8,000 → 2,048", "extended thinking off"]
    assert switch_notice("Llama 3 8B", before, after) == (
        "Switched to Llama 3 8B; to fit its limits: Max tokens 8,000 → 2,048, extended thinking off. "
        "Everything else kept.")
    assert switch_notice("Nova Micro", before, before) == "Switched to Nova Micro: every setting kept."
