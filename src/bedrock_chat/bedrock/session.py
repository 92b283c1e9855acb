"""boto3 sessions and clients configured once: retries, timeouts, the endpoint override, API keys and proxies."""

from __future__ import annotations

import itertools
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import boto3
import botocore.loaders
import botocore.session
from botocore.config import Config
from botocore.credentials import CredentialProvider, CredentialResolver, Credentials, ReadOnlyCredentials
from botocore.exceptions import NoCredentialsError
from botocore.tokens import FrozenAuthToken

from bedrock_chat import __version__
from bedrock_chat.bedrock.api_key import ApiKey
from bedrock_chat.bedrock.cancel import make_interruptible
from bedrock_chat.bedrock.connection import (
    ConnectionSettings,
    endpoint_for,
    environment_without_credentials,
    is_loopback_url,
)
from bedrock_chat.bedrock.error_context import remember_context, settings_context
from bedrock_chat.bedrock.errors import UnexpectedResponseError

FrozenCredentials = tuple[str | None, str | None, str | None, str | None]
"""(access key, secret key, session token, account id), as botocore's ``ReadOnlyCredentials``."""

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
        self._config = client_config(settings)
        local = settings.offline
        self._session = boto3.Session(
            aws_access_key_id=LOCAL_CREDENTIALS["aws_access_key_id"] if local else None,
            aws_secret_access_key=LOCAL_CREDENTIALS["aws_secret_access_key"] if local else None,
            profile_name=None if local or settings.uses_api_key else settings.profile,
            region_name=settings.region,
            botocore_session=_botocore_session(settings),
        )
        self.runtime: Any = make_client(self._session, self._config, settings, "bedrock-runtime")
        self.control: Any = make_client(self._session, self._config, settings, "bedrock")
        self.context = settings_context(settings, "turn")
        for client in (self.runtime, self.control):
            remember_context(client, self.context)
        self.info = ConnectionInfo(next(_serials), settings, self._session, environment_without_credentials())
        _connections[self.runtime] = self.info

    def sts(self) -> Any:
        """An STS client with the same credentials (for the identity check); offline it is the local endpoint."""
        endpoint = self.settings.endpoint_url if self.settings.offline else None
        return self._session.client("sts", endpoint_url=endpoint, config=self._config)

    def close(self) -> None:
        """Releases pooled connections now, not at garbage collection."""
        self.runtime.close()
        self.control.close()
        for listener in list(_close_listeners):
            listener(self.info.serial)


@dataclass(frozen=True)
class ConnectionInfo:
    """What a turn run elsewhere (the turn host) needs of a connection; holds no client, so no cycle."""

    serial: int
    """Unique in this process: the turn host keys its own client of the connection by it."""
    settings: ConnectionSettings
    session: boto3.Session = field(repr=False)
    environment: dict[str, str] = field(repr=False, default_factory=dict)
    """The environment these clients were built in (proxies, CA bundle...), credential variables left out."""

    def resolved_credentials(self) -> FrozenCredentials | None:
        """(access key, secret key, token, account id) a request would be signed with now, or None.

        Profiles, SSO and the environment are resolved here, in this process, exactly as for a request; an
        expiring temporary credential is refreshed first. May block (an SSO refresh): never on the GUI thread.
        """
        credentials = self.session.get_credentials()
        if credentials is None:
            return None
        frozen = credentials.get_frozen_credentials()
        return (frozen.access_key, frozen.secret_key, frozen.token, frozen.account_id)


_serials = itertools.count(1)
_connections: weakref.WeakKeyDictionary[Any, ConnectionInfo] = weakref.WeakKeyDictionary()
_close_listeners: list[Callable[[int], None]] = []


def connection_of(runtime: Any) -> ConnectionInfo | None:
    """The connection a runtime client was built for (None for a client built elsewhere)."""
    return _connections.get(runtime)


def on_close(listener: Callable[[int], None]) -> None:
    """Calls ``listener(serial)`` whenever a connection's clients are closed (the turn host drops its copy)."""
    _close_listeners.append(listener)


def client_config(settings: ConnectionSettings) -> Config:
    """Retries, timeouts, keep-alive, the user agent and the auth preference of every client of a connection."""
    retries: Any = {"mode": settings.retry_mode, "max_attempts": settings.max_attempts}
    return Config(
        retries=retries,
        read_timeout=settings.read_timeout,
        connect_timeout=settings.connect_timeout,
        tcp_keepalive=True,
        user_agent_extra=f"bedrock-chat/{__version__}",
        **_auth_preference(settings),
    )


def make_client(session: boto3.Session, config: Config, settings: ConnectionSettings,
                service: Literal["bedrock-runtime", "bedrock"]) -> Any:
    """One client of a connection: the endpoint override, no proxy for loopback, the captive-portal check, and
    (runtime) Stop at every phase."""
    if is_loopback_url(endpoint_for(service, settings.endpoint_url)):
        # NO_PROXY semantics: loopback traffic (the built-in endpoint included) never goes through a proxy.
        config = config.merge(Config(proxies={}))
    client = session.client(service, endpoint_url=settings.endpoint_url, config=config)
    client.meta.events.register("before-parse", _reject_foreign_answers)
    if service == "bedrock-runtime":
        make_interruptible(client)  # before its first request: Stop then reaches every socket it opens
    return client


# -- request headers added to a client -----------------------------------------------------------------

_headers: weakref.WeakKeyDictionary[Any, dict[str, str]] = weakref.WeakKeyDictionary()


def add_request_header(client: Any, name: str, value: str) -> None:
    """Adds a header to every request ``client`` sends, and remembers it so the turn host's copy of the client
    sends it too (tests choose the local endpoint's faults and pace this way)."""

    def add(request: Any, **_: Any) -> None:
        request.headers[name] = value

    client.meta.events.register("before-sign.*.*", add, unique_id=f"header-{name}")
    _headers.setdefault(client, {})[name] = value


def remove_request_header(client: Any, name: str) -> None:
    client.meta.events.unregister("before-sign.*.*", unique_id=f"header-{name}")
    _headers.get(client, {}).pop(name, None)


def request_headers(client: Any) -> dict[str, str]:
    return dict(_headers.get(client, {}))


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


# -- the turn host's copy of a runtime client -----------------------------------------------------------


class HeldCredentials(Credentials):
    """What the turn host signs with: resolved in the app's own process and sent with each turn, so the host
    never reads a credential from disk or its environment and never refreshes one itself."""

    def __init__(self) -> None:
        super().__init__("", "", method="bedrock-chat-turn-host")
        self._held: ReadOnlyCredentials | None = None
        self._held_lock = threading.Lock()

    def hold(self, values: FrozenCredentials | None) -> None:
        with self._held_lock:
            self._held = ReadOnlyCredentials(*values) if values is not None else None

    def get_frozen_credentials(self) -> ReadOnlyCredentials:
        with self._held_lock:
            held = self._held
        if held is None:  # the app's process found none: the same error botocore raises when signing without
            raise NoCredentialsError()
        return held


class _HeldCredentialProvider(CredentialProvider):
    METHOD = "bedrock-chat-turn-host"

    def __init__(self, held: HeldCredentials) -> None:
        super().__init__()
        self._held = held

    def load(self) -> Credentials:
        return self._held


def host_runtime_client(settings: ConnectionSettings, credentials: HeldCredentials) -> Any:
    """The turn host's runtime client of a connection, configured as ``BedrockClients``' own (same Config,
    endpoint, proxies, captive-portal check, Stop hooks); ``settings.api_key`` is the key the app resolved."""
    botocore_session = _botocore_session(settings)
    if not settings.uses_api_key:
        botocore_session.register_component("credential_provider",
                                            CredentialResolver([_HeldCredentialProvider(credentials)]))
    session = boto3.Session(profile_name=None if settings.offline or settings.uses_api_key else settings.profile,
                            region_name=settings.region, botocore_session=botocore_session)
    return make_client(session, client_config(settings), settings, "bedrock-runtime")


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
