"""The message a person reads about a failure, and what every such message is written with: secrets scrubbed,
the raw detail kept for the Details toggle."""

from __future__ import annotations

import re
from dataclasses import dataclass

from botocore import exceptions as boto_errors

from bedrock_chat.bedrock.connection import hide_password

TEXT_KEPT = "The text that arrived is kept."
_SECRETS = re.compile(r"(Bearer\s+|bedrock-api-key-|ABSK)[A-Za-z0-9+/=._~-]+")


@dataclass(frozen=True)
class UserError:
    title: str
    detail: str
    action: str
    retryable: bool = True
    details: str = ""  # the raw detail behind the message, shown on request; never a credential
    sso_profile: str | None = None  # ``aws sso login --profile THIS`` would fix it (the window offers to run it)

    def __str__(self) -> str:
        return " ".join(part for part in (f"{self.title}.", self.detail, self.action) if part).strip()


def scrub(text: str) -> str:
    """Belt and braces: nothing that looks like a bearer key ever reaches the window or the database."""
    return _SECRETS.sub(lambda match: match.group(1) + "…", text)


def raw_detail(error: BaseException) -> str:
    """The exception as it was (type, error code, HTTP status, request id, cause), without secrets."""
    lines = [f"{type(error).__name__}: {error}"]
    if isinstance(error, boto_errors.ClientError):
        meta = error.response.get("ResponseMetadata", {})
        lines.append(f"Error code: {error.response.get('Error', {}).get('Code', '')}")
        lines.append(f"HTTP status: {meta.get('HTTPStatusCode', '?')}; request id: {meta.get('RequestId', '?')}")
    cause = error.__cause__ or getattr(error, "kwargs", {}).get("error")
    if cause is not None and cause is not error:
        lines.append(f"Caused by {type(cause).__name__}: {cause}")
    return hide_password(scrub("\n".join(lines)))


def sso_login_command(profile: str | None) -> str:
    return "aws sso login" + (f" --profile {profile}" if profile else "")
