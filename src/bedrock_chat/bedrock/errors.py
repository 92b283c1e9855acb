"""Turns any failure of a Bedrock call into one message a person can act on: ``describe_error`` is the one door.

Each family of botocore/urllib3 exception a user can meet gets what happened and what to do (Bedrock's own
answers in ``service_errors``, the network path in ``network_errors``, the client's setup in ``setup_errors``);
the raw detail (exception type, error code, HTTP status, request id) goes into ``UserError.details`` for the
Details toggle.
"""

from __future__ import annotations

from dataclasses import replace

from botocore import exceptions as boto_errors

from bedrock_chat.bedrock.error_context import ErrorContext, where
from bedrock_chat.bedrock.network_errors import network_error
from bedrock_chat.bedrock.requests import UnsupportedRequest
from bedrock_chat.bedrock.service_errors import portal_error, service_error
from bedrock_chat.bedrock.setup_errors import setup_error
from bedrock_chat.bedrock.user_error import UserError, raw_detail, scrub


class UnexpectedResponseError(Exception):
    """An answer that is not Bedrock's: an HTML page or a redirect, as captive portals and filters send."""

    def __init__(self, status: int, content_type: str, location: str | None, url: str | None) -> None:
        self.status, self.content_type, self.location, self.url = status, content_type, location, url
        where_to = f" (redirecting to {location})" if location else ""
        super().__init__(f"HTTP {status}, Content-Type {content_type or 'none'}{where_to} from {url or 'the endpoint'}")


def describe_error(error: BaseException, region: str | None = None,
                   context: ErrorContext | None = None) -> UserError:
    context = context or ErrorContext(region=region)
    if region and not context.region:
        context = replace(context, region=region)
    message: UserError | None
    if isinstance(error, UnexpectedResponseError) and error.status >= 500:
        # A gateway's own error page (a 502/503 from a load balancer or proxy), not a sign-in page.
        message = UserError(f"{where(context)[0].upper()}{where(context)[1:]} answered with an error page "
                            f"(HTTP {error.status})", "", "Retry in a moment; if it lasts, a proxy or gateway on "
                            "the way may be down.", True)
    elif isinstance(error, UnexpectedResponseError):
        message = portal_error(context, error.location)
    elif isinstance(error, boto_errors.ClientError):
        message = service_error(error, context)
    else:
        message = setup_error(error, context) or network_error(error, context)
    if message is None and isinstance(error, UnsupportedRequest):
        message = UserError("This model has no native request format here", str(error),
                            "Switch the API to Converse.", False)
    if message is None and isinstance(error, boto_errors.ParamValidationError):
        message = UserError("The request was not valid", str(error), "Check the parameters, then retry.", False)
    if message is None:
        message = UserError("Something unexpected went wrong", scrub(f"{type(error).__name__}: {error}"),
                            "Retry; if it keeps happening, please report it with the details below.", True)
    return UserError(message.title, message.detail, message.action, message.retryable, raw_detail(error),
                     message.sso_profile)
