"""boto3 sessions and clients configured once: retries, timeouts, the endpoint override, API keys and proxies."""

from __future__ import annotations

import threading
from typing import Any, Literal

import boto3
import botocore.loaders
import botocore.session
from botocore.config import Config
from botocore.credentials import CredentialResolver
from botocore.tokens import FrozenAuthToken

from bedrock_chat import __version__
from bedrock_chat.bedrock.api_key import ApiKey
from bedrock_chat.bedrock.cancel import make_interruptible
from bedrock_chat.bedrock.connection import ConnectionSettings, endpoint_for, is_loopback_url
from bedrock_chat.bedrock.errors import UnexpectedResponseError, remember_context, settings_context

# Only the local endpoint ever sees these; real AWS always gets the user's own credentials.
LOCAL_CREDENTIALS = {"aws_access_key_id": "LOCALENDPOINT", "aws_secret_access_key": "not-a-secret"}


class _KeyTokenProvider:
    """Hands botocore the key entered in the app, so it never has to sit in os.environ or on disk."""

    METHOD = "bedrock-chat-api-key"

    def __init__(self, key: ApiKey) -> None:
        self._key = key

    def load_token(self, **_: Any) -> FrozenAuthToken:
        return FrozenAuthToken(self._key.secret)


def _reject_foreign_answers(response_dict: dict[str, Any], **_: Any) -> None:
    """A captive portal or web filter answers with HTML or a redirect; say so instead of parsing it as Bedrock's."""
    status = int(response_dict.get("status_code") or 0)
    headers = response_dict.get("headers") or {}
    content_type = str(headers.get("content-type", "")).lower()
    location = headers.get("location")
    html = content_type.startswith("text/html")
    if not html and isinstance(response_dict.get("body"), bytes | bytearray) and not content_type:
        html = bytes(response_dict["body"][:200]).lstrip().lower().startswith((b"<!doctype html", b"<html"))
    if html or 300 <= status < 400:
        raise UnexpectedResponseError(status, content_type, str(location) if location else None, None)


class BedrockClients:
    """The runtime client (inference) and the control-plane client (model lists) for one connection."""

    def __init__(self, settings: ConnectionSettings) -> None:
        self.settings = settings
        retries: Any = {"mode": settings.retry_mode, "max_attempts": settings.max_attempts}
        options = _auth_preference(settings)
        config = Config(
            retries=retries,
            read_timeout=settings.read_timeout,
            connect_timeout=settings.connect_timeout,
            tcp_keepalive=True,
            user_agent_extra=f"bedrock-chat/{__version__}",
            **options,
        )
        self._config = config
        local = settings.offline
        self._session = boto3.Session(
            aws_access_key_id=LOCAL_CREDENTIALS["aws_access_key_id"] if local else None,
            aws_secret_access_key=LOCAL_CREDENTIALS["aws_secret_access_key"] if local else None,
            profile_name=None if local or settings.uses_api_key else settings.profile,
            region_name=settings.region,
            botocore_session=_botocore_session(settings),
        )
        self.runtime: Any = self._client("bedrock-runtime")
        make_interruptible(self.runtime)  # before its first request: Stop then reaches every socket it opens
        self.control: Any = self._client("bedrock")
        self.context = settings_context(settings, "turn")
        for client in (self.runtime, self.control):
            client.meta.events.register("before-parse", _reject_foreign_answers)
            remember_context(client, self.context)

    def _client(self, service: Literal["bedrock-runtime", "bedrock"]) -> Any:
        config = self._config
        if is_loopback_url(endpoint_for(service, self.settings.endpoint_url)):
            # NO_PROXY semantics: loopback traffic (the built-in endpoint included) never goes through a proxy.
            config = config.merge(Config(proxies={}))
        return self._session.client(service, endpoint_url=self.settings.endpoint_url, config=config)

    def sts(self) -> Any:
        """An STS client with the same credentials (for the identity check); offline it is the local endpoint."""
        endpoint = self.settings.endpoint_url if self.settings.offline else None
        return self._session.client("sts", endpoint_url=endpoint, config=self._config)

    def close(self) -> None:
        """Releases pooled connections now, not at garbage collection."""
        self.runtime.close()
        self.control.close()


_loader_lock = threading.Lock()
_loader: botocore.loaders.Loader | None = None


def _shared_loader(session: botocore.session.Session) -> botocore.loaders.Loader:
    """One data loader for every connection: it caches the service models and endpoint data it has read, so a
    reconnect or a Test connection does not parse the same JSON again (a third of a second of GIL each time)."""
    global _loader
    with _loader_lock:
        if _loader is None:
            _loader = botocore.loaders.create_loader(session.get_config_variable("data_path"))
        return _loader


def _auth_preference(settings: ConnectionSettings) -> dict[str, Any]:
    """Which auth scheme, said in code (botocore lets code override its own preference).

    With a key in use: bearer (botocore would only pick it for a token in os.environ). With a key set but not
    usable (offline, or a plain-http endpoint): SigV4, since botocore otherwise prefers bearer whenever
    AWS_BEARER_TOKEN_BEDROCK is set, and bearer refuses http, which broke the offline endpoint.
    """
    if settings.uses_api_key:
        return {"auth_scheme_preference": "httpBearerAuth"}
    if settings.effective_api_key is not None:
        return {"auth_scheme_preference": "sigv4"}
    return {}


def _botocore_session(settings: ConnectionSettings) -> botocore.session.Session:
    """A session whose bearer token is the API key, passed in memory (never through os.environ)."""
    session = botocore.session.Session()
    session.register_component("data_loader", _shared_loader(session))
    key = settings.effective_api_key
    if settings.uses_api_key and key is not None:
        session.register_component("token_provider", _KeyTokenProvider(key))
        # Requests carry the key, not a signature: no credential lookup is needed. Without this, botocore
        # walks its chain down to the EC2 metadata service, a probe that goes through HTTP_PROXY and waits
        # out its timeout wherever that address is silently dropped.
        session.register_component("credential_provider", CredentialResolver([]))
    return session


def available_profiles() -> list[str]:
    """Profiles from the user's AWS config and credentials files, SSO profiles included."""
    return sorted(botocore.session.Session().available_profiles)


def default_region(profile: str | None) -> str | None:
    session = botocore.session.Session(profile=profile)
    try:
        region = session.get_config_variable("region")
    except Exception:  # a broken or missing profile: the caller falls back to its own default
        return None
    return str(region) if region else None
