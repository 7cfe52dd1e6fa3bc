"""A session-token verifier that also refuses the tokens of users deleted in Clerk."""

from __future__ import annotations

import time
from collections.abc import Callable

from werkzeug.wrappers import Request

from klair.domain.api_keys import Access
from klair.domain.errors import NotFound, Unauthorized
from klair.domain.ids import UserId
from klair.http.recent import Refreshed
from klair.http.router import Verifier
from klair.ports.accounts import Revocations, UserStore

# How long an instance trusts what it read of `users/{uid}`: a deletion refuses the user's
# tokens everywhere within this (an answer is re-read in the background from half this age
# on, and never served older), and at once in the process that applied it (`Revocations`).
# Clerk's session tokens themselves live 60 s.
CACHE_SECONDS = 15.0
CACHE_ENTRIES = 10_000  # bounded: an instance sees few users at once


class ActiveUserVerifier:
    """Wraps another `Verifier`: a valid token (or API key) of a deleted user is refused.

    Unknown users pass, because a first sign-in can reach the API before Clerk's
    `user.created` webhook does. A user this process deleted (`revocations`) is refused
    before any cached answer is consulted. `users` and `revocations` are factories so
    wiring does no I/O. Each user's
    state is read about once per `ttl` seconds per instance (at most twice), and re-read
    in the background while the old answer still serves: a user polling the API never
    waits on a user read (those waits were the status endpoint's slowest 2 % under load).
    """

    def __init__(
        self,
        inner: Verifier,
        users: Callable[[], UserStore],
        revocations: Callable[[], Revocations],
        ttl: float = CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.inner = inner
        self.users = users
        self.revocations = revocations
        self.ttl = ttl
        self._seen: Refreshed[UserId, bool] = Refreshed(CACHE_ENTRIES, clock)  # uid → deleted

    def verify(self, request: Request, access: Access = "session") -> UserId:
        uid = self.inner.verify(request, access)
        if self._deleted(uid):
            raise Unauthorized("this account has been deleted", code="user_deleted")
        return uid

    def _deleted(self, uid: UserId) -> bool:
        if self.revocations().revoked(uid):
            return True
        return self._seen.fetch(uid, self.ttl, lambda: self._read(uid))

    def _read(self, uid: UserId) -> bool:
        try:
            return self.users().get(uid).status == "deleted"
        except NotFound:
            return False
