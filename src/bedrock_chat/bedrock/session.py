"""boto3 sessions and clients configured once: retries, timeouts, and the endpoint override."""

from __future__ import annotations

import threading
from typing import Any

import boto3
import botocore.loaders
import botocore.session
import botocore.tokens
from botocore.config import Config

from bedrock_chat import __version__
from bedrock_chat.bedrock.connection import ConnectionSettings

# Only the local endpoint ever sees these; real AWS always gets the user's own credentials.
LOCAL_CREDENTIALS = {"aws_access_key_id": "LOCALENDPOINT", "aws_secret_access_key": "not-a-secret"}


class BedrockClients:
    """The runtime client (inference) and the control-plane client (model lists) for one connection."""

    def __init__(self, settings: ConnectionSettings) -> None:
        self.settings = settings
        retries: Any = {"mode": settings.retry_mode, "max_attempts": settings.max_attempts}
        config = Config(
            retries=retries,
            read_timeout=settings.read_timeout,
            connect_timeout=settings.connect_timeout,
            tcp_keepalive=True,
            user_agent_extra=f"bedrock-chat/{__version__}",
            **_auth_preference(settings),
        )
        self._config = config
        self._session = boto3.Session(
            aws_access_key_id=LOCAL_CREDENTIALS["aws_access_key_id"] if settings.offline else None,
            aws_secret_access_key=LOCAL_CREDENTIALS["aws_secret_access_key"] if settings.offline else None,
            profile_name=None if settings.offline else settings.profile,
            region_name=settings.region,
            botocore_session=_botocore_session(settings),
        )
        self.runtime: Any = self._session.client("bedrock-runtime", endpoint_url=settings.endpoint_url,
                                                 config=config)
        self.control: Any = self._session.client("bedrock", endpoint_url=settings.endpoint_url, config=config)

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
    """botocore prefers bearer auth only for a token in os.environ; for the pasted key it is chosen in code."""
    return {"auth_scheme_preference": "httpBearerAuth"} if settings.uses_api_key else {}


def _botocore_session(settings: ConnectionSettings) -> botocore.session.Session:
    """A session whose bearer token is the pasted API key, passed in memory (never through os.environ)."""
    session = botocore.session.Session()
    session.register_component("data_loader", _shared_loader(session))
    key = settings.effective_api_key
    if settings.uses_api_key and key is not None:
        environ = {"AWS_BEARER_TOKEN_BEDROCK": key.secret}
        session.register_component("token_provider", botocore.tokens.TokenProviderChain(
            providers=[botocore.tokens.ScopedEnvTokenProvider(session, environ=environ)]))
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
