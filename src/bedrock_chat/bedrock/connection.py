"""Where and how to reach Bedrock; kept free of boto3 so the first window can be built before it loads."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ConnectionSettings:
    region: str = "us-east-1"
    profile: str | None = None
    endpoint_url: str | None = None
    offline: bool = False
    read_timeout: float = 300.0
    connect_timeout: float = 10.0
    max_attempts: int = 4
    retry_mode: str = "adaptive"
    # A Bedrock API key (bearer token), pasted or from the keyring; never shown in repr, logs or settings.
    api_key: str | None = field(default=None, repr=False)

    @property
    def uses_api_key(self) -> bool:
        """botocore sends a bearer token only over TLS; the offline endpoint and http endpoints use SigV4."""
        return bool(self.api_key) and not self.offline and (
            self.endpoint_url is None or self.endpoint_url.lower().startswith("https://"))

    @property
    def description(self) -> str:
        if self.offline:
            return f"Offline (local endpoint {self.endpoint_url or 'starting…'})"
        where = f"{self.region}" + (f" via {self.endpoint_url}" if self.endpoint_url else "")
        return f"{where}, " + ("Bedrock API key" if self.uses_api_key else f"profile {self.profile or 'default'}")
