"""The connection: settings, the API key, boto3 clients and the model list, loaded off the GUI thread.

The window listens to its signals; it never builds clients itself. Clients of an earlier connection are closed
once no reply in flight uses them (a reply keeps the client it started with).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from PySide6.QtCore import QObject, Signal

from bedrock_chat.bedrock.api_key import ApiKey
from bedrock_chat.bedrock.connection import ConnectionSettings
from bedrock_chat.core.catalog import ModelInfo
from bedrock_chat.core.key_store import ApiKeyStore, KeyStatus
from bedrock_chat.ui.settings_store import SettingsStore
from bedrock_chat.ui.sso_login import SsoLogin, aws_cli

log = logging.getLogger(__name__)


class Clients(Protocol):
    """What the window needs of bedrock.session.BedrockClients (imported lazily: boto3 loads after the frame)."""

    runtime: Any
    control: Any

    def close(self) -> None: ...


class ClientUsers(Protocol):
    """Whoever runs replies: tells whether a reply in flight still uses these clients."""

    def uses_clients(self, clients: object) -> bool: ...


@dataclass(frozen=True)
class Connected:
    settings: ConnectionSettings
    clients: Clients
    models: list[ModelInfo]
    profiles: list[str] = field(default_factory=list)
    notice: str | None = None  # about the model list (listing refused: the bundled one is offered), said once
    details: str = ""  # the raw error behind the notice
    preferred: str | None = None  # the invoke id the preferred model resolved to (listed or added as typed)
    model_note: str | None = None  # what the preferred id turned out to be, for the status bar


@dataclass(frozen=True)
class ConnectionFailure:
    settings: ConnectionSettings
    message: str  # what happened and what to do, plain text
    sso_profile: str | None = None  # set when signing in with `aws sso login --profile NAME` would help
    details: str = ""  # the raw error, for the Details toggle


def _connect_and_list(settings: ConnectionSettings, preferred: str | None) -> Connected:
    """Runs off the GUI thread: importing boto3, listing models and resolving a typed id all take a while."""
    from bedrock_chat.bedrock import turn_host
    from bedrock_chat.bedrock.model_list import load_model_list, resolve_model
    from bedrock_chat.bedrock.session import BedrockClients, available_profiles

    turn_host.prestart()  # the process that runs turns starts now, in the background, well after the first frame
    clients = BedrockClients(settings)
    try:
        listing = load_model_list(clients.control, settings.region)
        resolved = resolve_model(clients.control, preferred, listing.models) if preferred else None
        profiles = [] if settings.offline else available_profiles()
    except BaseException:
        clients.close()
        raise
    turn_host.prepare(clients.info)  # the connection works: its first turn need not build a client in the host
    models = list(listing.models)
    if resolved is not None and not resolved.listed:
        models.append(resolved.model)  # an id the list lacks is used as given, never replaced by another model
    return Connected(settings, clients, models, profiles, listing.notice, listing.details,
                     resolved.model.invoke_id if resolved else None, resolved.note if resolved else None)


def _close_unused_clients(listing: Future[Connected]) -> None:
    """On the listing's thread, once it ends: the clients of a connection nobody waits for any more."""
    if not listing.cancelled() and listing.exception() is None:
        listing.result().clients.close()


def _describe_failure(error: BaseException, settings: ConnectionSettings) -> ConnectionFailure:
    from bedrock_chat.bedrock.error_context import settings_context
    from bedrock_chat.bedrock.errors import describe_error

    # One mapping for every failure: it names the real SSO profile and says when signing in would fix it.
    message = describe_error(error, context=settings_context(settings, "models"))
    return ConnectionFailure(settings, str(message), message.sso_profile, details=message.details)


class ConnectionController(QObject):
    connecting = Signal(object)
    """A connection attempt started (``ConnectionSettings``)."""
    connected = Signal(object)
    """Clients and the model list are ready (``Connected``)."""
    failed = Signal(object)
    """The attempt failed (``ConnectionFailure``): plain words, never a traceback."""
    key_status_changed = Signal(object)
    """Where the API key is kept changed (``KeyStatus``)."""
    sso_login_finished = Signal(bool)
    """``aws sso login`` ended (True: it succeeded; a reconnect follows)."""
    model_resolved = Signal(object, str)
    """A typed model id was resolved (``ModelInfo``, a note for the status bar); it is in ``models`` now."""

    def __init__(self, settings: ConnectionSettings, store: SettingsStore,
                 start_endpoint: Callable[[], str] | None = None, key_store: ApiKeyStore | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self._store = store
        self._start_endpoint = start_endpoint
        self.key_store = key_store or ApiKeyStore()
        self.clients: Clients | None = None
        self.models: list[ModelInfo] = []
        self.profiles: list[str] = []
        self.users: ClientUsers | None = None
        self._retired: list[Clients] = []
        self._task: Any = None  # an asyncio future; asyncio itself loads after the first frame
        self._key_loaded = False
        self._local_url: str | None = None  # the built-in endpoint, once started
        self._key_task: Any = None
        self._typed_task: Any = None
        self.preferred_model: str | None = None  # resolved with the next model list (--model, the last used)
        self._sso = SsoLogin(self)
        self._sso.finished.connect(self._on_sso_login_finished)
        # Plain Python threads for control-plane calls; qasync's default executor leaves QThreads at exit.
        self.executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="bedrock-control")
        # Keyring calls run one at a time, in the order asked: a Forget must never be undone by an earlier
        # Save that a locked keychain held back.
        self._keyring = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bedrock-keyring")

    # -- connecting ------------------------------------------------------------------------------------

    def connect_to_bedrock(self) -> None:
        """Builds clients and loads the model list off the GUI thread; a reply in flight is left alone."""
        from bedrock_chat.ui.async_loop import ensure_async_loop

        self._retire_current()
        self.connecting.emit(self.settings)
        ensure_async_loop()
        if self._task is not None:
            self._task.cancel()
        self._task = asyncio.ensure_future(self._load(self.settings))

    def reconnect(self, region: str, profile: str | None) -> None:
        """The toolbar's Reconnect: another region or profile, remembered for next time (names only)."""
        self.settings = replace(self.settings, region=region, profile=profile)
        self._store.set_connection(region, profile)
        self.connect_to_bedrock()

    def apply(self, region: str, profile: str | None, endpoint_url: str | None, new_key: str | None,
              forget_key: bool, offline: bool | None = None) -> None:
        """What the Connection dialog asks for: store or forget the key (off the GUI thread), then reconnect."""
        offline = self.settings.offline if offline is None else offline
        if offline and endpoint_url is None:
            endpoint_url = self._local_url  # None: the built-in endpoint starts
        if not offline and endpoint_url is not None and endpoint_url == self._local_url:
            endpoint_url = None  # going online: the region's own endpoint, not the built-in one
        self.settings = replace(self.settings, region=region, profile=profile, endpoint_url=endpoint_url,
                                offline=offline)
        self._store.set_connection(region, profile)
        if forget_key:
            self.settings = replace(self.settings, api_key=None)
        elif new_key:
            self.settings = replace(self.settings, api_key=ApiKey(new_key))
        self._key_loaded = True  # what the user chose wins over whatever the keyring held at startup
        self.connect_to_bedrock()
        if forget_key or new_key:
            store = self.key_store
            # Keyring calls may block (a locked keychain asks for its password), so never on the GUI thread.
            future = self._keyring.submit(store.forget) if forget_key or not new_key else \
                self._keyring.submit(store.save, new_key)
            self._key_task = asyncio.ensure_future(self._report_key_status(future))

    async def _report_key_status(self, future: Any) -> None:
        status: KeyStatus = await asyncio.wrap_future(future)
        self._store.set_api_key_saved(status.has_key and status.persistent)
        self.key_status_changed.emit(status)

    @property
    def local_url(self) -> str | None:
        return self._local_url

    def key_status(self) -> KeyStatus:
        return self.key_store.status()

    async def _load(self, settings: ConnectionSettings) -> None:
        loop = asyncio.get_event_loop()
        try:
            if settings.offline and settings.endpoint_url is None:
                if self._local_url is None and self._start_endpoint is not None:
                    self._local_url = await loop.run_in_executor(self.executor, self._start_endpoint)
                if settings is not self.settings:
                    return
                self.settings = settings = replace(settings, endpoint_url=self._local_url)
            if not self._key_loaded and not settings.offline and settings.api_key is None:
                self._key_loaded = True
                stored = await loop.run_in_executor(self._keyring, self.key_store.load)
                if stored and settings is self.settings:
                    self.settings = settings = replace(settings, api_key=ApiKey(stored))
                    self.key_status_changed.emit(self.key_store.status())
            listing = self.executor.submit(_connect_and_list, settings, self.preferred_model)
            try:
                result = await asyncio.wrap_future(listing)
            except asyncio.CancelledError:
                listing.add_done_callback(_close_unused_clients)  # a newer connection replaced this one
                raise
        except asyncio.CancelledError:
            raise
        except Exception as error:  # shown in the window; never a traceback
            if settings is self.settings:
                self.failed.emit(_describe_failure(error, settings))
            return
        if settings is not self.settings:
            result.clients.close()  # the user switched region, profile or key meanwhile
            return
        self.clients, self.models, self.profiles = result.clients, result.models, result.profiles
        if result.preferred:
            self.preferred_model = result.preferred
        self.connected.emit(result)

    def use_model_id(self, typed: str) -> None:
        """A model id, inference profile id or ARN typed by the user: resolved off the GUI thread (an application
        inference profile is looked up for its base model), then offered as it is."""
        if self.clients is None or not typed.strip():
            return
        if self._typed_task is not None:
            self._typed_task.cancel()
        self._typed_task = asyncio.ensure_future(self._resolve_typed(typed.strip(), self.clients))

    async def _resolve_typed(self, typed: str, clients: Clients) -> None:
        from bedrock_chat.bedrock.model_list import resolve_model

        resolved = await asyncio.get_event_loop().run_in_executor(
            self.executor, resolve_model, clients.control, typed, list(self.models))
        if clients is not self.clients:
            return  # reconnected meanwhile: the new list decides
        if not resolved.listed:
            self.models.append(resolved.model)
        self.preferred_model = resolved.model.invoke_id
        self.model_resolved.emit(resolved.model, resolved.note or f"Using {resolved.model.invoke_id}.")

    # -- clients' lifetime -----------------------------------------------------------------------------

    def _retire_current(self) -> None:
        if self.clients is not None:
            self._retired.append(self.clients)
            self.clients = None
        self.release_unused()

    def release_unused(self) -> None:
        """Closes clients of earlier connections that no reply uses any more (call when a reply ends)."""
        keep = []
        for clients in self._retired:
            if self.users is not None and self.users.uses_clients(clients):
                keep.append(clients)
            else:
                clients.close()
        self._retired = keep

    def close(self) -> None:
        for task in (self._task, self._typed_task):
            if task is not None:
                task.cancel()
        self._sso.stop()
        self.executor.shutdown(wait=False, cancel_futures=True)
        self._keyring.shutdown(wait=False, cancel_futures=True)
        for clients in [*self._retired, *([self.clients] if self.clients else [])]:
            clients.close()  # releases their pooled connections now, not at garbage collection
        self._retired, self.clients = [], None

    # -- AWS SSO ---------------------------------------------------------------------------------------

    @staticmethod
    def aws_cli() -> str | None:
        return aws_cli()

    def run_sso_login(self, profile: str) -> bool:
        """Runs ``aws sso login --profile NAME`` without blocking; reconnects once it succeeds."""
        return self._sso.start(profile)

    def _on_sso_login_finished(self, ok: bool) -> None:
        self.sso_login_finished.emit(ok)
        if ok:
            self.connect_to_bedrock()
