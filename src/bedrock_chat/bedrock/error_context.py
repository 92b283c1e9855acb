"""What a failure's message may know about the connection it happened on: never the credential itself."""

from __future__ import annotations

import weakref
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from bedrock_chat.bedrock.connection import ConnectionSettings, hide_password

Stage = Literal["turn", "models", "connect"]


@dataclass(frozen=True)
class ErrorContext:
    """What the message needs to know about the connection: never the credential itself."""

    region: str | None = None
    endpoint_url: str | None = None  # a custom endpoint; None for AWS's own
    profile: str | None = None
    api_key: bool = False  # requests carried a Bedrock API key
    stage: Stage = "turn"
    model_id: str | None = None
    key_expires_at: datetime | None = None  # a short-term key's end, when it can be read from the key
    key_withheld: bool = False  # a key is set but not sent: the endpoint is plain http (bearer needs TLS)


_contexts: weakref.WeakKeyDictionary[Any, ErrorContext] = weakref.WeakKeyDictionary()


def remember_context(client: Any, context: ErrorContext) -> None:
    """Called by BedrockClients, so a failure seen in the worker (which only has the client) is described well."""
    _contexts[client] = context


def context_for(client: Any, stage: Stage = "turn", model_id: str | None = None) -> ErrorContext:
    known = _contexts.get(client)
    if known is None:
        known = ErrorContext(region=getattr(getattr(client, "meta", None), "region_name", None))
    return replace(known, stage=stage, model_id=model_id)


def settings_context(settings: ConnectionSettings, stage: Stage = "connect") -> ErrorContext:
    """The context of a failure that happened before any client existed (creating them, listing models)."""
    keyed = settings.uses_api_key
    key = settings.effective_api_key
    return ErrorContext(settings.region, settings.endpoint_url, None if settings.offline or keyed else settings.profile,
                        keyed, stage, key_expires_at=key.expires_at if keyed and key else None,
                        key_withheld=key is not None and not keyed and not settings.offline)


def where(context: ErrorContext) -> str:
    """Where the requests went, as a message names it: a custom endpoint (no password shown) or Bedrock's region."""
    if context.endpoint_url:
        return f"the endpoint {hide_password(context.endpoint_url)}"
    return f"Bedrock in {context.region}" if context.region else "Bedrock"
