"""Errors only HTTP has: a method a route does not serve, a body over the limit. They join
the one error tree (`klair.domain.errors.KlairError`: status + stable code), but no use case
raises them, so they live with the transport."""

from __future__ import annotations

from klair.domain.errors import InvalidInput, KlairError


class PayloadTooLarge(InvalidInput):
    status = 413
    code = "body_too_large"


class MethodNotAllowed(KlairError):
    status = 405
    code = "method_not_allowed"
