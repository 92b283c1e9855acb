"""Loads the chat-capable models the account can use, from ListFoundationModels and ListInferenceProfiles."""

from __future__ import annotations

import logging
from typing import Any

from botocore.exceptions import ClientError

from bedrock_chat.core.catalog import ModelInfo, build_catalog

log = logging.getLogger(__name__)


def load_catalog(control: Any) -> list[ModelInfo]:
    summaries = control.list_foundation_models(byOutputModality="TEXT")["modelSummaries"]
    profiles: list[dict[str, Any]] = []
    try:
        for page in control.get_paginator("list_inference_profiles").paginate():
            profiles.extend(page.get("inferenceProfileSummaries", []))
    except ClientError as error:
        # Some accounts may list models but not profiles; models that need a profile then stay hidden.
        log.warning("cannot list inference profiles: %s", error.response.get("Error", {}).get("Code"))
    return build_catalog(summaries, profiles)
