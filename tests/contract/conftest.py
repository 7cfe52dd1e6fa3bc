"""Fixtures shared by the contract suites: a Firestore emulator client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from google.cloud import firestore

from klair.devstack import emulators as emu


@pytest.fixture
def firestore_client(firestore_emulator: emu.Emulators) -> Iterator[firestore.Client]:
    """A client of the (freshly emptied) Firestore emulator, closed after the test."""
    client = firestore.Client(project=firestore_emulator.project)
    yield client
    client.close()  # type: ignore[no-untyped-call]  # untyped in google-cloud-firestore
