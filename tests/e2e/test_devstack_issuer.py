"""`klair dev` pointed at another Clerk issuer: the real `api` function on the emulator stack
accepts that issuer's tokens (keys from its own JWKS server) and refuses the dev issuer's;
left alone, it accepts the dev issuer's tokens, whatever authorised parties are set."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from klair.devstack.dev_issuer import mint_token
from klair.devstack.emulators import Emulators
from klair.devstack.stack import LocalStack, StackOptions

pytestmark = [pytest.mark.e2e, pytest.mark.emulator]

CLERK = "https://happy-otter-12.clerk.accounts.dev"  # the issuer named in tokens, never fetched
APP = "https://app.example"  # the developer's front end
USAGE = "/api/klair/user/usage"


class JwksServer:
    """A second issuer's key set, served over HTTP like Clerk's `/.well-known/jwks.json`."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        self.kid = "ins_second_issuer"
        body = json.dumps({"keys": [{**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}]})

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/.well-known/jwks.json"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def token(self, sub: str, azp: str) -> str:
        now = int(time.time())
        claims = {
            "iss": CLERK,
            "sub": sub,
            "azp": azp,
            "iat": now,
            "nbf": now - 5,
            "exp": now + 600,
        }
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})


@pytest.fixture
def second_issuer() -> Iterator[JwksServer]:
    server = JwksServer()
    yield server
    server.server.shutdown()
    server.server.server_close()


def _api_stack(emulators: Emulators, workdir: Path) -> LocalStack:
    return LocalStack(
        StackOptions(free_ports=True, functions=["api"], emulators=emulators, workdir=workdir)
    )


def _usage(stack: LocalStack, token: str) -> httpx.Response:
    assert stack.urls.api is not None
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.get(stack.urls.api.rstrip("/") + USAGE, headers=headers, timeout=30)


def test_the_stack_trusts_the_issuer_of_the_environment(
    firestore_emulator: Emulators,
    second_issuer: JwksServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KLAIR_CLERK_ISSUER", CLERK)
    monkeypatch.setenv("KLAIR_CLERK_JWKS_URL", second_issuer.url)
    monkeypatch.setenv("KLAIR_CLERK_AUTHORIZED_PARTIES", json.dumps([APP]))
    with _api_stack(firestore_emulator, tmp_path) as stack:
        accepted = _usage(stack, second_issuer.token("user_clerk", azp=APP))
        assert accepted.status_code == 200, accepted.text

        dev = stack.issuer
        refused = _usage(stack, mint_token(dev.key, dev.issuer, "user_clerk", azp=APP))
        assert refused.status_code == 401
        assert refused.json()["error"]["code"] == "invalid_token"


def test_dev_tokens_carry_a_party_the_stack_accepts(
    firestore_emulator: Emulators, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The developer's front end is the authorised party; the dev issuer stays the issuer.
    monkeypatch.setenv("KLAIR_CLERK_AUTHORIZED_PARTIES", json.dumps([APP]))
    with _api_stack(firestore_emulator, tmp_path) as stack:
        accepted = _usage(stack, stack.issuer.mint("user_dev"))
        assert accepted.status_code == 200, accepted.text

        dev = stack.issuer
        other_party = _usage(
            stack, mint_token(dev.key, dev.issuer, "user_dev", azp="https://x.example")
        )
        assert other_party.status_code == 401
        assert other_party.json()["error"]["code"] == "unauthorized_party"
