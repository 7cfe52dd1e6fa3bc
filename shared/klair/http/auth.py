"""Clerk session-token verification: RS256 JWTs checked against the instance's cached JWKS."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

import jwt
import structlog
from werkzeug.wrappers import Request

from klair.config import Settings
from klair.domain.api_keys import Access
from klair.domain.errors import Transient, Unauthorized
from klair.domain.ids import UserId
from klair.http.recent import Recent

ALGORITHMS = ["RS256"]
SESSION_COOKIE = "__session"
REQUIRED_CLAIMS = ["exp", "nbf", "iat", "iss", "sub"]
# A token verified once is trusted again without its signature check for at most this long,
# and never past its `exp` (+ leeway). Clients poll with the same token, and the check (RSA,
# base64 parsing, claims) is most of an authenticated request's CPU. A key removed from the
# JWKS stops being trusted within this plus the key set's own cache (`lifespan` below).
VERIFIED_SECONDS = 60.0
VERIFIED_TOKENS = 10_000

log = structlog.get_logger(__name__)


def bearer_token(request: Request) -> str:
    """The token from `Authorization: Bearer ...`, else from Clerk's `__session` cookie."""
    header = request.headers.get("Authorization")
    if header:
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized(
                "Authorization header must be 'Bearer <token>'", code="invalid_token"
            )
        return token.strip()
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return cookie
    raise Unauthorized("a session token is required", code="missing_token")


class ClerkVerifier:
    """Turns a request carrying a Clerk session token into the user id it was issued to.

    The JWKS client is created on first use (no network at import or construction time) and
    caches the key set; an unknown `kid` triggers one refetch, so key rotation just works.
    Tokens that passed every check are remembered (`VERIFIED_SECONDS`, until they expire).
    """

    def __init__(
        self,
        issuer: str,
        jwks_url: str | None = None,
        authorized_parties: Sequence[str] = (),
        leeway: float = 5,
        *,
        timeout: float = 5.0,
    ) -> None:
        self.issuer = issuer
        self.jwks_url = jwks_url or issuer.rstrip("/") + "/.well-known/jwks.json"
        self.authorized_parties = tuple(authorized_parties)
        self.leeway = leeway
        self.timeout = timeout
        self._client: jwt.PyJWKClient | None = None
        self._lock = threading.Lock()
        self._verified: Recent[str, tuple[float, UserId]] = Recent(VERIFIED_TOKENS)  # (exp, sub)

    @classmethod
    def from_settings(cls, settings: Settings) -> ClerkVerifier:
        if not settings.clerk_issuer:
            raise ValueError("KLAIR_CLERK_ISSUER is not set")
        return cls(
            settings.clerk_issuer, settings.clerk_jwks_url, settings.clerk_authorized_parties
        )

    def verify(self, request: Request, access: Access = "session") -> UserId:
        """A session allows every `access`."""
        return self.verify_token(bearer_token(request))

    def verify_token(self, token: str) -> UserId:
        """The token's `sub`; raises `Unauthorized` (or `Transient` if keys are unreachable)."""
        known = self._remembered(token)
        if known is not None:
            return known
        uid, expires = self._verify(token)
        self._verified.put(token, (expires, uid))
        return uid

    def _remembered(self, token: str) -> UserId | None:
        found = self._verified.get(token, VERIFIED_SECONDS)
        if found is not None and time.time() < found[0] + self.leeway:
            return found[1]
        return None  # checked again in full: an expired token is refused as such

    def _verify(self, token: str) -> tuple[UserId, float]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as e:
            raise Unauthorized("malformed session token", code="invalid_token") from e
        # Refuse other algorithms before any key lookup: no "none", no HS256 with the public key.
        if header.get("alg") not in ALGORITHMS:
            raise Unauthorized("token algorithm not accepted", code="invalid_token")
        claims = self._decode(token, self._signing_key(token))
        self._check_party(claims)
        sub = claims.get("sub")
        if not isinstance(sub, str) or not sub:
            raise Unauthorized("token has no subject", code="invalid_token")
        return UserId(sub), float(claims["exp"])

    def _jwks(self) -> jwt.PyJWKClient:
        with self._lock:
            if self._client is None:
                self._client = jwt.PyJWKClient(
                    self.jwks_url, cache_keys=True, lifespan=300, timeout=self.timeout
                )
            return self._client

    def _signing_key(self, token: str) -> Any:
        try:
            return self._jwks().get_signing_key_from_jwt(token).key
        except jwt.PyJWKClientConnectionError as e:
            log.warning("jwks unreachable", jwks_url=self.jwks_url, error=str(e))
            raise Transient("cannot reach the identity provider's keys") from e
        except (jwt.PyJWKClientError, jwt.PyJWKError, jwt.InvalidTokenError) as e:
            raise Unauthorized("token signed with an unknown key", code="invalid_token") from e

    def _decode(self, token: str, key: Any) -> dict[str, Any]:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=ALGORITHMS,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": REQUIRED_CLAIMS, "verify_aud": False},
            )
        except jwt.ExpiredSignatureError as e:
            raise Unauthorized("session token expired", code="token_expired") from e
        except jwt.InvalidTokenError as e:
            raise Unauthorized(f"invalid session token: {e}", code="invalid_token") from e
        return claims

    def _check_party(self, claims: dict[str, Any]) -> None:
        # Clerk puts the requesting origin in `azp`; checking it stops tokens minted for another
        # site (and cross-site use of the __session cookie) from being accepted here.
        if self.authorized_parties and claims.get("azp") not in self.authorized_parties:
            raise Unauthorized("token issued to an unauthorized party", code="unauthorized_party")
