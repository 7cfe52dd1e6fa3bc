"""Forged and broken Clerk session tokens: every one must be refused with a 401."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization

from klair.devstack.dev_issuer import DevIssuer, public_jwk

APP = "http://localhost:3000"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims(issuer: DevIssuer, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {"iss": issuer.issuer, "sub": "user_alice", "azp": APP, "iat": now, "nbf": now - 5}
    return {**base, "exp": now + 600, **overrides}


def _hs256_with_public_key(issuer: DevIssuer) -> str:
    pem = issuer.key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = {"alg": "HS256", "typ": "JWT", "kid": public_jwk(issuer.key)["kid"]}
    signing_input = (
        f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims(issuer)).encode())}"
    )
    signature = hmac.new(pem, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def _tampered(issuer: DevIssuer) -> str:
    header, _, signature = issuer.mint("user_bob", azp=APP).split(".")
    forged = _b64(json.dumps(claims(issuer, sub="user_alice")).encode())
    return f"{header}.{forged}.{signature}"


ATTACKS: dict[str, Callable[[DevIssuer], str | None]] = {
    "missing_bearer": lambda issuer: None,
    "alg_none": lambda issuer: jwt.encode(claims(issuer), key="", algorithm="none"),
    "hs256_with_public_key": _hs256_with_public_key,
    "expired": lambda issuer: issuer.mint("user_alice", azp=APP, ttl=-120),
    "not_yet_valid": lambda issuer: issuer.mint("user_alice", azp=APP, nbf=int(time.time()) + 600),
    "wrong_issuer": lambda issuer: issuer.mint("user_alice", azp=APP, iss="https://evil.example"),
    "wrong_azp": lambda issuer: issuer.mint("user_alice", azp="https://evil.example"),
    "unknown_kid": lambda issuer: jwt.encode(
        claims(issuer), issuer.key, algorithm="RS256", headers={"kid": "kid_unknown"}
    ),
    "tampered_payload": _tampered,
}


def auth_headers(token: str | None) -> dict[str, str]:
    return {} if token is None else {"Authorization": f"Bearer {token}"}
