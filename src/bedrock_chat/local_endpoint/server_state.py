"""What the endpoint keeps across requests: its options, the requests it saw, the connections it holds."""

from __future__ import annotations

import hashlib
import socket
import ssl
import threading
from collections import deque
from dataclasses import dataclass, field

from bedrock_chat.local_endpoint.catalog import Catalog
from bedrock_chat.local_endpoint.faults import FaultState
from bedrock_chat.local_endpoint.request_features import FeatureState
from bedrock_chat.local_endpoint.streaming import Pace


@dataclass
class ServerOptions:
    host: str = "127.0.0.1"
    port: int = 0
    tokens_per_second: float = 300.0
    first_token_delay: float = 0.35
    max_body_bytes: int = 20 * 1024 * 1024
    # Operations answered with AccessDeniedException, as for an account with narrow permissions
    # (e.g. {"ListFoundationModels", "ListInferenceProfiles", "GetInferenceProfile"}).
    denied_operations: frozenset[str] = frozenset()
    # Application inference profiles: id -> the foundation model they route to (invoked through their ARN).
    application_profiles: dict[str, str] = field(default_factory=dict)
    tls: ssl.SSLContext | None = None  # serve https (tests of bearer auth, which botocore sends only over TLS)
    # Bedrock answers CountTokens only for the models that have it (catalog "countTokens"); True counts any model,
    # for tests of how each native body is counted.
    count_tokens_for_every_model: bool = False

    @property
    def pace(self) -> Pace:
        return Pace(self.tokens_per_second, self.first_token_delay)


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    fault: str | None
    access_key_id: str | None = None  # which key signed it (tests check credentials flow); never the secret
    auth_scheme: str | None = None  # "AWS4-HMAC-SHA256" or "Bearer"
    bearer_fingerprint: str | None = None  # sha256 prefix of a bearer token: which key, never the key itself


@dataclass(frozen=True)
class ConnectionEnd:
    """A client connection ended (tests check that Stop hangs up): the fault of its last request, and when."""

    fault: str | None
    at: float


@dataclass
class SharedState:
    """Shared by every request thread; the lists and the connection set are guarded by ``lock``."""

    options: ServerOptions
    catalog: Catalog = field(default_factory=Catalog)
    faults: FaultState = field(default_factory=FaultState)
    stopping: threading.Event = field(default_factory=threading.Event)
    requests: list[RecordedRequest] = field(default_factory=list)
    connections: set[socket.socket] = field(default_factory=set)
    # Bounded: the app's built-in endpoint runs for a whole session.
    ended: deque[ConnectionEnd] = field(default_factory=lambda: deque(maxlen=10_000))
    lock: threading.Lock = field(default_factory=threading.Lock)
    features: FeatureState = field(default_factory=FeatureState)  # reasoning signatures, the prompt cache


def bearer_fingerprint(token: str) -> str:
    return hashlib.sha256(token.strip().encode()).hexdigest()[:16]
