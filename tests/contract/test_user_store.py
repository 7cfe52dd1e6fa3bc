"""UserStore contract: the in-memory fake and the Firestore adapter (emulator) behave alike."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
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


def test_a_recorded_message_is_new_only_once(users: Store) -> None:
    assert users.record_message("msg_2abc") is True
    assert users.record_message("msg_2abc") is False
    assert users.record_message("msg_2abd") is True


def test_knowing_a_message_reads_only(users: Store) -> None:
    assert [users.knows_message("msg_2abc"), users.knows_message("msg_2abc")] == [False, False]
    users.record_message("msg_2abc")
    assert users.knows_message("msg_2abc") is True
    assert users.knows_message("msg_2abd") is False


def test_message_ids_with_slashes_are_remembered_too(users: Store) -> None:
    assert [users.record_message("a/b"), users.record_message("a/b")] == [True, False]
    assert users.knows_message("a/b") and not users.knows_message("a_b")
    assert users.record_message("a_b") is True


def test_revise_creates_updates_or_leaves_alone_as_the_revision_says(users: Store) -> None:
    seen: list[User | None] = []

    def keep(user: User | None) -> User | None:
        seen.append(user)
        return None

    assert users.revise(ALICE, keep) is False
    with pytest.raises(NotFound):
        users.get(ALICE)
    assert users.revise(ALICE, lambda user: alice()) is True
    assert users.revise(ALICE, keep) is False
    assert seen == [None, alice()]
    renamed = alice(name="Alice L.", updated_at=START + timedelta(minutes=1))
    assert users.revise(ALICE, lambda user: renamed) is True
    assert users.get(ALICE) == renamed


def test_concurrent_revisions_each_see_the_last_write(users: Store) -> None:
    users.upsert(alice(name="0"))
    barrier = threading.Barrier(8)

    def bump(user: User | None) -> User:
        assert user is not None and user.name is not None
        return user.model_copy(update={"name": str(int(user.name) + 1)})

    def revise(_: int) -> bool:
        barrier.wait()
        return users.revise(ALICE, bump)

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert all(pool.map(revise, range(8)))
    assert users.get(ALICE).name == "8"  # no revision was lost


def test_a_revision_racing_a_deletion_never_revives_the_user(users: Store) -> None:
    users.upsert(alice())
    barrier = threading.Barrier(8)

    def unless_deleted(n: int) -> Callable[[User | None], User | None]:
        def revision(user: User | None) -> User | None:
            if user is not None and user.status == "deleted":
                return None
            return alice(tier="creator", updated_at=START + timedelta(minutes=n))

        return revision

    def run(n: int) -> bool:
        barrier.wait()
        if n % 2:
            return users.mark_deleted(ALICE)
        return users.revise(ALICE, unless_deleted(n))

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(run, range(8)))
    assert users.get(ALICE).status == "deleted"


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
        return users.record_message("msg_raced")

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert sorted(pool.map(seen, range(8))) == [False] * 7 + [True]
