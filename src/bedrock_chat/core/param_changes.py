"""What a model switch did to the generation settings, in words: the values kept, the ones clamped to the new
model's limits, and the options the new model does not offer."""

from __future__ import annotations

from bedrock_chat.core.params import GenerationParams


def switch_changes(before: GenerationParams, after: GenerationParams) -> list[str]:
    """One short phrase per value that differs between the settings before and after a switch."""
    changes: list[str] = []
    if after.temperature != before.temperature:
        changes.append(f"Temperature {before.temperature:g} → {after.temperature:g}")
    if after.top_p != before.top_p:
        changes.append(f"Top P {before.top_p:g} → {after.top_p:g}")
    if after.max_tokens != before.max_tokens:
        changes.append(f"Max tokens {before.max_tokens:,} → {after.max_tokens:,}")
    if after.stop_sequences != before.stop_sequences:
        changes.append(f"stop sequences {len(before.stop_sequences)} → {len(after.stop_sequences)}")
    if before.reasoning and not after.reasoning:
        changes.append("extended thinking off")
    return changes


def switch_notice(model_name: str, before: GenerationParams, after: GenerationParams) -> str:
    """The sentence the panel shows after switching to ``model_name``."""
    changes = switch_changes(before, after)
    if not changes:
        return f"Switched to {model_name}: every setting kept."
    return f"Switched to {model_name}; to fit its limits: {', '.join(changes)}. Everything else kept."
