"""A person's history actions (open, search, rename, pin, duplicate, delete, undo) on a failing disk: one
plain sentence in the window instead of a traceback from the slot.

A read that finds damage (a page beyond what the startup check covers) is also remembered, so the next start
keeps the damaged file aside and starts a fresh history beside it.
"""

from __future__ import annotations

import functools
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Concatenate, ParamSpec, Protocol, TypeVar

from bedrock_chat.core.history_open import note_damage
from bedrock_chat.core.store_errors import StoreError, StoreProblemKind, classify, describe_save_failure

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


class _Store(Protocol):
    path: Path


class _Window(Protocol):
    @property
    def store(self) -> _Store: ...

    def show_error(self, text: str, retryable: bool, about_connection: bool = False) -> None: ...


class _HasWindow(Protocol):
    @property
    def _window(self) -> _Window: ...


H = TypeVar("H", bound=_HasWindow)


Method = Callable[Concatenate[H, P], R]


def reports_store_failure(what: str) -> Callable[[Method[H, P, R]], Method[H, P, R | None]]:
    """Wraps a method of an object with a ``_window``: a store failure becomes "Could not <what>: <why>"."""

    def wrap(method: Method[H, P, R]) -> Method[H, P, R | None]:
        def guarded(self: H, /, *args: P.args, **kwargs: P.kwargs) -> R | None:
            try:
                return method(self, *args, **kwargs)
            except (sqlite3.Error, OSError, StoreError) as error:
                window = self._window
                path = Path(window.store.path)
                log.error("could not %s: %s", what, error)
                if classify(error, path) is StoreProblemKind.CORRUPT and str(path) != ":memory:":
                    note_damage(path.parent, str(error))
                window.show_error(f"Could not {what}: {describe_save_failure(error, path)}", retryable=False)
                return None

        functools.update_wrapper(guarded, method)
        return guarded

    return wrap
