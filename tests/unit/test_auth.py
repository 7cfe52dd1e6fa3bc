"""Clerk token verification against a real dev issuer serving its JWKS over HTTP."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import flask
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from klair.devstack.dev_issuer import KEY_FILE, DevIssuer, mint_from_key_dir, public_jwk
from klair.devstack.process import free_port
from klair.domain.errors import Transient, Unauthorized
from klair.http.auth import ClerkVerifier
from klair.http.call import Call
from klair.http.router import Router

APP = "http://localhost:3000"


@pytest.fixture(scope="module")
def key_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One generated key for the module: RSA generation is the slow part."""
    return tmp_path_factory.mktemp("issuer") / "keys"


@pytest.fixture
def issuer(key_dir: Path) -> Iterator[DevIssuer]:
    with DevIssuer(key_dir) as dev:
        yield dev


@pytest.fixture
def verifier(issuer: DevIssuer) -> ClerkVerifier:
    return ClerkVerifier(issuer.issuer, issuer.jwks_url, (APP,), timeout=2)


def request_with(token: str | None = None, cookie: str | None = None) -> Request:
    headers: list[tuple[str, str]] = []
    if token is not None:
        headers.append(("Authorization", f"Bearer {token}"))
    if cookie is not None:
        headers.append(("Cookie", f"__session={cookie}"))
    return Request(EnvironBuilder(path="/api/klair/jobs", headers=headers).get_environ())


def refused(verifier: ClerkVerifier, request: Request) -> Unauthorized:
    with pytest.raises(Unauthorized) as caught:
        verifier.verify(request)
    assert caught.value.status == 401
    return caught.value


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(issuer: DevIssuer, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {"iss": issuer.issuer, "sub": "user_1", "azp": APP, "iat": now, "nbf": now}
    return {**claims, "exp": now + 600, **overrides}


def test_a_valid_bearer_token_yields_its_subject(
    issuer: DevIssuer, verifier: ClerkVerifier
) -> None:
    assert verifier.verify(request_with(issuer.mint("user_42", azp=APP))) == "user_42"


def test_the_clerk_session_cookie_is_accepted(issuer: DevIssuer, verifier: ClerkVerifier) -> None:
    assert verifier.verify(request_with(cookie=issuer.mint("user_7", azp=APP))) == "user_7"


def test_the_authorization_header_wins_over_the_cookie(
    issuer: DevIssuer, verifier: ClerkVerifier
) -> None:
    request = request_with(issuer.mint("user_h", azp=APP), cookie=issuer.mint("user_c", azp=APP))
    assert verifier.verify(request) == "user_h"


def test_no_token_at_all_is_missing_token(verifier: ClerkVerifier) -> None:
    assert refused(verifier, request_with()).code == "missing_token"


def test_a_non_bearer_authorization_header_is_refused(verifier: ClerkVerifier) -> None:
    environ = EnvironBuilder(headers=[("Authorization", "Basic dXNlcjpwYXNz")]).get_environ()
    assert refused(verifier, Request(environ)).code == "invalid_token"


@pytest.mark.parametrize("garbage", ["abc", "a.b.c", "", "e30.e30."])
def test_garbage_tokens_are_invalid(verifier: ClerkVerifier, garbage: str) -> None:
    with pytest.raises(Unauthorized) as caught:
        verifier.verify_token(garbage)
    assert caught.value.code == "invalid_token"


def test_an_expired_token_is_refused(issuer: DevIssuer, verifier: ClerkVerifier) -> None:
    token = issuer.mint("user_1", azp=APP, ttl=-60)
    assert refused(verifier, request_with(token)).code == "token_expired"


def test_expiry_within_the_leeway_is_tolerated(issuer: DevIssuer, verifier: ClerkVerifier) -> None:
    token = issuer.mint("user_1", azp=APP, ttl=-2)
    assert verifier.verify(request_with(token)) == "user_1"


def test_a_not_yet_valid_token_is_refused(issuer: DevIssuer, verifier: ClerkVerifier) -> None:
    token = issuer.mint("user_1", azp=APP, nbf=int(time.time()) + 600)
    assert refused(verifier, request_with(token)).code == "invalid_token"


def test_a_token_from_another_issuer_is_refused(issuer: DevIssuer, verifier: ClerkVerifier) -> None:
    token = issuer.mint("user_1", azp=APP, iss="https://evil.example")
    assert refused(verifier, request_with(token)).code == "invalid_token"


@pytest.mark.parametrize("azp", ["https://evil.example", None])
def test_a_token_for_another_party_is_refused(
    issuer: DevIssuer, verifier: ClerkVerifier, azp: str | None
) -> None:
    token = issuer.mint("user_1", azp=azp)
    assert refused(verifier, request_with(token)).code == "unauthorized_party"


def test_any_party_is_accepted_when_none_are_configured(issuer: DevIssuer) -> None:
    open_verifier = ClerkVerifier(issuer.issuer, issuer.jwks_url)
    token = issuer.mint("user_1", azp="https://anything.example")
    assert open_verifier.verify(request_with(token)) == "user_1"


@pytest.mark.parametrize("claim", ["exp", "nbf", "iat", "iss", "sub"])
def test_a_token_missing_a_required_claim_is_refused(
    issuer: DevIssuer, verifier: ClerkVerifier, claim: str
) -> None:
    claims = {name: value for name, value in _claims(issuer).items() if name != claim}
    kid = public_jwk(issuer.key)["kid"]
    token = jwt.encode(claims, issuer.key, algorithm="RS256", headers={"kid": kid})
    assert refused(verifier, request_with(token)).code == "invalid_token"


def test_hs256_signed_with_the_public_key_is_refused(
    issuer: DevIssuer, verifier: ClerkVerifier
) -> None:
    """Algorithm confusion: the public key (which anyone can fetch) used as an HMAC secret."""
    pem = issuer.key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = {"alg": "HS256", "typ": "JWT", "kid": public_jwk(issuer.key)["kid"]}
    signing_input = (
        f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(_claims(issuer)).encode())}"
    )
    signature = hmac.new(pem, signing_input.encode(), hashlib.sha256).digest()
    token = f"{signing_input}.{_b64(signature)}"
    assert refused(verifier, request_with(token)).code == "invalid_token"


def test_an_unsigned_token_is_refused(issuer: DevIssuer, verifier: ClerkVerifier) -> None:
    token = jwt.encode(_claims(issuer), key="", algorithm="none")
    assert refused(verifier, request_with(token)).code == "invalid_token"


def test_a_tampered_payload_is_refused(issuer: DevIssuer, verifier: ClerkVerifier) -> None:
    header, _, signature = issuer.mint("user_1", azp=APP).split(".")
    forged = _b64(json.dumps(_claims(issuer, sub="user_admin")).encode())
    assert refused(verifier, request_with(f"{header}.{forged}.{signature}")).code == "invalid_token"


def test_a_token_signed_by_another_key_under_the_same_kid_is_refused(
    issuer: DevIssuer, verifier: ClerkVerifier
) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = public_jwk(issuer.key)["kid"]
    token = jwt.encode(_claims(issuer), other, algorithm="RS256", headers={"kid": kid})
    assert refused(verifier, request_with(token)).code == "invalid_token"


def test_a_token_with_an_unknown_kid_is_refused(issuer: DevIssuer, verifier: ClerkVerifier) -> None:
    token = jwt.encode(_claims(issuer), issuer.key, algorithm="RS256", headers={"kid": "nope"})
    assert refused(verifier, request_with(token)).code == "invalid_token"


def test_unreachable_keys_are_a_transient_503(issuer: DevIssuer) -> None:
    dead = f"http://127.0.0.1:{free_port()}/.well-known/jwks.json"
    verifier = ClerkVerifier(issuer.issuer, dead, (APP,), timeout=2)  # no network yet
    with pytest.raises(Transient) as caught:
        verifier.verify(request_with(issuer.mint("user_1", azp=APP)))
    assert caught.value.status == 503


def test_keys_are_cached_after_the_first_fetch(issuer: DevIssuer, verifier: ClerkVerifier) -> None:
    assert verifier.verify(request_with(issuer.mint("user_1", azp=APP))) == "user_1"
    issuer.stop()
    assert verifier.verify(request_with(issuer.mint("user_2", azp=APP))) == "user_2"


def test_the_key_is_generated_once_and_reused(tmp_path: Path) -> None:
    with DevIssuer(tmp_path / "fresh") as first:
        verifier = ClerkVerifier(first.issuer, first.jwks_url, (APP,))
        again = DevIssuer(tmp_path / "fresh")
        assert public_jwk(again.key)["kid"] == public_jwk(first.key)["kid"]
        offline = mint_from_key_dir(tmp_path / "fresh", first.issuer, "user_cli", azp=APP)
        assert verifier.verify(request_with(offline)) == "user_cli"
    assert oct((tmp_path / "fresh" / KEY_FILE).stat().st_mode & 0o777) == "0o600"


def test_minted_tokens_are_clerk_shaped(issuer: DevIssuer) -> None:
    token = issuer.mint("user_1", azp=APP, org_id="org_9")
    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert header["alg"] == "RS256" and header["kid"] == public_jwk(issuer.key)["kid"]
    assert claims["iss"] == issuer.issuer and claims["sid"].startswith("sess_")
    assert claims["azp"] == APP and claims["org_id"] == "org_9"
    assert claims["nbf"] <= claims["iat"] < claims["exp"]


def test_a_router_behind_flask_accepts_real_tokens(issuer: DevIssuer) -> None:
    """What functions-framework does: a Flask app hands its request to the router."""

    def whoami(call: Call) -> dict[str, str]:
        return {"owner": call.principal}

    router = Router(ClerkVerifier(issuer.issuer, issuer.jwks_url, (APP,)))
    router.add("GET", "/api/whoami", whoami)
    app = flask.Flask(__name__)
    app.add_url_rule("/<path:_>", "api", lambda _: router.dispatch(flask.request))
    client = app.test_client()
    token = issuer.mint("user_clerk", azp=APP)
    ok = client.get("/api/whoami", headers={"Authorization": f"Bearer {token}"})
    expired = issuer.mint("user_clerk", azp=APP, ttl=-60)
    late = client.get("/api/whoami", headers={"Authorization": f"Bearer {expired}"})
    assert ok.status_code == 200 and ok.get_json() == {"owner": "user_clerk"}
    assert late.status_code == 401 and late.get_json()["error"]["code"] == "token_expired"
    assert 'error="invalid_token"' in late.headers["WWW-Authenticate"]
