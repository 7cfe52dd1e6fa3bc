"""The local stand-in for Clerk: a persisted RSA key, a JWKS endpoint and Clerk-shaped tokens."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import secrets
import threading
import time
from enum import Enum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

KEY_FILE = "dev-issuer.pem"
JWKS_PATH = "/.well-known/jwks.json"
# The azp the dev issuer's tokens carry and the local stack accepts by default: the origin
# of a front end on its usual local port (terraform's dev example lists the same one).
DEV_AUTHORIZED_PARTY = "http://localhost:3000"


class ForeignIssuer(RuntimeError):
    """The stack trusts another issuer: a dev token would be refused, so none is minted."""


def refuse_foreign(dev_issuer: str, trusted: str | None) -> None:
    """Raise `ForeignIssuer` unless `trusted` (KLAIR_CLERK_ISSUER in effect) is the dev issuer."""
    if trusted and trusted.rstrip("/") != dev_issuer.rstrip("/"):
        raise ForeignIssuer(
            f"the local stack trusts tokens from {trusted} (KLAIR_CLERK_ISSUER), not from the "
            f"dev issuer {dev_issuer}: tokens must come from that issuer (e.g. Clerk's "
            "getToken() in a signed-in front end)"
        )


class _Party(Enum):
    DEFAULT = "default"


PARTY = _Party.DEFAULT  # mint's azp: the issuer's own party


def load_or_create_key(key_dir: Path) -> rsa.RSAPrivateKey:
    """The issuer's key from `key_dir`, generated and persisted (PEM, 0600) the first time.

    Creation is atomic and never overwrites: when two processes race (`klair dev` and
    `klair token`), both end up with whichever key was linked into place first.
    """
    path = key_dir / KEY_FILE
    if not path.exists():
        key_dir.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        tmp = key_dir / f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
        try:
            with contextlib.suppress(FileExistsError):
                path.hardlink_to(tmp)
        finally:
            tmp.unlink()
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, rsa.RSAPrivateKey):
        raise ValueError(f"{path} does not hold an RSA private key")
    return loaded


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def public_jwk(key: rsa.RSAPrivateKey) -> dict[str, str]:
    """The public half as a JWK, with `kid` = its RFC 7638 thumbprint (stable across runs)."""
    numbers = key.public_key().public_numbers()
    n = _b64(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big"))
    e = _b64(numbers.e.to_bytes((numbers.e.bit_length() + 7) // 8, "big"))
    canonical = json.dumps({"e": e, "kty": "RSA", "n": n}, separators=(",", ":"))
    kid = "dev_" + _b64(hashlib.sha256(canonical.encode()).digest())
    return {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid, "n": n, "e": e}


def mint_token(
    key: rsa.RSAPrivateKey,
    issuer: str,
    sub: str,
    azp: str | None = None,
    ttl: int = 3600,
    **claims: Any,
) -> str:
    """Sign a Clerk-shaped session token; a claim passed as None is left out of the token."""
    now = int(time.time())
    payload: dict[str, Any] = {
        "iss": issuer,
        "sub": sub,
        "sid": "sess_" + secrets.token_hex(12),
        "iat": now,
        "nbf": now - 10,  # Clerk backdates nbf to absorb clock skew
        "exp": now + ttl,
        "v": 2,
    }
    if azp is not None:
        payload["azp"] = azp
    payload.update(claims)
    payload = {name: value for name, value in payload.items() if value is not None}
    headers = {"kid": public_jwk(key)["kid"], "typ": "JWT"}
    return jwt.encode(payload, key, algorithm="RS256", headers=headers)


def mint_from_key_dir(
    key_dir: Path, issuer: str, sub: str, azp: str | None = None, ttl: int = 3600, **claims: Any
) -> str:
    """What `klair token` calls: mint with the persisted key, no server needed."""
    return mint_token(load_or_create_key(key_dir), issuer, sub, azp, ttl, **claims)


def _handler_for(body: bytes) -> type[BaseHTTPRequestHandler]:
    class JwksHandler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.split("?", 1)[0] != JWKS_PATH:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "public, max-age=300")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            """Silent: a JWKS fetch is not worth a line on the dev console."""

    return JwksHandler


class DevIssuer:
    """Serves the JWKS of a persisted key and mints tokens that `ClerkVerifier` accepts.

    `party` is the azp its tokens carry unless `mint` names another; `trusted`, once the
    local stack knows it, is the issuer the stack's functions accept: when that is another
    one, `mint` refuses instead of handing out tokens the api would refuse.
    """

    def __init__(self, key_dir: Path, party: str | None = None) -> None:
        self.key = load_or_create_key(key_dir)
        self.party = party
        self.trusted: str | None = None
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._issuer: str | None = None

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        return {"keys": [public_jwk(self.key)]}

    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve the JWKS on host:port (0 picks a free port); returns the issuer URL."""
        if self._server is not None:
            raise RuntimeError("dev issuer already started")
        body = json.dumps(self.jwks()).encode()
        server = ThreadingHTTPServer((host, port), _handler_for(body))
        server.daemon_threads = True
        self._server = server
        self._issuer = f"http://{host}:{server.server_address[1]}"
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="dev-issuer"
        )
        self._thread.daemon = True
        self._thread.start()
        return self._issuer

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    @property
    def issuer(self) -> str:
        if self._issuer is None:
            raise RuntimeError("dev issuer not started: call start() first")
        return self._issuer

    @property
    def jwks_url(self) -> str:
        return self.issuer + JWKS_PATH

    def mint(
        self,
        sub: str,
        azp: str | Literal[_Party.DEFAULT] | None = PARTY,
        ttl: int = 3600,
        **claims: Any,
    ) -> str:
        """A token for `sub`; `azp=None` leaves the claim out."""
        refuse_foreign(self.issuer, self.trusted)
        party = self.party if azp is PARTY else azp
        return mint_token(self.key, self.issuer, sub, party, ttl, **claims)

    def __enter__(self) -> DevIssuer:
        if self._server is None:
            self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        with contextlib.suppress(OSError):
            self.stop()
