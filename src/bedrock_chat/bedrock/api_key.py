"""Amazon Bedrock API keys: held in memory only, never shown whole, their expiry read from the key itself.

Kept free of boto3 so app.py can decide at startup whether a key is a way in. A short-term key is
``bedrock-api-key-`` followed by the base64 of a SigV4-presigned URL (``X-Amz-Date``, ``X-Amz-Expires``,
``X-Amz-Credential`` naming the region), as aws-bedrock-token-generator builds it; a long-term key is opaque.
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

ENV_VARIABLE = "AWS_BEARER_TOKEN_BEDROCK"
SHORT_TERM_PREFIX = "bedrock-api-key-"


@dataclass(frozen=True)
class ApiKey:
    """A Bedrock API key. ``repr`` and ``str`` never contain the secret, so it cannot slip into a log line."""

    secret: str = field(repr=False)
    source: str = "entered"  # "environment" (AWS_BEARER_TOKEN_BEDROCK) or "entered" (a dialog, the keyring)

    def __post_init__(self) -> None:
        if not self.secret.strip():
            raise ValueError("an API key cannot be empty")
        object.__setattr__(self, "secret", self.secret.strip())

    def __repr__(self) -> str:
        return f"ApiKey({self.masked}, source={self.source!r})"

    __str__ = __repr__

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> ApiKey | None:
        value = (os.environ if environ is None else environ).get(ENV_VARIABLE, "")
        return cls(value, "environment") if value.strip() else None

    @property
    def masked(self) -> str:
        """Enough to tell two keys apart, never enough to use one."""
        return f"…{self.secret[-4:]}" if len(self.secret) > 12 else "…"

    @property
    def short_term(self) -> bool:
        return self._presigned() is not None

    def _presigned(self) -> dict[str, str] | None:
        if not self.secret.startswith(SHORT_TERM_PREFIX):
            return None
        encoded = self.secret[len(SHORT_TERM_PREFIX):]
        try:
            url = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=False).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None
        query = parse_qs(urlsplit(url if "://" in url else "https://" + url).query)
        values = {name: items[-1] for name, items in query.items() if items}
        return values if "X-Amz-Date" in values else None

    @property
    def expires_at(self) -> datetime | None:
        """When a short-term key stops working (UTC); None for a long-term key or one that cannot be read."""
        query = self._presigned()
        if query is None:
            return None
        try:
            signed = datetime.strptime(query["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            return signed + timedelta(seconds=int(query.get("X-Amz-Expires", "43200")))
        except ValueError:
            return None

    @property
    def region(self) -> str | None:
        """The region a short-term key was issued for (it works there only)."""
        query = self._presigned()
        parts = (query or {}).get("X-Amz-Credential", "").split("/")
        return parts[2] if len(parts) >= 5 and parts[2] else None

    def describe(self, now: datetime | None = None) -> str:
        """A plain phrase for the window: which key, and how long it still works."""
        where = "from AWS_BEARER_TOKEN_BEDROCK" if self.source == "environment" else "entered in the app"
        expires = self.expires_at
        if expires is None:
            return f"API key {self.masked} ({where})"
        left = expires - (now or datetime.now(UTC))
        if left.total_seconds() <= 0:
            return f"API key {self.masked} ({where}, expired at {expires:%H:%M} UTC)"
        hours, minutes = divmod(int(left.total_seconds()) // 60, 60)
        span = f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"
        return f"API key {self.masked} ({where}, short-term, expires in {span})"

    def expired(self, now: datetime | None = None) -> bool:
        expires = self.expires_at
        return expires is not None and expires <= (now or datetime.now(UTC))


def is_secure_endpoint(endpoint_url: str | None) -> bool:
    """Bearer keys travel in clear text, so botocore (and we) send them over HTTPS only; AWS itself is HTTPS."""
    return endpoint_url is None or endpoint_url.lower().startswith("https://")
