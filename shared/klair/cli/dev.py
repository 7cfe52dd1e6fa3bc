"""`klair dev` and `klair token`: run the local stack until Ctrl-C with the developer's
settings over the dev defaults, and mint dev-issuer tokens the stack accepts."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Sequence
from datetime import UTC, datetime

import httpx
from rich.console import Console


class BadInput(Exception):
    """A flag, a tier or the stack's start-up is wrong: the message says how."""


def start(only: Sequence[str] | None, sweep_every: float, env: Sequence[str], out: Console) -> None:
    """Start the stack with `--env` pairs over the environment, print it, block until stopped."""
    from klair.devstack.console import run_forever
    from klair.devstack.process import StackError
    from klair.devstack.stack import LocalStack, StackOptions

    try:
        options = StackOptions(functions=only, extra_env=assignments(env))
        with LocalStack(options) as stack:
            ticker = sweeper_timer(stack.urls.functions.get("sweeper"), sweep_every)
            try:
                run_forever(stack, out)
            finally:
                ticker.set()
    except StackError as error:
        raise BadInput(str(error)) from error


def assignments(pairs: Sequence[str]) -> dict[str, str]:
    """`NAME=VALUE` flags as a mapping; a pair without `=` or a name is bad input."""
    found: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise BadInput(f"--env wants NAME=VALUE, got {pair!r}")
        found[name.strip()] = value
    return found


def sweeper_timer(url: str | None, period: float) -> threading.Event:
    """Cloud Scheduler's stand-in: POST the sweeper every `period` seconds until set."""
    stop = threading.Event()

    def tick() -> None:
        while url and period > 0 and not stop.wait(period):
            with contextlib.suppress(httpx.HTTPError):
                httpx.post(url, timeout=60)

    threading.Thread(target=tick, daemon=True, name="sweeper-timer").start()
    return stop


def mint(uid: str, tier: str | None, ttl: int, azp: str | None) -> str:
    """A dev-issuer token for `uid` whose azp the stack accepts (`--azp`, else the first of
    KLAIR_CLERK_AUTHORIZED_PARTIES, else the dev default); none when KLAIR_CLERK_ISSUER in
    this environment names another issuer, since the stack would refuse it."""
    from klair.devstack.dev_issuer import (
        DEV_AUTHORIZED_PARTY,
        ForeignIssuer,
        mint_from_key_dir,
        refuse_foreign,
    )
    from klair.devstack.environment import first_party
    from klair.devstack.stack import REPO_ROOT
    from klair.devstack.topology import load_topology

    topology = load_topology()
    issuer = f"http://{topology.emulators['issuer'].address}"
    try:
        refuse_foreign(issuer, os.environ.get("KLAIR_CLERK_ISSUER"))
    except ForeignIssuer as error:
        raise BadInput(str(error)) from error
    if tier is not None:
        store_tier(uid, tier, topology.emulators["firestore"].address, topology.project)
    party = azp or first_party(os.environ) or DEV_AUTHORIZED_PARTY
    return mint_from_key_dir(REPO_ROOT / ".devstack" / "keys", issuer, uid, azp=party, ttl=ttl)


def store_tier(uid: str, tier: str, firestore_address: str, project: str) -> None:
    """Upsert `users/{uid}` with `tier` in the local stack's Firestore emulator."""
    from google.cloud import firestore

    from klair.adapters.firestore.users import FirestoreUserStore
    from klair.config import Settings
    from klair.domain.errors import NotFound
    from klair.domain.ids import UserId
    from klair.domain.user import User

    if tier not in Settings().tiers:
        raise BadInput(f"unknown tier {tier!r}: one of {', '.join(Settings().tiers)}")
    os.environ.setdefault("FIRESTORE_EMULATOR_HOST", firestore_address)
    store = FirestoreUserStore(firestore.Client(project=project))
    now = datetime.now(UTC)
    try:
        found = store.get(UserId(uid)).model_copy(update={"tier": tier, "updated_at": now})
    except NotFound:
        found = User(id=UserId(uid), tier=tier, created_at=now, updated_at=now)
    except Exception as error:  # the emulator is not running: say so instead of a traceback
        raise BadInput(f"cannot reach Firestore at {firestore_address}: {error}") from error
    store.upsert(found)
