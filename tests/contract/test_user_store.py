"""UserStore contract: the in-memory fake and the Firestore adapter (emulator) behave alike."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from klair.adapters.firestore.users import FirestoreUserStore
from klair.adapters.memory.users import MemoryUserStore
from klair.domain.errors import NotFound
from klair.domain.ids import UserId
from klair.domain.user import User
from tests.contract.step_clock import START, StepClock

Store = MemoryUserStore | FirestoreUserStore
ALICE = UserId("user_2alice")


@pytest.fixture(params=["memory", pytest.param("firestore", marks=pytest.mark.emulator)])
def users(request: pytest.FixtureRequest) -> Iterator[Store]:
    if request.param == "memory":
        yield MemoryUserStore(clock=StepClock())
        return
    client = request.getfixturevalue("firestore_client")
    yield FirestoreUserStore(lambda: client, clock=StepClock())


def alice(**fields: object) -> User:
    data = {
        "id": ALICE, "email": "alice@example.com", "name": "Alice Liddell", "tier": "pro",
        "created_at": START, "updated_at": START, **fields,
    }  # fmt: skip
    return User.model_validate(data)


def test_upserted_user_reads_back_equal(users: Store) -> None:
    users.upsert(alice())
    assert users.get(ALICE) == alice()


def test_unknown_user_is_not_found(users: Store) -> None:
    with pytest.raises(NotFound):
        users.get(UserId("user_nobody"))


def test_upsert_replaces_the_users_fields(users: Store) -> None:
    users.upsert(alice())
    later = alice(email="a@wonderland.example", name=None, tier="creator",
                  updated_at=START + timedelta(hours=1))  # fmt: skip
    users.upsert(later)
    assert users.get(ALICE) == later


def test_mark_deleted_keeps_the_account_but_forgets_email_and_name(users: Store) -> None:
    users.upsert(alice())
    assert users.mark_deleted(ALICE) is True
    gone = users.get(ALICE)
    assert (gone.status, gone.email, gone.name, gone.tier) == ("deleted", None, None, "pro")
    assert gone.created_at == START and gone.updated_at > START


def test_mark_deleted_is_true_only_the_first_time(users: Store) -> None:
    users.upsert(alice())
    assert [users.mark_deleted(ALICE), users.mark_deleted(ALICE)] == [True, False]
    assert users.get(ALICE).status == "deleted"


def test_deleting_an_unknown_user_leaves_a_tombstone(users: Store) -> None:
    ghost = UserId("user_never_seen")
    assert users.mark_deleted(ghost) is True
    assert users.mark_deleted(ghost) is False
    stored = users.get(ghost)
    assert (stored.status, stored.email, stored.tier) == ("deleted", None, "free")


def test_seen_message_is_new_only_once(users: Store) -> None:
    assert users.seen_message("msg_2abc") is True
    assert users.seen_message("msg_2abc") is False
    assert users.seen_message("msg_2abd") is True


def test_message_ids_with_slashes_are_remembered_too(users: Store) -> None:
    assert [users.seen_message("a/b"), users.seen_message("a/b")] == [True, False]
    assert users.seen_message("a_b") is True


def test_concurrent_deletes_have_exactly_one_winner(users: Store) -> None:
    users.upsert(alice())
    barrier = threading.Barrier(8)

    def delete(_: int) -> bool:
        barrier.wait()
        return users.mark_deleted(ALICE)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = sorted(pool.map(delete, range(8)))
    assert results == [False] * 7 + [True]
    assert users.get(ALICE).status == "deleted"


def test_concurrent_replays_of_one_message_have_exactly_one_winner(users: Store) -> None:
    barrier = threading.Barrier(8)

    def seen(_: int) -> bool:
        barrier.wait()
        return users.seen_message("msg_raced")

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert sorted(pool.map(seen, range(8))) == [False] * 7 + [True]
