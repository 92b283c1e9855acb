"""Python's cyclic garbage collector kept to what a streaming reply allocates.

A collection of the oldest generation walks every object of the process (boto3's service models, Qt's wrappers,
the conversation) while holding the GIL: measured 113 ms of the GUI thread in the middle of a 2,000-line code
reply, and collections of the middle generation 13–20 ms. While any reply streams or settles, everything that
was alive when the first of them began sits in the permanent generation (``gc.freeze``, a constant-time move), so
collections only walk what was allocated since. When the last one is done, those objects go back to the collector
(``gc.unfreeze``), so garbage among them is still collected, between replies.
"""

from __future__ import annotations

import gc
import itertools
import weakref

_holders: set[int] = set()
_numbers = itertools.count()


class GcHold:
    """Held by a reply from its start until it is rendered whole (or dropped, whichever comes first)."""

    def __init__(self) -> None:
        number = next(_numbers)
        if not _holders:
            gc.freeze()
        _holders.add(number)
        self._release = weakref.finalize(self, _release, number)

    def release(self) -> None:
        self._release()  # runs once: a second call, or the finalizer after it, does nothing

    @staticmethod
    def holding() -> bool:
        return bool(_holders)


def _release(number: int) -> None:
    _holders.discard(number)
    if not _holders:
        gc.unfreeze()
