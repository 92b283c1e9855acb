"""boto3 sessions and clients configured once: retries, timeouts, and the endpoint override."""

from __future__ import annotations

from typing import Any

import boto3
import botocore.session
from botocore.config import Config

from bedrock_chat import __version__
from bedrock_chat.bedrock.connection import ConnectionSettings

# Only the local endpoint ever sees these; real AWS always gets the user's own credentials.
LOCAL_CREDENTIALS = {"aws_access_key_id": "LOCALENDPOINT", "aws_secret_access_key": "not-a-secret"}


class BedrockClients:
    """The runtime client (inference) and the control-plane client (model lists) for one connection."""

    def __init__(self, settings: ConnectionSettings) -> None:
        self.settings = settings
        retries: Any = {"mode": settings.retry_mode, "max_attempts": settings.max_attempts}
        config = Config(
            retries=retries,
            read_timeout=settings.read_timeout,
            connect_timeout=settings.connect_timeout,
            tcp_keepalive=True,
            user_agent_extra=f"bedrock-chat/{__version__}",
        )
        session = boto3.Session(
            aws_access_key_id=LOCAL_CREDENTIALS["aws_access_key_id"] if settings.offline else None,
            aws_secret_access_key=LOCAL_CREDENTIALS["aws_secret_access_key"] if settings.offline else None,
            profile_name=None if settings.offline else settings.profile,
            region_name=settings.region,
        )
        self.runtime: Any = session.client("bedrock-runtime", endpoint_url=settings.endpoint_url, config=config)
        self.control: Any = session.client("bedrock", endpoint_url=settings.endpoint_url, config=config)


def available_profiles() -> list[str]:
    """Profiles from the user's AWS config and credentials files, SSO profiles included."""
    return sorted(botocore.session.Session().available_profiles)


def default_region(profile: str | None) -> str | None:
    session = botocore.session.Session(profile=profile)
    try:
        region = session.get_config_variable("region")
    except Exception:  # a broken or missing profile: the caller falls back to its own default
        return None
    return str(region) if region else None
