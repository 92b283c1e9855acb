"""Failures on the way to Bedrock (a proxy, TLS, a timeout, a dropped connection, a damaged stream, an answer
not in Bedrock's format) as messages a person can act on."""

from __future__ import annotations

import os
from pathlib import Path

from botocore import eventstream
from botocore import exceptions as boto_errors
from botocore.parsers import ResponseParserError
from urllib3 import exceptions as http_errors

from bedrock_chat.bedrock.connection import hide_password
from bedrock_chat.bedrock.decoding import MalformedStreamError
from bedrock_chat.bedrock.error_context import ErrorContext, where
from bedrock_chat.bedrock.user_error import TEXT_KEPT, UserError, raw_detail
from bedrock_chat.core.regions import SUGGESTED_REGIONS, is_known_bedrock_region

PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")


def _proxy_variable(proxy_url: str) -> str:
    for name in PROXY_VARIABLES:
        value = os.environ.get(name, "")
        if value and (value.rstrip("/") in proxy_url or proxy_url.rstrip("/") in value):
            return name
    return next((name for name in PROXY_VARIABLES if os.environ.get(name)), "HTTPS_PROXY")


def network_error(error: BaseException, context: ErrorContext) -> UserError | None:
    """The message for a failure of the network path; None when the error is not one."""
    kept = f" {TEXT_KEPT}" if context.stage == "turn" else ""
    if isinstance(error, boto_errors.ProxyConnectionError):
        proxy = str(getattr(error, "kwargs", {}).get("proxy_url", "")) or "the proxy"
        variable = _proxy_variable(proxy)
        if "407" in raw_detail(error):
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
            return UserError(f"Cannot connect securely to {where(context)}",
                             f"AWS_CA_BUNDLE names {bundle}, which does not exist or is not a file.",
                             "Point AWS_CA_BUNDLE to the PEM file of your company's root certificate (or unset "
                             "it), then restart.", False)
        hint = (f"AWS_CA_BUNDLE is set to {bundle}: check it holds your company's root certificate."
                if bundle else "If your network inspects HTTPS (a company proxy), set AWS_CA_BUNDLE to the file of "
                "its root certificate (PEM), then restart.")
        return UserError(f"Cannot connect securely to {where(context)}", f"The connection was refused because "
                         f"{what}.", hint, True)
    if isinstance(error, boto_errors.ConnectTimeoutError):
        return UserError(f"Cannot reach {where(context)}", "The connection timed out.",
                         "Check your network connection and proxy settings, then retry.", True)
    if isinstance(error, boto_errors.EndpointConnectionError):
        if not context.endpoint_url and context.region and not is_known_bedrock_region(context.region):
            return UserError(f"Amazon Bedrock does not seem to be offered in {context.region}",
                             "Its Bedrock endpoint did not answer, and the region is not one where Bedrock is known "
                             "to run.", f"Pick a region with Bedrock, such as {', '.join(SUGGESTED_REGIONS)}.", True,
                             details=str(error))
        action = ("Check your network connection, or pick a region where Amazon Bedrock is offered."
                  if not context.endpoint_url else "Check that the address is right and the endpoint is running.")
        return UserError(f"Cannot reach {where(context)}", "The endpoint did not answer.", action, True)
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
        return UserError(f"The answer from {where(context)} could not be read",
                         "It was not in Bedrock's format; a proxy or web filter may have changed it.",
                         "Retry; if it keeps happening, ask your IT team whether Bedrock traffic is filtered.", True)
    return None
