""""Test connection": credentials (STS GetCallerIdentity), model listing and one tiny Converse call, each with
its own verdict in plain words. Every step runs off the GUI thread and never raises."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from botocore import exceptions as boto_errors

from bedrock_chat.bedrock.connection import ConnectionSettings
from bedrock_chat.bedrock.error_context import settings_context
from bedrock_chat.bedrock.errors import describe_error
from bedrock_chat.bedrock.session import BedrockClients

DEFAULT_TEST_MODEL = "amazon.nova-micro-v1:0"
CHECKS = ("Credentials", "Model listing", "Converse")


@dataclass(frozen=True)
class Verdict:
    check: str  # one of CHECKS
    ok: bool
    text: str  # what is right, or what is wrong and what to do
    sso_profile: str | None = None  # set when `aws sso login --profile NAME` would fix it


def run_checks(settings: ConnectionSettings, model_id: str | None,
               report: Callable[[Verdict], None]) -> list[Verdict]:
    """Runs the three checks in order, calling ``report`` as each verdict is known (from this thread)."""
    # Short timeouts and few retries: a test should answer in seconds, not wait out adaptive back-off.
    quick = replace(settings, read_timeout=min(settings.read_timeout, 30.0), max_attempts=2,
                    retry_mode="standard")
    verdicts: list[Verdict] = []
    try:
        clients = BedrockClients(quick)
    except Exception as error:  # a missing profile or a bad region already fails here
        for check in CHECKS:
            verdicts.append(_failed(check, error, settings))
            report(verdicts[-1])
        return verdicts
    try:
        for step in (_check_credentials, _check_listing):
            verdicts.append(step(clients, settings))
            report(verdicts[-1])
        verdicts.append(_check_converse(clients, settings, model_id or DEFAULT_TEST_MODEL))
        report(verdicts[-1])
    finally:
        clients.close()
    return verdicts


def _failed(check: str, error: BaseException, settings: ConnectionSettings) -> Verdict:
    # The stage matters: "the text that arrived is kept" belongs to replies, and a custom endpoint is named.
    problem = describe_error(error, context=settings_context(settings, "connect"))
    return Verdict(check, False, f"{problem.title}. {problem.action}".strip(), problem.sso_profile)


def _check_credentials(clients: BedrockClients, settings: ConnectionSettings) -> Verdict:
    key = settings.effective_api_key
    if settings.uses_api_key and key is not None:
        # A Bedrock API key works with Bedrock only; STS cannot vouch for it, the next two checks do.
        if key.expired():
            return Verdict("Credentials", False, f"The {key.describe()} has expired. Generate a new key in the "
                                                 "Amazon Bedrock console (API keys) and paste it here.")
        return Verdict("Credentials", True, f"Using the {key.describe()}.")
    try:
        sts = clients.sts()
    except Exception as error:  # a broken profile fails already here
        return _failed("Credentials", error, settings)
    try:
        identity = sts.get_caller_identity()
    except Exception as error:  # every failure becomes a verdict line
        return _failed("Credentials", error, settings)
    finally:
        sts.close()
    return Verdict("Credentials", True, f"Signed in as {identity.get('Arn', '?')} "
                                        f"(account {identity.get('Account', '?')}).")


def _check_listing(clients: BedrockClients, settings: ConnectionSettings) -> Verdict:
    try:
        summaries = clients.control.list_foundation_models(byOutputModality="TEXT")["modelSummaries"]
    except boto_errors.ClientError as error:
        code = str(error.response.get("Error", {}).get("Code", ""))
        if code in ("AccessDeniedException", "AccessDenied", "UnauthorizedOperation"):
            return Verdict("Model listing", False,
                           "Listing models is not allowed for these credentials (bedrock:ListFoundationModels). "
                           "Chat can still work with the bundled model list; ask your administrator for "
                           "bedrock:ListFoundationModels and bedrock:ListInferenceProfiles to see exactly what "
                           "your account offers.")
        return _failed("Model listing", error, settings)
    except Exception as error:  # every failure becomes a verdict line
        return _failed("Model listing", error, settings)
    return Verdict("Model listing", True, f"{len(summaries)} text models listed in {settings.region}.")


def _check_converse(clients: BedrockClients, settings: ConnectionSettings, model_id: str) -> Verdict:
    started = time.monotonic()
    try:
        answer = clients.runtime.converse(
            modelId=model_id, messages=[{"role": "user", "content": [{"text": "Reply with OK."}]}],
            inferenceConfig={"maxTokens": 5})
    except Exception as error:  # every failure becomes a verdict line
        return _failed("Converse", error, settings)
    elapsed = round((time.monotonic() - started) * 1000)
    tokens = answer.get("usage", {}).get("outputTokens", 0)
    return Verdict("Converse", True, f"{model_id} answered ({tokens} tokens in {elapsed} ms).")
