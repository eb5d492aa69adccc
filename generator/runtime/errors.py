"""The exceptions a generated client raises. Catch :class:`SDKError` for all of them.

::

    SDKError
    ├── ConfigurationError        missing credential or base URL
    ├── RequestValidationError    input the vendor would refuse; nothing was sent
    ├── APIConnectionError        no answer (APITimeoutError: no answer in time)
    ├── APIError                  the vendor answered with a failure
    │   ├── AuthenticationError, PermissionDeniedError, QuotaExceededError, RateLimitError,
    │   ├── InvalidRequestError (InvalidImageError, DownloadFailedError), NotFoundError,
    │   └── ConflictError, PayloadTooLargeError, ServerError
    ├── ResponseFormatError       an answer that is not what the spec describes
    ├── CallbackError             a payload that is not one of the vendor's callbacks
    ├── TaskFailedError           a task the vendor reports as failed
    └── WaitTimeoutError          a task still unfinished when wait() gave up

No message here ever holds a credential: they are built from the vendor's code and message,
and the request URL (which can carry a key in its query) is never part of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .tasks import TaskOutcome


class SDKError(Exception):
    """Base of every error a generated client raises."""


class ConfigurationError(SDKError):
    """The client was built without something it needs."""


class RequestValidationError(SDKError, ValueError):
    """Input the vendor's documented limits refuse; the request was not sent."""

    def __init__(self, operation: str, problems: list[str]) -> None:
        super().__init__(f"{operation}: " + "; ".join(problems))
        self.operation = operation
        self.problems = problems


class APIConnectionError(SDKError):
    """The request got no answer: connection refused, reset, or a broken response."""

    def __init__(self, message: str, *, sent: bool) -> None:
        super().__init__(message)
        self.sent = sent


class APITimeoutError(APIConnectionError):
    """The vendor did not answer in time."""


class APIError(SDKError):
    """The vendor answered, with a failure. ``code`` and ``message`` are the vendor's own."""

    def __init__(
        self,
        message: str,
        *,
        vendor: str,
        code: Any = None,
        status_code: int = 200,
        request_id: str = "",
        body: Any = None,
    ) -> None:
        text = f"[{vendor}] {message}"
        if code is not None:
            text += f" (code {code})"
        if request_id:
            text += f" [request id {request_id}]"
        super().__init__(text)
        self.vendor = vendor
        self.code = code
        self.vendor_message = message
        self.status_code = status_code
        self.request_id = request_id
        self.body = body


class AuthenticationError(APIError):
    """The credential is missing, unknown, expired or wrongly signed."""


class PermissionDeniedError(APIError):
    """The credential is valid but may not do this."""


class QuotaExceededError(APIError):
    """The account has no calls or money left."""


class RateLimitError(APIError):
    """Too many requests, or too many jobs at once."""


class InvalidRequestError(APIError):
    """The vendor refused the request's parameters."""


class InvalidImageError(InvalidRequestError):
    """The vendor could not use the image it was given."""


class DownloadFailedError(InvalidRequestError):
    """The vendor could not download an image from the URL it was given."""


class NotFoundError(APIError):
    """No such task, resource or operation."""


class ConflictError(APIError):
    """A duplicate, such as a task id already used."""


class PayloadTooLargeError(InvalidRequestError):
    """The request body is over the vendor's size limit."""


class ServerError(APIError):
    """The vendor failed on its side (5xx, or its own system-error code)."""


class ResponseFormatError(SDKError):
    """The answer does not have the shape the spec describes."""


class CallbackError(SDKError, ValueError):
    """A payload that is not one of the vendor's callbacks (its schema, a task id, a status
    the vendor uses); the message says why."""


class TaskFailedError(SDKError):
    """A task ended in failure; ``outcome`` has the vendor's payload."""

    def __init__(self, outcome: TaskOutcome) -> None:
        detail = f": {outcome.error}" if outcome.error else ""
        super().__init__(f"task {outcome.task_id} failed{detail}")
        self.outcome = outcome


class WaitTimeoutError(SDKError):
    """wait() gave up; ``outcome`` is the last status seen."""

    def __init__(self, outcome: TaskOutcome, timeout: float) -> None:
        super().__init__(f"task {outcome.task_id} still {outcome.status} after {timeout:g}s")
        self.outcome = outcome


BY_KIND: dict[str, type[APIError]] = {
    "authentication": AuthenticationError,
    "token_missing": AuthenticationError,
    "token_invalid": AuthenticationError,
    "token_not_yet_valid": AuthenticationError,
    "token_expired": AuthenticationError,
    "account_in_arrears": QuotaExceededError,
    "account_restricted": PermissionDeniedError,
    "concurrency_limited": RateLimitError,
    "permission_denied": PermissionDeniedError,
    "quota_exceeded": QuotaExceededError,
    "rate_limited": RateLimitError,
    "invalid_request": InvalidRequestError,
    "invalid_image": InvalidImageError,
    "download_failed": DownloadFailedError,
    "not_found": NotFoundError,
    "unknown_operation": NotFoundError,
    "conflict": ConflictError,
    "payload_too_large": PayloadTooLargeError,
    "server_error": ServerError,
    "image_missing": InvalidRequestError,
    "image_resolution": InvalidImageError,
    "unsupported_version": NotFoundError,
    "app_key_invalid": AuthenticationError,
    "signature_invalid": AuthenticationError,
    "digest_invalid": InvalidRequestError,
    "timestamp_invalid": AuthenticationError,
    "nonce_used": AuthenticationError,
}

BY_HTTP_STATUS: dict[int, type[APIError]] = {
    400: InvalidRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: PayloadTooLargeError,
    429: RateLimitError,
}
