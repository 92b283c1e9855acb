"""Amazon Titan Text on InvokeModel: ``inputText`` and ``textGenerationConfig`` in, ``results`` out."""

from __future__ import annotations

from typing import Any

from bedrock_chat.local_endpoint import validation as check
from bedrock_chat.local_endpoint.catalog import CatalogModel
from bedrock_chat.local_endpoint.generator import MAX_TOKENS, STOP_SEQUENCE, Generation, GenerationRequest, Turn
from bedrock_chat.local_endpoint.native import Chunk, TextOnlyStream, default_max_tokens

_TITAN_REASONS = {MAX_TOKENS: "LENGTH", STOP_SEQUENCE: "STOP_CRITERIA_MET"}


class TitanFamily(TextOnlyStream):
    def parse(self, body: dict[str, Any], model: CatalogModel) -> GenerationRequest:
        check.reject_unknown_keys(body, {"inputText", "textGenerationConfig"})
        text = check.text_value(check.require_key(body, "inputText"), "#/inputText")
        config = check.require_object(body.get("textGenerationConfig", {}), "#/textGenerationConfig")
        check.reject_unknown_keys(config, {"maxTokenCount", "temperature", "topP", "stopSequences"},
                                  "#/textGenerationConfig")
        limit = config.get("maxTokenCount")
        prompt = text.rsplit("User:", 1)[-1].replace("Bot:", "").strip() or text
        return GenerationRequest(
            model_id=model.model_id,
            turns=(Turn("user", prompt),),
            max_tokens=default_max_tokens(model) if limit is None else check.max_tokens(limit, "maxTokenCount", model),
            temperature=check.number_in_range(config.get("temperature", 0.7), "temperature", 0, 1),
            top_p=check.number_in_range(config.get("topP", 0.9), "topP", 0, 1),
            stop_sequences=check.stop_list(config.get("stopSequences", []), "stopSequences"),
        )

    def response(self, generation: Generation, model: CatalogModel) -> dict[str, Any]:
        return {
            "inputTextTokenCount": generation.input_tokens,
            "results": [{
                "tokenCount": generation.output_tokens,
                "outputText": generation.text,
                "completionReason": _TITAN_REASONS.get(generation.stop_reason, "FINISH"),
            }],
        }

    def stream_text(self, token: str, emitted: int, request: GenerationRequest) -> list[Chunk]:
        return [{
            "outputText": token,
            "index": 0,
            "totalOutputTextTokenCount": emitted + 1,
            "completionReason": None,
            "inputTextTokenCount": request.input_tokens if emitted == 0 else None,
        }]

    def stream_finish(self, generation: Generation, metrics: dict[str, int]) -> list[Chunk]:
        return [{
            "outputText": "",
            "index": 0,
            "totalOutputTextTokenCount": generation.output_tokens,
            "completionReason": _TITAN_REASONS.get(generation.stop_reason, "FINISH"),
            "inputTextTokenCount": None,
            "amazon-bedrock-invocationMetrics": metrics,
        }]

