"""Where and how to reach Bedrock; kept free of boto3 so the first window can be built before it loads."""

from __future__ import annotations

from dataclasses import dataclass


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

    @property
    def description(self) -> str:
        if self.offline:
            return f"Offline (local endpoint {self.endpoint_url or 'starting…'})"
        where = f"{self.region}" + (f" via {self.endpoint_url}" if self.endpoint_url else "")
        return f"{where}, profile {self.profile or 'default'}"
