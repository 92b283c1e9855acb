"""Native InvokeModel schemas added per family, one module each, chosen by the model id.

The older families (Nova, Claude, Llama 3, Mistral's prompt models, Titan, DeepSeek) are still built in
``bedrock.requests`` and decoded in ``bedrock.decoding``; those modules ask here first.
"""

from __future__ import annotations

from typing import Any

from bedrock_chat.bedrock.families.base import ChatMessage, NativeCodec, Part, chat_messages, text_of
from bedrock_chat.bedrock.families.cohere import CohereCodec
from bedrock_chat.bedrock.families.llama4 import Llama4Codec
from bedrock_chat.bedrock.families.openai_chat import GPT_OSS, JAMBA, MISTRAL_CHAT, QWEN
from bedrock_chat.core.catalog import base_model_id, family_of

__all__ = ["ChatMessage", "NativeCodec", "Part", "chat_messages", "codec_for_model", "decoder_for", "native_schema",
           "text_of"]

_BY_FAMILY: dict[str, NativeCodec] = {"cohere": CohereCodec(), "jamba": JAMBA, "openai": GPT_OSS, "qwen": QWEN}
_LLAMA4 = Llama4Codec()
# Mistral Large 2 and Pixtral Large take the chat-completions schema; the older Mistral models a prompt.
_MISTRAL_CHAT_PREFIXES = ("mistral.mistral-large-2407", "mistral.mistral-large-2411", "mistral.pixtral-")


def codec_for_model(model_id: str) -> NativeCodec | None:
    """The codec that builds this model's native body, or None where ``bedrock.requests`` builds it."""
    family = family_of(model_id)
    base = base_model_id(model_id)
    if family == "mistral" and base.startswith(_MISTRAL_CHAT_PREFIXES):
        return MISTRAL_CHAT
    if family == "llama" and base.startswith("meta.llama4"):
        return _LLAMA4
    return _BY_FAMILY.get(family or "")


def decoder_for(family: str | None, payload: dict[str, Any]) -> NativeCodec | None:
    """The codec that decodes a native answer or chunk of ``family``, or None for the older decoders.

    Only the family reaches the decoder, so Mistral's two schemas are told apart by shape (``choices``).
    """
    if family == "mistral" and "choices" in payload:
        return MISTRAL_CHAT
    return _BY_FAMILY.get(family or "")


def native_schema(model_id: str) -> str | None:
    """The name of the native schema a model speaks: its family, or ``mistral-chat``/``llama4`` for the newer
    members of a family whose body changed."""
    family = family_of(model_id)
    codec = codec_for_model(model_id)
    if codec is MISTRAL_CHAT:
        return "mistral-chat"
    if codec is _LLAMA4:
        return "llama4"
    return family
