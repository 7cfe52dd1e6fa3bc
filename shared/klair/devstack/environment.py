"""The settings the local stack's children run with, decided by one rule for every one of
them: a `klair dev --env` flag, else the developer's environment, else the dev default.

So a developer can point the stack at a real Clerk development instance (its issuer, JWKS
and authorised parties), trust other hosts, or route tasks through a proxy, without the
stack quietly putting its own value back. The emulators' addresses are not settings: they
are where the emulators this stack started listen (`emulators.Emulators.env`), and the
stack itself runs in the project and bucket the rule chose.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from klair.devstack.dev_issuer import DEV_AUTHORIZED_PARTY


@dataclass(frozen=True)
class DevWiring:
    """What the stack knows once it has started its pieces: the defaults' ingredients."""

    host: str
    project: str
    bucket: str
    dispatcher_url: str
    signing_key_file: str
    signer_email: str
    issuer: str
    jwks_url: str
    function_urls: Mapping[str, str]  # the functions' delivery URLs, by name (ingest, notify, api)


def dev_defaults(wiring: DevWiring) -> dict[str, str]:
    """Every setting the stack gives its children, at its dev value."""
    defaults = {
        "KLAIR_MODE": "emulator",
        "KLAIR_PROJECT": wiring.project,
        "KLAIR_BUCKET": wiring.bucket,
        "KLAIR_DISPATCHER_URL": wiring.dispatcher_url,
        "KLAIR_SIGNING_KEY_FILE": wiring.signing_key_file,
        "KLAIR_SIGNER_EMAIL": wiring.signer_email,
        "KLAIR_CLERK_ISSUER": wiring.issuer,
        "KLAIR_CLERK_JWKS_URL": wiring.jwks_url,
        "KLAIR_CLERK_AUTHORIZED_PARTIES": json.dumps([DEV_AUTHORIZED_PARTY]),
        "KLAIR_SSRF_ALLOWED_HOSTS": json.dumps([wiring.host, "localhost"]),
    }
    for name in ("ingest", "notify", "api"):
        if name in wiring.function_urls:
            defaults[f"KLAIR_{name.upper()}_URL"] = wiring.function_urls[name].rstrip("/") + "/"
    return defaults


def setting(name: str, default: str, environ: Mapping[str, str], flags: Mapping[str, str]) -> str:
    """The rule for one setting: the flag, else the environment (when not empty), else the
    default."""
    if name in flags:
        return flags[name]
    return environ.get(name) or default


def children_env(
    defaults: Mapping[str, str], environ: Mapping[str, str], flags: Mapping[str, str]
) -> dict[str, str]:
    """The rule for every setting of `defaults`, plus the flags that set anything else."""
    chosen = {name: setting(name, value, environ, flags) for name, value in defaults.items()}
    return {**chosen, **flags}


def not_defaults(defaults: Mapping[str, str], env: Mapping[str, str]) -> dict[str, str]:
    """The settings of `env` whose value is not the dev default (the developer's own)."""
    return {name: value for name, value in env.items() if defaults.get(name) != value}


def first_party(env: Mapping[str, str]) -> str | None:
    """The first accepted azp of `env` (a JSON list, as pydantic-settings reads it)."""
    try:
        parties = json.loads(env.get("KLAIR_CLERK_AUTHORIZED_PARTIES") or "[]")
    except json.JSONDecodeError:
        return None
    if isinstance(parties, list) and parties and isinstance(parties[0], str):
        return parties[0]
    return None
