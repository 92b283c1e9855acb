"""Which native schema a model speaks on InvokeModel: one family object per request."""

from __future__ import annotations

from bedrock_chat.local_endpoint.catalog import CatalogModel
from bedrock_chat.local_endpoint.errors import validation
from bedrock_chat.local_endpoint.native import NativeFamily
from bedrock_chat.local_endpoint.native_anthropic import AnthropicFamily
from bedrock_chat.local_endpoint.native_chat import GptOssFamily, JambaFamily, MistralChatFamily, QwenFamily
from bedrock_chat.local_endpoint.native_cohere import CohereFamily
from bedrock_chat.local_endpoint.native_nova import NovaFamily
from bedrock_chat.local_endpoint.native_prompt import DeepSeekFamily, Llama4Family, LlamaFamily, MistralFamily
from bedrock_chat.local_endpoint.native_titan import TitanFamily

_BY_FAMILY: dict[str, type[NativeFamily]] = {
    "nova": NovaFamily,
    "anthropic": AnthropicFamily,
    "llama": LlamaFamily,
    "mistral": MistralFamily,
    "deepseek": DeepSeekFamily,
    "titan": TitanFamily,
    "cohere": CohereFamily,
    "jamba": JambaFamily,
    "openai": GptOssFamily,
    "qwen": QwenFamily,
}
# Mistral Large 2 and Pixtral Large take chat messages; Mistral's older models one prompt string.
_MISTRAL_CHAT = ("mistral.mistral-large-2407", "mistral.mistral-large-2411", "mistral.pixtral-")


def native_family(model: CatalogModel) -> NativeFamily:
    """A fresh family object per request: stream methods keep per-stream state (block indexes)."""
    if model.family == "mistral" and model.model_id.startswith(_MISTRAL_CHAT):
        return MistralChatFamily()
    if model.family == "llama" and model.model_id.startswith("meta.llama4"):
        return Llama4Family()
    family = _BY_FAMILY.get(model.family)
    if family is None:
        raise validation(f"The local endpoint does not generate {', '.join(model.output_modalities).lower()} "
                         f"output; {model.model_id} is listed for the catalog only.")
    return family()
