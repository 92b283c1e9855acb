"""Turns any failure of a Bedrock call into one message a person can act on. Mapped here, and only here."""

from __future__ import annotations

from dataclasses import dataclass

from botocore import eventstream
from botocore import exceptions as boto_errors
from urllib3 import exceptions as http_errors

from bedrock_chat.bedrock.decoding import MalformedStreamError
from bedrock_chat.bedrock.requests import UnsupportedRequest


@dataclass(frozen=True)
class UserError:
    title: str
    detail: str
    action: str
    retryable: bool = True

    def __str__(self) -> str:
        return f"{self.title}. {self.detail} {self.action}".strip()


_BY_CODE: dict[str, tuple[str, str, bool]] = {
    "AccessDeniedException": (
        "Access denied",
        "Enable access to this model in the Amazon Bedrock console (Model access) for this region, or ask "
        "your administrator for bedrock:InvokeModel permission.", False),
    "ThrottlingException": (
        "Bedrock is throttling your requests",
        "Slow down: wait a few seconds and retry, use a cross-region inference profile, or request a quota "
        "increase.", True),
    "throttlingException": (
        "Bedrock throttled the reply while it streamed",
        "Wait a few seconds and retry.", True),
    "ServiceQuotaExceededException": (
        "A service quota was exceeded", "Request a quota increase in Service Quotas, or try another region.", True),
    "ValidationException": (
        "Bedrock rejected the request", "Check the parameters and the model choice, then retry.", False),
    "validationException": (
        "Bedrock rejected the request", "Check the parameters and the model choice, then retry.", False),
    "ResourceNotFoundException": (
        "The model was not found", "Pick a model and region where it is offered.", False),
    "ModelTimeoutException": (
        "The model took too long to answer", "Retry, or lower Max tokens.", True),
    "ModelNotReadyException": (
        "The model is not ready yet", "Wait a minute and retry.", True),
    "ModelErrorException": (
        "The model failed while processing the request", "Retry; if it keeps failing, try another model.", True),
    "modelStreamErrorException": (
        "The model's stream failed partway", "The text that arrived is kept. Retry to get a complete reply.", True),
    "InternalServerException": (
        "Bedrock had an internal error", "Retry in a moment.", True),
    "internalServerException": (
        "Bedrock had an internal error while streaming", "The text that arrived is kept. Retry in a moment.", True),
    "ServiceUnavailableException": (
        "Bedrock is temporarily unavailable", "Retry in a moment, or pick another region.", True),
    "serviceUnavailableException": (
        "Bedrock became unavailable while streaming", "The text that arrived is kept. Retry in a moment.", True),
    "ExpiredTokenException": (
        "Your AWS credentials have expired",
        "Refresh them (for SSO: aws sso login --profile NAME), then retry.", True),
    "UnrecognizedClientException": (
        "AWS did not recognise your credentials", "Check the access key or choose another profile.", False),
    "InvalidSignatureException": (
        "AWS rejected the request signature", "Check your secret key and the computer's clock.", False),
}


def describe_error(error: BaseException, region: str | None = None) -> UserError:
    where = f" in {region}" if region else ""
    if isinstance(error, boto_errors.ClientError):
        info = error.response.get("Error", {})
        code = str(info.get("Code", ""))
        service_message = str(info.get("Message", "")).strip()
        title, action, retryable = _BY_CODE.get(code, (
            f"Bedrock returned an error ({code or 'unknown'})", "Retry; if it keeps happening, try another model.",
            True))
        detail = service_message if service_message.endswith(".") or not service_message else service_message + "."
        return UserError(title, f"Bedrock said: {detail}" if detail else "", action, retryable)
    sso_errors = boto_errors.SSOError | boto_errors.UnauthorizedSSOTokenError | boto_errors.TokenRetrievalError
    if isinstance(error, sso_errors):
        return UserError("Your AWS SSO session has expired or is missing",
                         "", "Run aws sso login --profile NAME in a terminal, then retry.", True)
    if isinstance(error, boto_errors.NoCredentialsError | boto_errors.PartialCredentialsError):
        return UserError("No AWS credentials were found",
                         "", "Run aws configure (or aws sso login), choose a profile, or start with --offline "
                         "to use the local endpoint.", True)
    if isinstance(error, boto_errors.ProfileNotFound):
        return UserError("That AWS profile does not exist", str(error) + ".",
                         "Choose another profile in the toolbar.", False)
    if isinstance(error, boto_errors.NoRegionError | boto_errors.InvalidRegionError):
        return UserError("No valid AWS region is set", "", "Pick a region in the toolbar.", False)
    if isinstance(error, MalformedStreamError | eventstream.ParserError | boto_errors.ResponseStreamingError):
        return UserError("The reply stream arrived damaged", "The text that arrived before the damage is kept.",
                         "Retry; if it keeps happening, check for a proxy or network device altering traffic.", True)
    if isinstance(error, boto_errors.EndpointConnectionError):
        return UserError(f"Cannot reach Bedrock{where}",
                         "The endpoint did not answer.",
                         "Check your network connection, or pick a region where Amazon Bedrock is offered.", True)
    if isinstance(error, boto_errors.ReadTimeoutError | boto_errors.ConnectTimeoutError):
        return UserError("Bedrock did not answer in time", "The text that arrived is kept.",
                         "Retry, or lower Max tokens.", True)
    if isinstance(error, boto_errors.ConnectionClosedError | http_errors.ProtocolError | http_errors.HTTPError
                  | boto_errors.HTTPClientError | ConnectionError):
        return UserError("The connection dropped", "The text that arrived is kept.",
                         "Check your network and retry.", True)
    if isinstance(error, UnsupportedRequest):
        return UserError("This model has no native request format here", str(error), "", False)
    if isinstance(error, boto_errors.ParamValidationError):
        return UserError("The request was not valid", str(error), "Check the parameters, then retry.", False)
    return UserError("Something unexpected went wrong", f"{type(error).__name__}: {error}",
                     "Retry; if it keeps happening, please report it.", True)
