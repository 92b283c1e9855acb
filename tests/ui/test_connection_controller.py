"""The connection controller on its own, without a window: signals, reconnects, and clients' lifetime."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bedrock_chat.bedrock.connection import ConnectionSettings
from bedrock_chat.ui.connection_controller import Connected, ConnectionController, ConnectionFailure
from bedrock_chat.ui.settings_store import SettingsStore


class Users:
    """Stands in for the turn side: which clients a reply in flight still uses."""

    def __init__(self) -> None:
        self.in_use: set[int] = set()

    def uses_clients(self, clients: object) -> bool:
        return id(clients) in self.in_use


@pytest.fixture
def controller(qapp: Any, tmp_path: Path, paced_server: Any) -> Iterator[ConnectionController]:
    settings = ConnectionSettings(endpoint_url=paced_server.url, offline=True)
    made = ConnectionController(settings, SettingsStore(tmp_path))
    made.users = Users()
    yield made
    made.close()


def test_connect_reports_clients_models_and_no_profiles_offline(qtbot, controller):
    with qtbot.waitSignal(controller.connected, timeout=15000) as connected:
        controller.connect_to_bedrock()
    result = connected.args[0]
    assert isinstance(result, Connected)
    assert result.clients is controller.clients and result.models == controller.models
    assert any(model.invoke_id == "amazon.nova-micro-v1:0" for model in result.models)
    assert result.profiles == []


def test_an_unreachable_endpoint_fails_in_plain_words(qtbot, tmp_path, qapp):
    made = ConnectionController(ConnectionSettings(endpoint_url="http://127.0.0.1:9", offline=True,
                                                   max_attempts=1), SettingsStore(tmp_path))
    try:
        with qtbot.waitSignal(made.failed, timeout=15000) as failed:
            made.connect_to_bedrock()
    finally:
        made.close()
    failure = failed.args[0]
    assert isinstance(failure, ConnectionFailure) and failure.sso_profile is None
    assert "Traceback" not in failure.message and failure.message
    assert made.clients is None


def test_reconnect_keeps_clients_a_reply_uses_until_released(qtbot, controller, paced_server):
    with qtbot.waitSignal(controller.connected, timeout=15000):
        controller.connect_to_bedrock()
    old = controller.clients
    controller.users.in_use.add(id(old))
    with qtbot.waitSignal(controller.connected, timeout=15000):
        controller.reconnect("eu-west-1", None)
    assert controller.clients is not old and controller.settings.region == "eu-west-1"
    # Both connections' pooled sockets are open: the old clients were not closed under the reply.
    qtbot.waitUntil(lambda: paced_server.open_connections == 2, timeout=5000)
    controller.users.in_use.clear()
    controller.release_unused()
    qtbot.waitUntil(lambda: paced_server.open_connections == 1, timeout=5000)


def test_region_and_profile_are_remembered_never_the_key(qtbot, controller, tmp_path):
    controller.apply("eu-central-1", "analyst", None, "ABSKc2VjcmV0LWtleS12YWx1ZQ==", forget_key=False)
    with qtbot.waitSignal(controller.key_status_changed, timeout=10000):
        pass
    store = SettingsStore(tmp_path)
    assert (store.region(), store.profile()) == ("eu-central-1", "analyst")
    store.sync()
    assert b"ABSKc2VjcmV0" not in (tmp_path / "settings.ini").read_bytes()
    assert controller.settings.api_key is not None and "ABSK" not in repr(controller.settings)
