"""A session-token verifier that also refuses the tokens of users deleted in Clerk."""

from __future__ import annotations

from collections.abc import Callable

from werkzeug.wrappers import Request

from klair.domain.errors import NotFound, Unauthorized
from klair.domain.ids import UserId
from klair.http.router import Verifier
from klair.ports import UserStore


class ActiveUserVerifier:
    """Wraps another `Verifier`: a valid token of a deleted user is refused.

    Unknown users pass, because a first sign-in can reach the API before Clerk's
    `user.created` webhook does. `users` is a factory so wiring does no I/O.
    """

    def __init__(self, inner: Verifier, users: Callable[[], UserStore]) -> None:
        self.inner = inner
        self.users = users

    def verify(self, request: Request) -> UserId:
        uid = self.inner.verify(request)
        try:
            user = self.users().get(uid)
        except NotFound:
            return uid
        if user.status == "deleted":
            raise Unauthorized("this account has been deleted", code="user_deleted")
        return uid
