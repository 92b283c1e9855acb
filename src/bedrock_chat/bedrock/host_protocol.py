"""What the app and its turn host process say to each other over their two pipes (pickled, never on disk).

App -> host: ``PrepareConnection``, ``StartTurn``, ``CancelTurn``, ``CloseConnection``. Host -> app: batches,
each a list of ``(turn, kind, payload)``; consecutive text of one turn arrives already joined, so the app
handles a few hundred batches a second at most instead of one object per token.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bedrock_chat.bedrock.connection import ConnectionSettings
from bedrock_chat.bedrock.error_context import ErrorContext
from bedrock_chat.bedrock.requests import TurnRequest

FrozenCredentials = tuple[str | None, str | None, str | None, str | None]

# Kinds of what the host reports, per turn (turn 0: about the host itself).
# Text: (the text, the monotonic time its first part was decoded; the clock is system-wide, so the app can tell
# how long it waited, batching included).
TEXT = "text"  # payload: (str, float)
REASONING = "reasoning"  # payload: (str, float)
EVENT = "event"  # payload: a core StreamEvent other than text (ResponseStarted, Usage, metrics, stop reason)
FINISHED = "finished"  # payload: None; the reply ended normally
FAILED = "failed"  # payload: bedrock.user_error.UserError, described in the host with the app's context
RELEASED = "released"  # payload: None; botocore has let go of the turn (after Stop too): nothing more will come
READY = "ready"  # turn 0; payload: None; boto3 is loaded, turns can go out at once
LOG = "log"  # turn 0; payload: (level, logger name, message), a record for the app's own log
PREPARED = "prepared"  # turn 0; payload: the connection's serial, whose client the host has built

Report = tuple[int, str, object]


@dataclass(frozen=True)
class TurnSecrets:
    """Resolved in the app's process for every turn (profiles, SSO, environment): the host resolves nothing."""

    credentials: FrozenCredentials | None = field(default=None, repr=False)
    api_key: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class StartTurn:
    number: int
    connection: int
    """The connection's serial (``ConnectionInfo.serial``): the host keeps one client per connection."""
    settings: ConnectionSettings
    """With ``api_key`` None: the key travels in ``secrets``."""
    context: ErrorContext
    """What a failure message may say about the connection (never a credential)."""
    request: TurnRequest
    headers: dict[str, str]
    environment: dict[str, str] = field(repr=False)
    """The app's environment when it built this connection's clients, without credential variables: the host
    builds its client in the same one (proxies, CA bundle, endpoint variables, config files)."""
    secrets: TurnSecrets = field(repr=False)


@dataclass(frozen=True)
class PrepareConnection:
    """A connection that will carry turns: the host builds its client now (botocore takes ~8 ms for one), so
    the connection's first turn does not wait for it. A ``StartTurn`` brings the same and builds it if needed."""

    connection: int
    settings: ConnectionSettings
    environment: dict[str, str] = field(repr=False)
    api_key: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class CancelTurn:
    number: int


@dataclass(frozen=True)
class CloseConnection:
    connection: int


Command = PrepareConnection | StartTurn | CancelTurn | CloseConnection
