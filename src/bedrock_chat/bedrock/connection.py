"""Where and how to reach Bedrock; kept free of boto3 so the first window can be built before it loads."""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bedrock_chat.bedrock.api_key import ApiKey, is_secure_endpoint


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
    # An API key entered in the app (AWS_BEARER_TOKEN_BEDROCK is read by the clients themselves). Held in memory
    # only: ConnectionSettings is never written anywhere, and ApiKey's repr hides the secret.
    api_key: ApiKey | None = field(default=None, repr=False, compare=False)

    @property
    def uses_api_key(self) -> bool:
        """Whether requests carry a bearer key: only over HTTPS, never to the built-in endpoint."""
        return (not self.offline and self.effective_api_key is not None
                and all(is_secure_endpoint(endpoint_for(service, self.endpoint_url)) for service in SERVICES))

    @property
    def effective_api_key(self) -> ApiKey | None:
        return self.api_key or ApiKey.from_environment()

    @property
    def description(self) -> str:
        if self.offline:
            return f"Offline (local endpoint {hide_password(self.endpoint_url) if self.endpoint_url else 'starting…'})"
        where = f"{self.region}" + (f" via {hide_password(self.endpoint_url)}" if self.endpoint_url else "")
        key = self.effective_api_key
        if key is not None and self.uses_api_key:
            return f"{where}, {key.describe()}"
        return f"{where}, profile {self.profile or 'default'}"


# A URL's scheme and user info, up to the LAST "@" of the authority: urllib3 and botocore split the user info there,
# so a password may hold "@". The authority ends at "/", "?", "#" or (in a message quoting the URL) white space.
# A scheme is short: every log record and error detail passes through here, and a scheme of any length, tried at
# each word of a long dotted run, took time growing with the run's square (16 KB a second).
_USER_INFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]{0,31}://)([^/?#\s]*)@")


def _masked_user_info(match: re.Match[str]) -> str:
    user, colon, _password = match.group(2).partition(":")
    # Without a colon the user info is a token on its own (https://TOKEN@host): all of it is the secret.
    return f"{match.group(1)}{user}:…@" if colon and user else f"{match.group(1)}…@"


def hide_password(text: str) -> str:
    """A URL, or a message quoting URLs, as it may be shown or logged: ``https://user:secret@host`` becomes
    ``https://user:…@host``, and ``https://token@host`` or ``https://:secret@host`` become ``https://…@host``."""
    return _USER_INFO.sub(_masked_user_info, text)


# Environment variables a credential may be read from: never passed to the turn host process (bedrock.turn_host).
CREDENTIAL_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
                        "AWS_BEARER_TOKEN_BEDROCK", "AWS_CONTAINER_AUTHORIZATION_TOKEN")


def environment_without_credentials() -> dict[str, str]:
    """This process's environment as a client built now sees it (proxies, CA bundle, endpoint and config-file
    variables), minus every variable that may hold a credential."""
    return {name: value for name, value in os.environ.items() if name.upper() not in CREDENTIAL_VARIABLES}


SERVICES = ("bedrock-runtime", "bedrock")
_ENDPOINT_VARIABLES = {"bedrock-runtime": "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "bedrock": "AWS_ENDPOINT_URL_BEDROCK"}


def endpoint_for(service: str, endpoint_url: str | None) -> str | None:
    """Where a service's requests go: the app's endpoint URL, else the one botocore takes from the environment
    (AWS_ENDPOINT_URL_BEDROCK_RUNTIME, AWS_ENDPOINT_URL), else AWS's own (None)."""
    if endpoint_url:
        return endpoint_url
    if os.environ.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").lower() == "true":
        return None
    return os.environ.get(_ENDPOINT_VARIABLES[service]) or os.environ.get("AWS_ENDPOINT_URL") or None


def is_loopback_url(url: str | None) -> bool:
    """localhost, 127.0.0.0/8 and ::1: traffic to these never leaves the machine, so never goes via a proxy."""
    if not url:
        return False
    host = (urlsplit(url).hostname or "").strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
