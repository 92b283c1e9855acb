"""Remembered choices (model, region, profile, API, parameters per model, window layout) in QSettings.

No credential ever passes through here: only names (profile, region), ids and numbers.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from bedrock_chat.core.params import GenerationParams, RequestOptions

log = logging.getLogger(__name__)


class SettingsStore:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "settings.ini"
        self.problem: str | None = None  # a sentence for the window when the settings could not be used
        self._settings = QSettings(str(self.path), QSettings.Format.IniFormat)
        self.corrupt = self._settings.status() != QSettings.Status.NoError
        if self.corrupt:
            self._set_aside()

    def _set_aside(self) -> None:
        """Keeps the broken file for whoever wants to look at it, and starts from defaults."""
        aside = self.path.with_name(f"settings.corrupt-{int(time.time())}.ini")
        try:
            self.path.replace(aside)
        except OSError as error:
            # A read-only folder: leave the file alone and keep this session's choices in a file that cannot be
            # written either, so the broken one is never overwritten and nothing is read from it.
            log.warning("settings file %s is unreadable and cannot be moved aside: %s", self.path, error.strerror)
            self.problem = (f"The settings file {self.path} could not be read and its folder cannot be written "
                            f"({error.strerror or error}), so defaults are in use and choices made now are not "
                            "remembered. Make the folder writable, or start with --data-dir pointing to another "
                            "folder.")
            self._settings = QSettings(str(self.path.with_name("settings.session.ini")), QSettings.Format.IniFormat)
            return
        log.warning("settings file %s is unreadable; moved to %s, using defaults", self.path, aside.name)
        self.problem = ("The settings file could not be read, so defaults are in use; the old file was kept beside "
                        f"it as {aside.name}.")
        self._settings = QSettings(str(self.path), QSettings.Format.IniFormat)

    def _text(self, key: str) -> str | None:
        value = self._settings.value(key)
        return value if isinstance(value, str) and value else None

    def last_model(self) -> str | None:
        return self._text("connection/model")

    def set_last_model(self, model_id: str) -> None:
        self._settings.setValue("connection/model", model_id)

    def region(self) -> str | None:
        return self._text("connection/region")

    def profile(self) -> str | None:
        return self._text("connection/profile")

    def set_connection(self, region: str, profile: str | None) -> None:
        self._settings.setValue("connection/region", region)
        self._settings.setValue("connection/profile", profile or "")

    def api_key_saved(self) -> bool:
        """Whether a Bedrock API key was saved in the system keyring (the fact only, never the key)."""
        return str(self._settings.value("connection/api_key_in_keyring", "false")).lower() == "true"

    def set_api_key_saved(self, saved: bool) -> None:
        self._settings.setValue("connection/api_key_in_keyring", "true" if saved else "false")

    def params_for(self, model_id: str) -> GenerationParams | None:
        raw = self._text(f"params/{model_id.replace('/', '_')}")
        if raw is None:
            return None
        try:
            return GenerationParams.from_dict(json.loads(raw))
        except (ValueError, TypeError, AttributeError):
            log.warning("ignoring unreadable saved parameters for %s", model_id)
            return None

    def set_params_for(self, model_id: str, params: GenerationParams) -> None:
        self._settings.setValue(f"params/{model_id.replace('/', '_')}", json.dumps(params.to_dict()))

    def options(self) -> RequestOptions:
        api = self._text("request/api") or "converse"
        streaming = self._settings.value("request/streaming", "true")
        return RequestOptions(api if api in ("converse", "invoke") else "converse", str(streaming).lower() != "false")

    def set_options(self, options: RequestOptions) -> None:
        self._settings.setValue("request/api", options.api)
        self._settings.setValue("request/streaming", "true" if options.streaming else "false")

    def compare_columns(self) -> str | None:
        """The compare columns as JSON (``core.compare.columns_from_json`` reads it, checking every value)."""
        return self._text("compare/columns")

    def set_compare_columns(self, columns_json: str) -> None:
        self._settings.setValue("compare/columns", columns_json)

    def layout(self, name: str) -> QByteArray | None:
        value = self._settings.value(f"window/{name}")
        return value if isinstance(value, QByteArray) else None

    def set_layout(self, name: str, state: QByteArray) -> None:
        self._settings.setValue(f"window/{name}", state)

    def panel(self, name: str) -> tuple[bool, int] | None:
        """Whether a side panel is wanted and its width; None when unknown or unreadable."""
        raw = self._text(f"window/panel-{name}")
        parts = (raw or "").split()
        if len(parts) != 2 or parts[0] not in ("0", "1") or not parts[1].isdigit():
            return None
        return parts[0] == "1", min(int(parts[1]), 4000)

    def set_panel(self, name: str, wanted: bool, width: int) -> None:
        self._settings.setValue(f"window/panel-{name}", f"{int(wanted)} {max(0, width)}")

    def panel_order(self) -> list[str]:
        return (self._text("window/panel-order") or "").split()

    def set_panel_order(self, names: list[str]) -> None:
        self._settings.setValue("window/panel-order", " ".join(names))

    def theme(self) -> str:
        return self._text("view/theme") or "system"

    def set_theme(self, theme: str) -> None:
        self._settings.setValue("view/theme", theme)

    def sync(self) -> None:
        self._settings.sync()
