"""Loads the chat-capable models the account can use, and degrades gracefully when it may not list them.

ListFoundationModels denied or failing: the bundled catalog is offered, with a notice saying so once.
ListInferenceProfiles denied: profile-only models are offered under the region's profile ids (us./eu./apac.).
A typed id, inference-profile id or ARN is resolved to a ModelInfo without ever replacing it by another model.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from bedrock_chat.bedrock.error_context import context_for
from bedrock_chat.bedrock.errors import describe_error
from bedrock_chat.core.catalog import (
    ModelInfo,
    build_catalog,
    bundled_catalog,
    custom_model,
    find_model,
    profile_geography,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModelList:
    """What the model box offers, and what the window should say about it (once), in plain words."""

    models: list[ModelInfo]
    notice: str | None = None
    details: str = ""  # the raw error behind the notice, for the Details toggle
    bundled: bool = False  # the list is the app's own, not the account's


@dataclass(frozen=True)
class ResolvedModel:
    model: ModelInfo
    note: str | None = None  # said in the status bar: what the typed id turned out to be
    listed: bool = False


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", "")) or "an error"


def load_model_list(control: Any, region: str | None = None) -> ModelList:
    """Runs off the GUI thread. Only a refusal or failure *of the service* falls back to the bundled list:
    when the endpoint cannot be reached or credentials are missing, chat cannot work either, so that raises."""
    region = region or getattr(getattr(control, "meta", None), "region_name", None)
    try:
        summaries = control.list_foundation_models(byOutputModality="TEXT")["modelSummaries"]
    except ClientError as error:
        message = describe_error(error, context=context_for(control, "models"))
        models = bundled_catalog(region)
        denied = _code(error) in ("AccessDeniedException", "UnauthorizedOperation", "AccessDenied")
        why = ("This account may not list the Bedrock models" if denied
               else f"The model list could not be loaded ({_code(error)})")
        log.warning("cannot list foundation models: %s", _code(error))
        return ModelList(models, f"{why}, so the {len(models)} models known to this app are offered. Chat works "
                         "with any model the account may use; another model id, inference profile id or ARN can be "
                         "typed into the model box.", message.details, bundled=True)
    profiles: list[dict[str, Any]] = []
    notice, details = None, ""
    try:
        for page in control.get_paginator("list_inference_profiles").paginate():
            profiles.extend(page.get("inferenceProfileSummaries", []))
    except ClientError as error:
        geography = profile_geography(region)
        log.warning("cannot list inference profiles: %s", _code(error))
        details = describe_error(error, context=context_for(control, "models")).details
        notice = (f"Inference profiles could not be listed ({_code(error)}): models that run only through a "
                  + (f"profile are offered under their “{geography}.” profile ids." if geography
                     else "profile are not offered in this region; type a profile id or ARN to use one."))
        return ModelList(build_catalog(summaries, [], region, profiles_listed=False), notice, details)
    return ModelList(build_catalog(summaries, profiles, region))


def load_catalog(control: Any) -> list[ModelInfo]:
    return load_model_list(control).models


def _is_application_profile(typed: str) -> bool:
    return ":application-inference-profile/" in typed


def resolve_model(control: Any | None, typed: str, known: list[ModelInfo]) -> ResolvedModel:
    """The model a typed id names. Runs off the GUI thread (an application inference profile is looked up).

    Never substitutes a different model: an id the list does not have is used as typed, and Bedrock's answer
    (a refusal names the id) decides whether it works.
    """
    wanted = typed.strip()
    listed = find_model(wanted, known)
    if listed is not None:
        note = None
        if listed.invoke_id != wanted:
            note = f"{wanted} runs only through an inference profile here, so {listed.invoke_id} is used."
        return ResolvedModel(listed, note, listed=True)
    if _is_application_profile(wanted) and control is not None:
        try:
            profile = control.get_inference_profile(inferenceProfileIdentifier=wanted)
        except ClientError as error:
            return ResolvedModel(custom_model(wanted), f"The application inference profile could not be looked "
                                 f"up ({_code(error)}), so default limits apply and no price is shown.")
        except Exception as error:  # a network failure here must not stop the user from trying the id
            log.info("cannot look up %s: %s", wanted, type(error).__name__)
            return ResolvedModel(custom_model(wanted), "The application inference profile could not be looked "
                                 "up, so default limits apply and no price is shown.")
        routed = [str(item.get("modelArn", "")).rsplit("/", 1)[-1] for item in profile.get("models", [])]
        base = routed[0] if routed else None
        model = custom_model(wanted, base, str(profile.get("inferenceProfileName") or wanted))
        return ResolvedModel(model, f"{wanted} routes to {base}." if base else None)
    model = custom_model(wanted)
    note = None
    if model.pricing is None:
        note = f"{wanted} is not in the model list: Bedrock decides whether it can be used; default limits apply."
    return ResolvedModel(model, note)
