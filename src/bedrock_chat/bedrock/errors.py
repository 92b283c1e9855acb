"""Turns any failure of a Bedrock call into one message a person can act on. Mapped here, and only here.

Each family of botocore/urllib3 exception a user can meet gets what happened and what to do; the raw detail
(exception type, error code, HTTP status, request id) goes into ``UserError.details`` for the Details toggle.
"""

from __future__ import annotations

import os
import re
import weakref
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from botocore import eventstream
from botocore import exceptions as boto_errors
from botocore.parsers import ResponseParserError
from urllib3 import exceptions as http_errors

from bedrock_chat.bedrock.connection import ConnectionSettings, hide_password
from bedrock_chat.bedrock.decoding import MalformedStreamError
from bedrock_chat.bedrock.requests import UnsupportedRequest
from bedrock_chat.core.regions import SUGGESTED_REGIONS, is_known_bedrock_region

Stage = Literal["turn", "models", "connect"]
PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")


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


class UnexpectedResponseError(Exception):
    """An answer that is not Bedrock's: an HTML page or a redirect, as captive portals and filters send."""

    def __init__(self, status: int, content_type: str, location: str | None, url: str | None) -> None:
        self.status, self.content_type, self.location, self.url = status, content_type, location, url
        where = f" (redirecting to {location})" if location else ""
        super().__init__(f"HTTP {status}, Content-Type {content_type or 'none'}{where} from {url or 'the endpoint'}")


@dataclass(frozen=True)
class ErrorContext:
    """What the message needs to know about the connection: never the credential itself."""

    region: str | None = None
    endpoint_url: str | None = None  # a custom endpoint; None for AWS's own
    profile: str | None = None
    api_key: bool = False  # requests carried a Bedrock API key
    stage: Stage = "turn"
    model_id: str | None = None
    key_expires_at: datetime | None = None  # a short-term key's end, when it can be read from the key
    key_withheld: bool = False  # a key is set but not sent: the endpoint is plain http (bearer needs TLS)


_contexts: weakref.WeakKeyDictionary[Any, ErrorContext] = weakref.WeakKeyDictionary()


def remember_context(client: Any, context: ErrorContext) -> None:
    """Called by BedrockClients, so a failure seen in the worker (which only has the client) is described well."""
    _contexts[client] = context


def context_for(client: Any, stage: Stage = "turn", model_id: str | None = None) -> ErrorContext:
    known = _contexts.get(client)
    if known is None:
        known = ErrorContext(region=getattr(getattr(client, "meta", None), "region_name", None))
    return replace(known, stage=stage, model_id=model_id)


def settings_context(settings: ConnectionSettings, stage: Stage = "connect") -> ErrorContext:
    """The context of a failure that happened before any client existed (creating them, listing models)."""
    keyed = settings.uses_api_key
    key = settings.effective_api_key
    return ErrorContext(settings.region, settings.endpoint_url, None if settings.offline or keyed else settings.profile,
                        keyed, stage, key_expires_at=key.expires_at if keyed and key else None,
                        key_withheld=key is not None and not keyed and not settings.offline)


_KEPT = "The text that arrived is kept."
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
_SECRETS = re.compile(r"(Bearer\s+|bedrock-api-key-|ABSK)[A-Za-z0-9+/=._~-]+")


def _scrub(text: str) -> str:
    """Belt and braces: nothing that looks like a bearer key ever reaches the window or the database."""
    return _SECRETS.sub(lambda match: match.group(1) + "…", text)


def _raw(error: BaseException) -> str:
    lines = [f"{type(error).__name__}: {error}"]
    if isinstance(error, boto_errors.ClientError):
        meta = error.response.get("ResponseMetadata", {})
        lines.append(f"Error code: {error.response.get('Error', {}).get('Code', '')}")
        lines.append(f"HTTP status: {meta.get('HTTPStatusCode', '?')}; request id: {meta.get('RequestId', '?')}")
    cause = error.__cause__ or getattr(error, "kwargs", {}).get("error")
    if cause is not None and cause is not error:
        lines.append(f"Caused by {type(cause).__name__}: {cause}")
    return hide_password(_scrub("\n".join(lines)))


def _where(context: ErrorContext) -> str:
    if context.endpoint_url:
        return f"the endpoint {hide_password(context.endpoint_url)}"
    return f"Bedrock in {context.region}" if context.region else "Bedrock"


def _sso_login(profile: str | None) -> str:
    return "aws sso login" + (f" --profile {profile}" if profile else "")


def _proxy_variable(proxy_url: str) -> str:
    for name in PROXY_VARIABLES:
        value = os.environ.get(name, "")
        if value and (value.rstrip("/") in proxy_url or proxy_url.rstrip("/") in value):
            return name
    return next((name for name in PROXY_VARIABLES if os.environ.get(name)), "HTTPS_PROXY")


def _looks_like_html(text: str) -> bool:
    start = text.lstrip()[:200].lower()
    return start.startswith("<!doctype html") or start.startswith("<html") or "<head" in start


def _portal(context: ErrorContext, location: str | None) -> UserError:
    where = f" It pointed to {location}." if location else ""
    return UserError("Something between you and Bedrock answered instead of it",
                     f"A web page came back where Bedrock's reply was expected, as a Wi-Fi sign-in page (captive "
                     f"portal) or a company web filter sends.{where}",
                     "Open a web page in your browser and sign in to the network (or ask your IT team to allow "
                     f"{_where(context)}), then retry.", True)


def _client_error(error: boto_errors.ClientError, context: ErrorContext) -> UserError:
    info = error.response.get("Error", {})
    code = str(info.get("Code", ""))
    service_message = str(info.get("Message", "")).strip()
    if _looks_like_html(service_message) or (code.isdigit() and 300 <= int(code) < 400):
        return _portal(context, error.response.get("ResponseMetadata", {}).get("HTTPHeaders", {}).get("location"))
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
            action = f"Refresh them (for SSO: {_sso_login(context.profile)}), then retry."
    elif code == "UnrecognizedClientException" and context.api_key:
        title, action = "AWS did not accept the Bedrock API key", "Check that the key is whole and still valid."
    elif code in ("ValidationException", "ResourceNotFoundException") and context.model_id \
            and _REFUSED_ID.search(service_message):
        title = f"Bedrock refused the model id “{context.model_id}”"
        action = "Pick a model from the list, or type an inference profile id (us./eu./apac.) or an ARN."
    elif code == "AccessDeniedException" and context.stage == "models":
        title, action = "Bedrock did not let this account list its models", "Ask for bedrock:ListFoundationModels."
    if context.stage == "turn" and code in _STREAMED_CODES | {"ModelErrorException"}:
        action = f"{_KEPT} {action}"
    detail = service_message if service_message.endswith(".") or not service_message else service_message + "."
    return UserError(title, _scrub(f"Bedrock said: {detail}") if detail else "", action, retryable)


def _transport_error(error: BaseException, context: ErrorContext) -> UserError | None:
    kept = f" {_KEPT}" if context.stage == "turn" else ""
    if isinstance(error, boto_errors.ProxyConnectionError):
        proxy = str(getattr(error, "kwargs", {}).get("proxy_url", "")) or "the proxy"
        variable = _proxy_variable(proxy)
        if "407" in _raw(error):
            return UserError("The proxy asks for a user name and password",
                             f"The proxy {hide_password(proxy)} (set by {variable}) answered 407 Proxy "
                             "Authentication Required.",
                             f"Put them in {variable} as http://USER:PASSWORD@host:port, then restart.", False)
        return UserError("Cannot reach the proxy", f"The proxy {hide_password(proxy)} (set by {variable}) did not "
                         "answer or refused the connection.",
                         f"Check {variable} (or unset it if no proxy is needed), or add the address to NO_PROXY.",
                         True)
    if isinstance(error, boto_errors.SSLError | http_errors.SSLError):
        text = str(error)
        untrusted = "CERTIFICATE_VERIFY_FAILED" in text or "certificate" in text.lower()
        what = ("its certificate is not trusted by this computer" if untrusted
                else "the secure (TLS) connection could not be set up")
        bundle = os.environ.get("AWS_CA_BUNDLE")
        if bundle and not Path(bundle).is_file():
            return UserError(f"Cannot connect securely to {_where(context)}",
                             f"AWS_CA_BUNDLE names {bundle}, which does not exist or is not a file.",
                             "Point AWS_CA_BUNDLE to the PEM file of your company's root certificate (or unset "
                             "it), then restart.", False)
        hint = (f"AWS_CA_BUNDLE is set to {bundle}: check it holds your company's root certificate."
                if bundle else "If your network inspects HTTPS (a company proxy), set AWS_CA_BUNDLE to the file of "
                "its root certificate (PEM), then restart.")
        return UserError(f"Cannot connect securely to {_where(context)}", f"The connection was refused because "
                         f"{what}.", hint, True)
    if isinstance(error, boto_errors.ConnectTimeoutError):
        return UserError(f"Cannot reach {_where(context)}", "The connection timed out.",
                         "Check your network connection and proxy settings, then retry.", True)
    if isinstance(error, boto_errors.EndpointConnectionError):
        if not context.endpoint_url and context.region and not is_known_bedrock_region(context.region):
            return UserError(f"Amazon Bedrock does not seem to be offered in {context.region}",
                             "Its Bedrock endpoint did not answer, and the region is not one where Bedrock is known "
                             "to run.", f"Pick a region with Bedrock, such as {', '.join(SUGGESTED_REGIONS)}.", True,
                             details=str(error))
        action = ("Check your network connection, or pick a region where Amazon Bedrock is offered."
                  if not context.endpoint_url else "Check that the address is right and the endpoint is running.")
        return UserError(f"Cannot reach {_where(context)}", "The endpoint did not answer.", action, True)
    if isinstance(error, boto_errors.ReadTimeoutError):
        return UserError("Bedrock did not answer in time", kept.strip(), "Retry, or lower Max tokens.", True)
    if isinstance(error, MalformedStreamError | eventstream.ParserError | boto_errors.ResponseStreamingError):
        return UserError("The reply stream arrived damaged",
                         "The text that arrived before the damage is kept." if kept else "",
                         "Retry; if it keeps happening, check for a proxy or network device altering traffic.", True)
    if isinstance(error, boto_errors.ConnectionClosedError | http_errors.ProtocolError | http_errors.HTTPError
                  | boto_errors.HTTPClientError | boto_errors.ConnectionError | ConnectionError):
        return UserError("The connection dropped", kept.strip(), "Check your network and retry.", True)
    if isinstance(error, ResponseParserError):
        return UserError(f"The answer from {_where(context)} could not be read",
                         "It was not in Bedrock's format; a proxy or web filter may have changed it.",
                         "Retry; if it keeps happening, ask your IT team whether Bedrock traffic is filtered.", True)
    return None


def _setup_error(error: BaseException, context: ErrorContext) -> UserError | None:
    sso_errors = boto_errors.SSOError | boto_errors.UnauthorizedSSOTokenError | boto_errors.TokenRetrievalError
    if isinstance(error, sso_errors):
        text = _sso_login(context.profile)
        whose = f"profile “{context.profile}”" if context.profile else "your default profile"
        return UserError(f"The AWS SSO session of {whose} has expired or is missing", "",
                         f"Run {text} in a terminal, then press Reconnect.", True,
                         sso_profile=context.profile or "default")
    if isinstance(error, boto_errors.NoAuthTokenError):
        return UserError("No Bedrock API key was found", "", "Enter an API key, or use a profile instead.", True)
    if isinstance(error, boto_errors.NoCredentialsError | boto_errors.PartialCredentialsError) \
            and context.key_withheld:
        endpoint = hide_password(context.endpoint_url or "the endpoint")
        return UserError("The Bedrock API key is not sent to an http:// endpoint",
                         f"API keys travel only over HTTPS, and {endpoint} is plain http; no AWS "
                         "credentials were found to sign the requests instead.",
                         "Use an https:// endpoint URL, or set up AWS credentials (aws configure).", False)
    if isinstance(error, boto_errors.NoCredentialsError | boto_errors.PartialCredentialsError):
        return UserError("No AWS credentials were found", "",
                         "Run aws configure (or aws sso login), choose a profile, set AWS_BEARER_TOKEN_BEDROCK to a "
                         "Bedrock API key, or start with --offline to use the local endpoint.", True)
    if isinstance(error, boto_errors.CredentialRetrievalError):
        return UserError("Your AWS credentials could not be loaded", _scrub(str(error)) + ".",
                         "Check the credential_process or source profile of this profile, then reconnect.", True)
    if isinstance(error, boto_errors.ProfileNotFound):
        return UserError("That AWS profile does not exist", str(error) + ".",
                         "Choose another profile in the toolbar.", False)
    if isinstance(error, boto_errors.ConfigParseError | boto_errors.InvalidConfigError):
        return UserError("Your AWS configuration could not be read", _scrub(str(error)) + ".",
                         "Fix the file named above (~/.aws/config or credentials), then reconnect.", False)
    if isinstance(error, boto_errors.NoRegionError | boto_errors.InvalidRegionError):
        return UserError("No valid AWS region is set", "", "Pick a region in the toolbar.", False)
    if isinstance(error, boto_errors.InvalidEndpointConfigurationError):
        return UserError("The endpoint address cannot be used", _scrub(str(error)) + ".",
                         "Use an https:// endpoint for API keys, or a profile's credentials for http.", False)
    if isinstance(error, boto_errors.InvalidProxiesConfigError):
        return UserError("The proxy settings are not valid", "", "Check HTTPS_PROXY and the proxy settings.", False)
    if isinstance(error, boto_errors.UnknownServiceError):
        return UserError("This copy of boto3 does not know Amazon Bedrock", "",
                         "Upgrade boto3 and botocore (pip install -U boto3).", False)
    return None


def describe_error(error: BaseException, region: str | None = None,
                   context: ErrorContext | None = None) -> UserError:
    context = context or ErrorContext(region=region)
    if region and not context.region:
        context = replace(context, region=region)
    message: UserError | None
    if isinstance(error, UnexpectedResponseError) and error.status >= 500:
        # A gateway's own error page (a 502/503 from a load balancer or proxy), not a sign-in page.
        message = UserError(f"{_where(context)[0].upper()}{_where(context)[1:]} answered with an error page "
                            f"(HTTP {error.status})", "", "Retry in a moment; if it lasts, a proxy or gateway on "
                            "the way may be down.", True)
    elif isinstance(error, UnexpectedResponseError):
        message = _portal(context, error.location)
    elif isinstance(error, boto_errors.ClientError):
        message = _client_error(error, context)
    else:
        message = _setup_error(error, context) or _transport_error(error, context)
    if message is None and isinstance(error, UnsupportedRequest):
        message = UserError("This model has no native request format here", str(error),
                            "Switch the API to Converse.", False)
    if message is None and isinstance(error, boto_errors.ParamValidationError):
        message = UserError("The request was not valid", str(error), "Check the parameters, then retry.", False)
    if message is None:
        message = UserError("Something unexpected went wrong", _scrub(f"{type(error).__name__}: {error}"),
                            "Retry; if it keeps happening, please report it with the details below.", True)
    return UserError(message.title, message.detail, message.action, message.retryable, _raw(error),
                     message.sso_profile)


__all__ = ["ErrorContext", "UnexpectedResponseError", "UserError", "context_for", "describe_error",
           "remember_context", "settings_context"]
