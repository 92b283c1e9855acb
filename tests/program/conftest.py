"""The program-level tests use the real window fixture of the UI tests, and leave logging as they found it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bedrock_chat.logging_setup import remove_handlers
from tests.ui.conftest import make_window

__all__ = ["make_window"]


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    yield
    remove_handlers()
