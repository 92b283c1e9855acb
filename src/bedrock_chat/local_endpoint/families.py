"""Which native schema a model speaks on InvokeModel: the older families in ``native``, the newer ones here."""

from __future__ import annotations

from bedrock_chat.local_endpoint import native
from bedrock_chat.local_endpoint.catalog import CatalogModel
from bedrock_chat.local_endpoint.native_chat import GptOssFamily, JambaFamily, MistralChatFamily, QwenFamily
from bedrock_chat.local_endpoint.native_cohere import CohereFamily
from bedrock_chat.local_endpoint.native_llama4 import Llama4Family

_NEWER: dict[str, type[native.NativeFamily]] = {
    "cohere": CohereFamily,
    "jamba": JambaFamily,
    "openai": GptOssFamily,
    "qwen": QwenFamily,
}
# Mistral Large 2 and Pixtral Large take chat messages; Mistral's older models one prompt string.
_MISTRAL_CHAT = ("mistral.mistral-large-2407", "mistral.mistral-large-2411", "mistral.pixtral-")


def native_family(model: CatalogModel) -> native.NativeFamily:
    """A fresh family object per request: stream methods keep per-stream state."""
    if model.family == "mistral" and model.model_id.startswith(_MISTRAL_CHAT):
        return MistralChatFamily()
    if model.family == "llama" and model.model_id.startswith("meta.llama4"):
        return Llama4Family()
    newer = _NEWER.get(model.family)
    return newer() if newer is not None else native.native_family(model)
