"""Shared fixtures: a local Bedrock endpoint and real boto3 clients pointed at it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

from bedrock_chat.local_endpoint import LocalBedrockServer, ServerOptions

# Tests never reach AWS and never read the developer's own credentials or config.
for _name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_BEDROCK",
              "AWS_ENDPOINT_URL_BEDROCK_RUNTIME"):
    os.environ.pop(_name, None)
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# ...nor the developer's keyring: a pasted API key in a test must never land in a real keychain.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

DUMMY_CREDENTIALS = {"aws_access_key_id": "AKIDLOCALTEST", "aws_secret_access_key": "local-secret-key"}


@pytest.fixture(scope="session")
def local_server() -> Iterator[LocalBedrockServer]:
    """A shared endpoint streaming at full speed."""
    with LocalBedrockServer(ServerOptions(tokens_per_second=0, first_token_delay=0)) as server:
        yield server


@pytest.fixture
def paced_server() -> Iterator[LocalBedrockServer]:
    """A fresh endpoint at a person's pace, for tests of timing-dependent behaviour (Stop, drip)."""
    with LocalBedrockServer(ServerOptions(tokens_per_second=200, first_token_delay=0.05)) as server:
        yield server


def make_client(service: str, url: str, region: str = "us-east-1", **config: Any) -> Any:
    settings = {"retries": {"mode": "standard", "max_attempts": 3}, "read_timeout": 30, "connect_timeout": 5}
    settings.update(config)
    return boto3.client(service, endpoint_url=url, region_name=region, config=Config(**settings),
                        **DUMMY_CREDENTIALS)


@pytest.fixture
def runtime(local_server: LocalBedrockServer) -> Any:
    return make_client("bedrock-runtime", local_server.url)


@pytest.fixture
def control(local_server: LocalBedrockServer) -> Any:
    return make_client("bedrock", local_server.url)


def send_header(client: Any, name: str, value: str) -> None:
    """Adds a header to every request the client sends (how tests choose faults and pace per request); a turn
    that runs in the turn host process sends it too."""
    from bedrock_chat.bedrock.session import add_request_header

    add_request_header(client, name, value)


def stop_sending_header(client: Any, name: str) -> None:
    from bedrock_chat.bedrock.session import remove_request_header

    remove_request_header(client, name)
