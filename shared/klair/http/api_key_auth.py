"""The API's second credential: `Authorization: Bearer klair_sk_…` is an API key, judged by
`handlers.api.api_keys.authenticate` (the owner, if the key is active and has the route's
scope); any other token goes to the session verifier (Clerk)."""

from __future__ import annotations

from collections.abc import Callable

from werkzeug.wrappers import Request

from klair.domain.api_keys import Access, is_api_key
from klair.domain.ids import UserId
from klair.handlers.api.api_keys import authenticate
from klair.handlers.deps import Deps
from klair.http.router import Verifier


class KeyOrSessionVerifier:
    """Tells the two apart by the key's prefix (a Clerk JWT starts with `ey`). `deps` is a
    factory, so wiring does no I/O."""

    def __init__(self, sessions: Verifier, deps: Callable[[], Deps]) -> None:
        self.sessions = sessions
        self.deps = deps

    def verify(self, request: Request, access: Access) -> UserId:
        scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
        if scheme.lower() == "bearer" and is_api_key(token.strip()):
            return authenticate(self.deps(), token.strip(), access)
        return self.sessions.verify(request, access)
