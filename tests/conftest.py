"""Shared fixtures: one emulator stack per test session, reset between tests that ask."""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from klair.devstack import emulators as emu
from klair.devstack.process import free_port
from klair.devstack.stack import LocalStack, StackOptions
from klair.devstack.topology import load_topology

PROJECT = "demo-klair"

# Stand-ins for public video sites in tests that submit a URL but never fetch it. Nothing
# resolves here, and a submit judges the host's DNS answers (SSRF at the door), so the unit
# and contract tests' Settings trust them (`source_hosts_trusted`), as the local stack trusts
# its own hosts; every other host, including the SSRF tests' attack forms, is judged in full.
TEST_SOURCE_HOSTS = (
    "videos.example", "videos.example.com", "v.example", "m.example", "media.example",
)  # fmt: skip


def trust_source_hosts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KLAIR_SSRF_ALLOWED_HOSTS", json.dumps(TEST_SOURCE_HOSTS))


@contextmanager
def served_folder(folder: Path) -> Iterator[str]:
    """`folder` over HTTP on a free loopback port (a stand-in video site: the local stack
    trusts 127.0.0.1): its base URL, without a trailing slash."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def local_stack(
    emulators: emu.Emulators,
    tmp_path_factory: pytest.TempPathFactory,
    functions: Sequence[str],
    **options: Any,
) -> LocalStack:
    """`functions` on the session's emulators, on free ports, in a folder of their own;
    `options`: any other `StackOptions` field (extra_env, delivery_urls, ports)."""
    return LocalStack(
        StackOptions(
            free_ports=True,
            emulators=emulators,
            functions=functions,
            workdir=tmp_path_factory.mktemp("devstack"),
            **options,
        )
    )


@pytest.fixture(scope="session")
def topology():  # type: ignore[no-untyped-def]
    return load_topology()


@pytest.fixture(scope="session")
def emulator_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[emu.Emulators]:
    """Firestore + Pub/Sub emulators and fake-gcs-server on free ports, for the session.

    If KLAIR_TEST_REUSE_EMULATORS=1 and the *_EMULATOR_HOST variables are set, those are used
    instead (handy while developing: start them once with `klair dev --only emulators`).
    """
    if os.environ.get("KLAIR_TEST_REUSE_EMULATORS") == "1":
        yield emu.Emulators(
            firestore=os.environ["FIRESTORE_EMULATOR_HOST"],
            pubsub=os.environ["PUBSUB_EMULATOR_HOST"],
            gcs=os.environ["STORAGE_EMULATOR_HOST"],
            project=PROJECT,
        )
        return
    if shutil.which("gcloud") is None or shutil.which("java") is None:
        pytest.fail("gcloud and java are required for emulator tests (see README)")
    ports = {"firestore": free_port(), "pubsub": free_port(), "gcs": free_port()}
    workdir = tmp_path_factory.mktemp("emulators")
    with emu.running(PROJECT, ports, workdir, gcs_topic="gcs-events") as stack:
        saved = {k: os.environ.get(k) for k in stack.env()}
        os.environ.update(stack.env())
        try:
            yield stack
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


@pytest.fixture
def firestore_emulator(emulator_stack: emu.Emulators) -> emu.Emulators:
    """The emulator stack with Firestore emptied before the test."""
    emu.reset_firestore(emulator_stack.firestore, emulator_stack.project)
    return emulator_stack


@pytest.fixture
def media_dir(tmp_path: Path) -> Path:
    path = tmp_path / "media"
    path.mkdir()
    return path
