"""STS GetCallerIdentity (query protocol, XML answers), so "Test connection" can check credentials offline."""

from __future__ import annotations

from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from bedrock_chat.local_endpoint.faults import Fault

STS_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/"
LOCAL_ACCOUNT = "123456789012"
# STS's own codes for the faults that make sense for an identity check.
_FAULT_CODES = {
    "access-denied": (403, "AccessDenied", "User is not authorized to perform: sts:GetCallerIdentity"),
    "expired-token": (403, "ExpiredToken", "The security token included in the request is expired"),
    "throttle": (400, "Throttling", "Rate exceeded"),
    "internal": (500, "InternalFailure", "An internal error occurred."),
    "unavailable": (503, "ServiceUnavailable", "Service is unavailable."),
}


def is_sts_request(path: str, content_type: str, body: bytes) -> bool:
    return path == "/" and "x-www-form-urlencoded" in content_type and b"Action=" in body


def sts_answer(body: bytes, access_key_id: str | None, request_id: str, fault: Fault | None) -> tuple[int, bytes]:
    """The HTTP status and XML document botocore's query parser expects, success or error."""
    form = {key: values[-1] for key, values in parse_qs(body.decode("utf-8", errors="replace")).items()}
    action = form.get("Action", "")
    if fault is not None and fault.name in _FAULT_CODES:
        status, code, message = _FAULT_CODES[fault.name]
        return status, _error(code, message, request_id)
    if action != "GetCallerIdentity":
        return 400, _error("InvalidAction", f"Could not find operation {action} for version 2011-06-15",
                           request_id)
    user = escape(access_key_id or "anonymous")
    return 200, (
        f'<GetCallerIdentityResponse xmlns="{STS_NAMESPACE}"><GetCallerIdentityResult>'
        f"<Arn>arn:aws:iam::{LOCAL_ACCOUNT}:user/local-endpoint</Arn><UserId>{user}</UserId>"
        f"<Account>{LOCAL_ACCOUNT}</Account></GetCallerIdentityResult>"
        f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
    ).encode()


def _error(code: str, message: str, request_id: str) -> bytes:
    return (f'<ErrorResponse xmlns="{STS_NAMESPACE}"><Error><Type>Sender</Type><Code>{escape(code)}</Code>'
            f"<Message>{escape(message)}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
            ).encode()
