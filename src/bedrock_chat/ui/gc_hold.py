"""Python's cyclic garbage collector kept to what a streaming reply allocates.

A collection of the oldest generation walks every object of the process (boto3's service models, Qt's wrappers,
the conversation) while holding the GIL: measured 113 ms of the GUI thread in the middle of a 2,000-line code
reply, and collections of the middle generation 13–20 ms. While any reply streams or settles, everything that
was alive when the first of them began sits in the permanent generation (``gc.freeze``, a constant-time move), so
collections only walk what was allocated since. When the last one is done, those objects go back to the collector
(``gc.unfreeze``), so garbage among them is still collected, between replies. A hold never released (a view
kept alive by a reference cycle among the frozen objects, say) is dropped when a reply starts ``HOLD_MAX_S`` later.
"""

from __future__ import annotations

import gc
import itertools
import time
import weakref

HOLD_MAX_S = 120.0  # a reply streaming and settling for longer is rare; a hold that old was lost
_holders: dict[int, float] = {}  # number -> when it began
_numbers = itertools.count()


class GcHold:
    """Held by a reply from its start until it is rendered whole (or dropped, whichever comes first)."""

    def __init__(self) -> None:
        number, now = next(_numbers), time.monotonic()
        for stale in [held for held, began in _holders.items() if now - began > HOLD_MAX_S]:
            _release(stale)
        if not _holders:
            gc.freeze()
        _holders[number] = now
        self._release = weakref.finalize(self, _release, number)

    def release(self) -> None:
        self._release()  # runs once: a second call, or the finalizer after it, does nothing

    @staticmethod
    def holding() -> bool:
        return bool(_holders)


def _release(number: int) -> None:
    if _holders.pop(number, None) is not None and not _holders:
        gc.unfreeze()
