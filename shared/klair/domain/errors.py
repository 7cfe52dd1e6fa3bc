"""The one exception tree: each error knows its HTTP status, stable code and retryability."""

from __future__ import annotations

from typing import Any, ClassVar


class KlairError(Exception):
    """Base of every error Klair raises on purpose."""

    status: ClassVar[int] = 500
    code: ClassVar[str] = "internal"
    retryable: ClassVar[bool] = False

    def __init__(self, message: str, *, code: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        if code is not None:
            self.code = code  # type: ignore[misc]  # per-instance refinement of the class code

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        return body


class InvalidInput(KlairError):
    status = 400
    code = "invalid_input"


class InvalidJson(InvalidInput):
    code = "invalid_json"


class Unauthorized(KlairError):
    status = 401
    code = "unauthorized"


class Forbidden(KlairError):
    status = 403
    code = "forbidden"


class NotFound(KlairError):
    status = 404
    code = "not_found"


class Conflict(KlairError):
    status = 409
    code = "conflict"


class IllegalTransition(Conflict):
    code = "illegal_transition"


class NotExporting(Conflict):
    """A clip's export came after its job left `exporting` (cancelled, failed): it is not
    recorded, so an export that lost the race with the job's end leaves no trace."""

    code = "job_not_exporting"


class QuotaExceeded(KlairError):
    status = 402
    code = "quota_exceeded"


class RateLimited(KlairError):
    status = 429
    code = "rate_limited"


class UnsupportedMedia(KlairError):
    """The source cannot be read as media (permanent: the job fails)."""

    status = 422
    code = "unsupported_media"


class LanguageNotSupported(UnsupportedMedia):
    """Speech in a language no analyzer the job may use can transcribe (permanent)."""

    code = "language_not_supported"


class SourceUnavailable(KlairError):
    """The URL cannot be downloaded for a permanent reason (removed, private, unsupported)."""

    status = 422
    code = "source_unavailable"


class UnsafeUrl(InvalidInput):
    """A URL Klair will not fetch (the SSRF guard): a scheme, port, credentials, host form or
    resolved address outside the policy. Permanent; the `code` names the rule that refused it."""

    code = "url_not_allowed"


class Transient(KlairError):
    """Worth retrying: the platform redelivers the message or task."""

    status = 503
    code = "transient"
    retryable = True
