"""Locates the files under ``resources/`` both in an installed wheel and in a source checkout."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any


@cache
def resources_dir() -> Path:
    packaged = Path(str(resources.files("bedrock_chat"))) / "resources"
    if packaged.is_dir():
        return packaged
    # An editable install maps the package to src/, so the data sits at the repository root.
    return Path(__file__).resolve().parents[2] / "resources"


def resource_path(name: str) -> Path:
    return resources_dir() / name


@cache
def model_catalog_data() -> dict[str, Any]:
    with resource_path("models.json").open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data
