"""Checks shared by every request schema: allowed keys, types and the model's bounds."""

from __future__ import annotations

import itertools
from typing import Any

from bedrock_chat.local_endpoint.catalog import CatalogModel
from bedrock_chat.local_endpoint.errors import malformed, validation


def require_object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise malformed(f"{where}: expected type: JSONObject, found: {type(value).__name__}")
    return value


def reject_unknown_keys(body: dict[str, Any], allowed: set[str] | frozenset[str], where: str = "#") -> None:
    for key in body:
        if key not in allowed:
            raise malformed(f"{where}: extraneous key [{key}] is not permitted")


def require_key(body: dict[str, Any], key: str, where: str = "#") -> Any:
    if key not in body:
        raise malformed(f"{where}: required key [{key}] not found")
    return body[key]


def text_value(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise malformed(f"{where}: expected type: String, found: {type(value).__name__}")
    return value


def number_in_range(value: Any, name: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise malformed(f"#/{name}: expected type: Number, found: {type(value).__name__}")
    if not low <= value <= high:
        raise malformed(f"#/{name}: {value} is not in the range {low:g} to {high:g}")
    return float(value)


def max_tokens(value: Any, name: str, model: CatalogModel) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise malformed(f"#/{name}: expected type: Integer, found: {type(value).__name__}")
    if value < 1:
        raise malformed(f"#/{name}: {value} is not greater or equal to 1")
    if value > model.max_output_tokens:
        raise validation(
            f"The maximum tokens you requested exceeds the model limit of {model.max_output_tokens}. "
            f"Try again with a maximum tokens value that is lower than {model.max_output_tokens}."
        )
    return value


def stop_list(value: Any, name: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise malformed(f"#/{name}: expected type: JSONArray of String")
    if len(value) > 4:
        raise validation(f"{name} accepts at most 4 stop sequences.")
    return tuple(value)


def check_alternation(roles: list[str]) -> None:
    if not roles:
        raise validation("A conversation must start with a user message. Try again with a conversation "
                         "that starts with a user message.")
    if roles[0] != "user":
        raise validation("A conversation must start with a user message. Try again with a conversation "
                         "that starts with a user message.")
    for previous, current in itertools.pairwise(roles):
        if previous == current:
            raise validation("A conversation must alternate between user and assistant roles. Make sure the "
                             "conversation alternates between user and assistant roles and try again.")
    if roles[-1] != "user":
        raise validation("The final message in a conversation must come from the user.")
