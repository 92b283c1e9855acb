"""Where the connection and the model meet the rest of the window: the connection's view (its dialog, banner and
status messages; Send and the token estimate follow whether it is ready), the model chosen in the toolbar
(remembered, shown in the preview, checked against Send and the waiting attachments), and the clients of an
earlier connection, closed once no turn uses them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bedrock_chat.core.catalog import ModelInfo
from bedrock_chat.ui.connection_view import ConnectionView

if TYPE_CHECKING:
    from bedrock_chat.ui.main_window import MainWindow


def install_connection_view(window: MainWindow) -> ConnectionView:
    view = ConnectionView(window.connection_ctl, window.connection_bar, window.error_banner, window)
    view.models_loaded.connect(window.models_loaded)
    view.status_changed.connect(window.statusBar().showMessage)
    view.ready_changed.connect(window.controls.update_send_enabled)
    view.ready_changed.connect(window.token_estimator.schedule)  # another connection may count otherwise
    window.connection_bar.model_chosen.connect(lambda model: _on_model_chosen(window, model))
    # Clients of an earlier connection close once no turn uses them (compare's columns: see compare_hooks).
    window.turns.runtime_released.connect(lambda _runtime: window.connection_ctl.release_unused())
    return view


def uses_clients(window: MainWindow, clients: object) -> bool:
    """Whether a turn, a stopped one still inside botocore included, uses these clients."""
    runtime = getattr(clients, "runtime", None)
    return window.turns.uses(runtime) or window.compare.controller.uses(runtime)


def _on_model_chosen(window: MainWindow, model: ModelInfo) -> None:
    window.settings.set_last_model(model.invoke_id)
    # The next connection resolves it again (an id that is not listed is used as typed, never replaced).
    window.connection_ctl.preferred_model = model.invoke_id
    window.requests.show_model(model)
    window.controls.update_send_enabled()
    window.controls.check_attachments()
