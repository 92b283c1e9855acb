"""Connecting with real accounts' shapes: creating the app's clients for an API key (shared botocore loader, no
credential chain walked) against two plain boto3 clients with bearer auth, and what the model list costs when
the account may not list models (the bundled catalog is built instead). Prints one JSON line.

``--quick``: one or two repetitions, no targets; it only proves the benchmark still works (CI runs it)."""

from __future__ import annotations

import json
import logging
import os
import statistics
import sys
import time
from collections.abc import Callable

os.environ["AWS_CONFIG_FILE"] = os.devnull  # never the developer's own profiles
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
             "AWS_BEARER_TOKEN_BEDROCK", "AWS_EC2_METADATA_DISABLED"):
    os.environ.pop(name, None)

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402

from bedrock_chat.bedrock.api_key import ApiKey  # noqa: E402
from bedrock_chat.bedrock.connection import ConnectionSettings  # noqa: E402
from bedrock_chat.bedrock.model_list import load_model_list  # noqa: E402
from bedrock_chat.bedrock.session import BedrockClients  # noqa: E402
from bedrock_chat.local_endpoint import LocalBedrockServer, ServerOptions  # noqa: E402

KEY = ApiKey("ABSKYmVuY2gta2V5LW5ldmVyLXVzZWQtb24tYW55LXJlYWwtYWNjb3VudA==")


def median_ms(action: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def plain_bearer_clients() -> None:
    """Two clients the way a script would make them: a fresh session, its own loader, the credential chain."""
    session = boto3.Session(region_name="us-east-1")
    config = Config(signature_version="bearer")
    session.client("bedrock-runtime", config=config)
    session.client("bedrock", config=config)


def main() -> None:
    quick = "--quick" in sys.argv
    logging.getLogger("bedrock_chat").setLevel(logging.ERROR)  # the expected "cannot list" warnings
    plain_bearer_clients()  # warm botocore's caches once, so neither side pays for the first load
    with_key = ConnectionSettings(region="us-east-1", api_key=KEY)
    report: dict[str, float] = {
        "clients_with_api_key_ms": median_ms(lambda: BedrockClients(with_key), 1 if quick else 5),
        "plain_boto3_bearer_clients_ms": median_ms(plain_bearer_clients, 1 if quick else 5),
    }
    for label, denied in (("model_list_ms", frozenset[str]()),
                          ("model_list_denied_bundled_ms", frozenset({"ListFoundationModels"}))):
        options = ServerOptions(tokens_per_second=0, first_token_delay=0, denied_operations=denied)
        with LocalBedrockServer(options) as server:
            clients = BedrockClients(ConnectionSettings(endpoint_url=server.url, offline=True))
            report[label] = median_ms(lambda clients=clients: load_model_list(clients.control), 2 if quick else 20)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
