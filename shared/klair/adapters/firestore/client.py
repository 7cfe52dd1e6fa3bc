"""The Firestore client made on first use (no network at import or wiring) and the retry of
transactions that lost a write conflict."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from google.api_core import exceptions as gexc
from google.cloud import firestore
from google.cloud.firestore_v1._helpers import WriteOption
from google.cloud.firestore_v1.base_document import DocumentSnapshot
from google.cloud.firestore_v1.document import DocumentReference

from klair.domain.errors import Transient

T = TypeVar("T")


ClientSource = firestore.Client | Callable[[], firestore.Client]


Snapshot = DocumentSnapshot[DocumentReference]


class LazyClient:
    """A Firestore client made on first use, so importing or wiring costs no network."""

    def __init__(self, source: ClientSource) -> None:
        self._source = source
        self._client: firestore.Client | None = None
        self._lock = threading.Lock()

    def __call__(self) -> firestore.Client:
        with self._lock:
            if self._client is None:
                source = self._source
                self._client = source if isinstance(source, firestore.Client) else source()
            return self._client

    def unchanged_since(self, snap: Snapshot) -> WriteOption:
        """Write option: fail the write if the document changed after `snap` was read."""
        return self().write_option(last_update_time=snap.update_time)


def retry_conflicts(attempt: Callable[[], T], attempts: int = 60) -> T:
    """Run a read-then-conditional-write `attempt` until its preconditions hold.

    This is the optimistic compare-and-set every change here uses: read the documents, then
    commit one atomic batch whose writes carry preconditions (`update_time` unchanged, marker
    not yet existing). It guarantees what a transaction would, without the emulator's
    pessimistic locks, under which contending transactions wait on each other until a 2 s
    lock timeout on every collision (20 writers on one document took minutes).
    """
    for n in range(attempts):
        try:
            return attempt()
        except _CONFLICTS:
            # Jittered backoff spreads contending writers apart; not cryptographic.
            time.sleep(random.uniform(0, min(0.2, 0.002 * 2**n)))  # noqa: S311
    raise Transient("too much write contention on one document; try again")


_CONFLICTS = (gexc.FailedPrecondition, gexc.AlreadyExists, gexc.Aborted)
