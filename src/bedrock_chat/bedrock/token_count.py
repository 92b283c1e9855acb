"""CountTokens: how many input tokens a request would use, counted by Bedrock without running the model."""

from __future__ import annotations

import json
from typing import Any

from bedrock_chat.bedrock.request_features import with_blobs
from bedrock_chat.bedrock.requests import TurnRequest


def count_input_tokens(runtime: Any, request: TurnRequest) -> int:
    """Raises the SDK's error when the call fails. CountTokens names the foundation model (no inference runs),
    so a model offered only through a profile is counted by its own id."""
    body = request.body()
    if request.options.api == "invoke":
        counted: dict[str, Any] = {"invokeModel": {"body": json.dumps(body).encode("utf-8")}}
    else:
        wire = with_blobs(body)
        counted = {"converse": {key: wire[key] for key in ("messages", "system") if key in wire}}
    response = runtime.count_tokens(modelId=request.model.model_id, input=counted)
    return int(response["inputTokens"])
