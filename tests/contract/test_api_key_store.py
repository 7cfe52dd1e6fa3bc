"""ApiKeyStore contract: the in-memory fake and the Firestore adapter (emulator) behave alike."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from klair.adapters.firestore.api_keys import FirestoreApiKeyStore
from klair.adapters.memory.api_keys import MemoryApiKeyStore
from klair.domain.api_keys import ApiKey, Scope, new_key
from klair.domain.errors import Conflict
from klair.domain.ids import UserId
from tests.contract.step_clock import START

Store = MemoryApiKeyStore | FirestoreApiKeyStore
ALICE, BOB = UserId("user_alice_keys"), UserId("user_bob_keys")


@pytest.fixture(params=["memory", pytest.param("firestore", marks=pytest.mark.emulator)])
def keys(request: pytest.FixtureRequest) -> Iterator[Store]:
    if request.param == "memory":
        yield MemoryApiKeyStore()
        return
    client = request.getfixturevalue("firestore_client")
    yield FirestoreApiKeyStore(lambda: client)


def make(owner: UserId = ALICE, n: int = 0, scopes: tuple[Scope, ...] = ("read",)) -> ApiKey:
    key, _ = new_key(owner, f"key {n}", scopes, START + timedelta(seconds=n))
    return key


def test_an_added_key_reads_back_equal(keys: Store) -> None:
    key = make(scopes=("read", "write"))
    keys.add(key, limit=20)
    assert keys.get(key.id) == key
    assert keys.get("key_unknown") is None


def test_the_owners_keys_are_listed_newest_first_and_nobody_elses(keys: Store) -> None:
    first, second, bobs = make(n=1), make(n=2), make(BOB, n=3)
    for key in (first, second, bobs):
        keys.add(key, limit=20)
    assert keys.list_keys(ALICE) == [second, first]
    assert keys.list_keys(UserId("user_nobody")) == []


def test_the_limit_counts_active_keys_only(keys: Store) -> None:
    first, second = make(n=1), make(n=2)
    keys.add(first, limit=2)
    keys.add(second, limit=2)
    with pytest.raises(Conflict) as refused:
        keys.add(make(n=3), limit=2)
    assert (refused.value.code, refused.value.details) == ("too_many_api_keys", {"limit": 2})
    keys.add(make(BOB, n=4), limit=2)  # another owner's count is their own
    keys.revoke(ALICE, first.id, START + timedelta(hours=1))
    keys.add(make(n=5), limit=2)
    assert len(keys.list_keys(ALICE)) == 3  # the refused key was never stored


def test_concurrent_adds_never_pass_the_limit(keys: Store) -> None:
    barrier, limit = threading.Barrier(8), 3

    def add(n: int) -> bool:
        barrier.wait()
        try:
            keys.add(make(n=n), limit=limit)
        except Conflict:
            return False
        return True

    with ThreadPoolExecutor(max_workers=8) as pool:
        added = sum(pool.map(add, range(8)))
    assert added == limit == len(keys.list_keys(ALICE))


def test_revoking_marks_the_key_once_and_only_for_its_owner(keys: Store) -> None:
    key = make()
    keys.add(key, limit=20)
    at = START + timedelta(hours=1)
    assert keys.revoke(BOB, key.id, at) is None
    assert keys.revoke(ALICE, "key_unknown", at) is None
    revoked = keys.revoke(ALICE, key.id, at)
    assert revoked is not None and revoked.revoked_at == at and not revoked.active
    again = keys.revoke(ALICE, key.id, at + timedelta(hours=1))
    assert again == revoked == keys.get(key.id)


def test_a_recorded_use_is_kept_and_a_gone_key_ignores_it(keys: Store) -> None:
    key = make()
    keys.add(key, limit=20)
    at = START + timedelta(minutes=5)
    keys.record_use(key.id, at)
    stored = keys.get(key.id)
    assert stored is not None and stored.last_used_at == at
    keys.record_use("key_unknown", at)
    assert keys.get("key_unknown") is None


def test_deleting_the_owner_deletes_every_key_and_frees_the_limit(keys: Store) -> None:
    mine, bobs = [make(n=n) for n in range(3)], make(BOB, n=9)
    for key in (*mine, bobs):
        keys.add(key, limit=3)
    keys.revoke(ALICE, mine[0].id, START + timedelta(hours=1))
    assert keys.delete_owner(ALICE) == 3
    assert keys.delete_owner(ALICE) == 0
    assert keys.list_keys(ALICE) == [] and all(keys.get(k.id) is None for k in mine)
    assert keys.list_keys(BOB) == [bobs]
    for n in range(3):  # a user id used again starts from nothing
        keys.add(make(n=10 + n), limit=3)
