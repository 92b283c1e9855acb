"""Bedrock's own error answers (a ClientError's code and message), and web pages that came back in their
place, as messages a person can act on."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from botocore import exceptions as boto_errors

from bedrock_chat.bedrock.error_context import ErrorContext, where
from bedrock_chat.bedrock.user_error import TEXT_KEPT, UserError, scrub, sso_login_command

_BY_CODE: dict[str, tuple[str, str, bool]] = {
    "AccessDeniedException": (
        "Access denied",
        "Enable access to this model in the Amazon Bedrock console (Model access) for this region, or ask "
        "your administrator for bedrock:InvokeModel permission.", False),
    "ThrottlingException": (
        "Bedrock is throttling your requests",
        "Slow down: wait a few seconds and retry, use a cross-region inference profile, or request a quota "
        "increase.", True),
    "throttlingException": ("Bedrock throttled the reply while it streamed", "Wait a few seconds and retry.", True),
    "ServiceQuotaExceededException": (
        "A service quota was exceeded", "Request a quota increase in Service Quotas, or try another region.", True),
    "ValidationException": (
        "Bedrock rejected the request", "Check the parameters and the model choice, then retry.", False),
    "validationException": (
        "Bedrock rejected the request", "Check the parameters and the model choice, then retry.", False),
    "ResourceNotFoundException": ("The model was not found", "Pick a model and region where it is offered.", False),
    "ModelTimeoutException": ("The model took too long to answer", "Retry, or lower Max tokens.", True),
    "ModelNotReadyException": ("The model is not ready yet", "Wait a minute and retry.", True),
    "ModelErrorException": (
        "The model failed while processing the request", "Retry; if it keeps failing, try another model.", True),
    "modelStreamErrorException": ("The model's stream failed partway", "Retry to get a complete reply.", True),
    "InternalServerException": ("Bedrock had an internal error", "Retry in a moment.", True),
    "internalServerException": ("Bedrock had an internal error while streaming", "Retry in a moment.", True),
    "ServiceUnavailableException": (
        "Bedrock is temporarily unavailable", "Retry in a moment, or pick another region.", True),
    "serviceUnavailableException": ("Bedrock became unavailable while streaming", "Retry in a moment.", True),
    "ExpiredTokenException": ("Your AWS credentials have expired", "Refresh them, then retry.", True),
    "UnrecognizedClientException": (
        "AWS did not recognise your credentials", "Check the access key or choose another profile.", False),
    "InvalidSignatureException": (
        "AWS rejected the request signature", "Check your secret key and the computer's clock.", False),
}
_STREAMED_CODES = {"modelStreamErrorException", "internalServerException", "serviceUnavailableException",
                   "throttlingException", "validationException"}
_REFUSED_ID = re.compile(r"model identifier is invalid|isn.t supported|inference profile|model id", re.IGNORECASE)


def _looks_like_html(text: str) -> bool:
    start = text.lstrip()[:200].lower()
    return start.startswith("<!doctype html") or start.startswith("<html") or "<head" in start


def portal_error(context: ErrorContext, location: str | None) -> UserError:
    """A web page (a captive portal's sign-in, a web filter's block page) answered instead of Bedrock."""
    where_to = f" It pointed to {location}." if location else ""
    return UserError("Something between you and Bedrock answered instead of it",
                     f"A web page came back where Bedrock's reply was expected, as a Wi-Fi sign-in page (captive "
                     f"portal) or a company web filter sends.{where_to}",
                     "Open a web page in your browser and sign in to the network (or ask your IT team to allow "
                     f"{where(context)}), then retry.", True)


def service_error(error: boto_errors.ClientError, context: ErrorContext) -> UserError:
    info = error.response.get("Error", {})
    code = str(info.get("Code", ""))
    service_message = str(info.get("Message", "")).strip()
    if _looks_like_html(service_message) or (code.isdigit() and 300 <= int(code) < 400):
        return portal_error(context, error.response.get("ResponseMetadata", {}).get("HTTPHeaders", {}).get("location"))
    title, action, retryable = _BY_CODE.get(code, (
        f"Bedrock returned an error ({code or 'unknown'})", "Retry; if it keeps happening, try another model.", True))
    expired_at = context.key_expires_at
    if context.api_key and expired_at is not None and expired_at <= datetime.now(UTC) \
            and code in ("ExpiredTokenException", "AccessDeniedException", "UnrecognizedClientException"):
        title = f"Your Bedrock API key expired at {expired_at:%H:%M} UTC"
        action, retryable = "Generate a new short-term key in the Bedrock console (API keys) and use it.", False
    elif code == "ExpiredTokenException":
        if context.api_key:
            title, action = "Your Bedrock API key has expired", "Generate a new key in the Bedrock console (API keys)."
        elif context.profile:
            action = f"Refresh them (for SSO: {sso_login_command(context.profile)}), then retry."
    elif code == "UnrecognizedClientException" and context.api_key:
        title, action = "AWS did not accept the Bedrock API key", "Check that the key is whole and still valid."
    elif code in ("ValidationException", "ResourceNotFoundException") and context.model_id \
            and _REFUSED_ID.search(service_message):
        title = f"Bedrock refused the model id “{context.model_id}”"
        action = "Pick a model from the list, or type an inference profile id (us./eu./apac.) or an ARN."
    elif code == "AccessDeniedException" and context.stage == "models":
        title, action = "Bedrock did not let this account list its models", "Ask for bedrock:ListFoundationModels."
    if context.stage == "turn" and code in _STREAMED_CODES | {"ModelErrorException"}:
        action = f"{TEXT_KEPT} {action}"
    detail = service_message if service_message.endswith(".") or not service_message else service_message + "."
    return UserError(title, scrub(f"Bedrock said: {detail}") if detail else "", action, retryable)
