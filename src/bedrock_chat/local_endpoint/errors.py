"""Bedrock's error shapes: an HTTP status, the ``x-amzn-ErrorType`` header and a ``message`` body."""

from __future__ import annotations

_STATUS = {
    "ValidationException": 400,
    "ServiceQuotaExceededException": 400,
    "AccessDeniedException": 403,
    "ExpiredTokenException": 403,
    "ResourceNotFoundException": 404,
    "ModelTimeoutException": 408,
    "ModelErrorException": 424,
    "ThrottlingException": 429,
    "ModelNotReadyException": 429,
    "InternalServerException": 500,
    "ServiceUnavailableException": 503,
    "UnknownOperationException": 404,
}


class BedrockError(Exception):
    """An error answered with Bedrock's shape instead of a normal response."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def status(self) -> int:
        return _STATUS.get(self.code, 400)


def validation(message: str) -> BedrockError:
    return BedrockError("ValidationException", message)


def malformed(detail: str) -> BedrockError:
    return validation(f"Malformed input request: {detail}, please reformat your input and try again.")
