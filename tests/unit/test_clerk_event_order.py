"""Clerk events apply once and in order: a replayed message id, an event as old as the stored
user and any delivery order leave the newest state; a failure before the id is recorded is
finished by Svix's retry; the deleted user's next request is refused at once."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from werkzeug.test import EnvironBuilder

from klair.adapters.memory.users import MemoryUserStore
from klair.adapters.revocations import LocalRevocations
from klair.config import Settings
from klair.domain.errors import Transient, Unauthorized
from klair.domain.ids import UserId
from klair.domain.user import User
from klair.http.active_users import CACHE_SECONDS, ActiveUserVerifier
from klair.http.webhook_routes import build_webhooks
from tests.unit.test_clerk_webhook import SECRET, UID, Clerk, ManualClock, answer, event, make_deps

T0 = 1654012591835  # ms, the recorded user.created's updated_at
SEEN = "msg_created"


def fresh(users: MemoryUserStore | None = None) -> Clerk:
    settings = Settings(clerk_webhook_secret=SECRET)
    deps = make_deps(settings)
    if users is not None:
        deps = replace(deps, users=users)
    return Clerk(build_webhooks(lambda: deps, settings), deps)


def created(tier: str = "pro", at: int | None = T0) -> dict[str, Any]:
    return event("user.created", public_metadata={"tier": tier}, updated_at=at)


def updated(tier: str, at: int | None) -> dict[str, Any]:
    return event("user.updated", public_metadata={"tier": tier}, updated_at=at)


def test_a_replayed_message_is_not_applied_again_even_without_a_timestamp() -> None:
    # Without `updated_at` an event counts as "now": only its message id tells a replay.
    clerk = fresh()
    clock = clerk.deps.clock
    assert isinstance(clock, ManualClock)
    clerk.post(created(at=None), msg_id=SEEN)
    clock.at += timedelta(minutes=1)
    clerk.post(updated("creator", at=None))
    clock.at += timedelta(minutes=1)
    replay = clerk.post(created(at=None), msg_id=SEEN)
    assert replay.status_code == 200
    assert answer(replay) == {"type": "user.created", "outcome": "unchanged", "duplicate": True}
    assert clerk.user().tier == "creator"


def test_an_event_as_old_as_the_stored_user_changes_nothing() -> None:
    clerk = fresh()
    clerk.post(created("pro", at=T0))
    same_stamp = clerk.post(updated("creator", at=T0))
    assert answer(same_stamp) == {"type": "user.updated", "outcome": "unchanged",
                                  "duplicate": False}  # fmt: skip
    assert clerk.user().tier == "pro"


def test_replaying_the_creation_after_an_update_keeps_the_update() -> None:
    clerk = fresh()
    clerk.post(created("pro"), msg_id=SEEN)
    clerk.post(updated("creator", at=T0 + 1000))
    assert answer(clerk.post(created("pro"), msg_id=SEEN))["duplicate"] is True
    assert answer(clerk.post(created("pro")))["outcome"] == "unchanged"  # a new id, old state
    assert clerk.user().tier == "creator"


EVENTS = [
    ("msg_1", created("pro", at=T0)),
    ("msg_2", updated("creator", at=T0 + 1000)),
    ("msg_3", updated("enterprise", at=T0 + 2000)),
]


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_any_delivery_order_ends_on_the_newest_state(order: tuple[int, ...]) -> None:
    clerk = fresh()
    for n in (*order, *order):  # every message twice: the second round is replays
        assert clerk.post(EVENTS[n][1], msg_id=EVENTS[n][0]).status_code == 200
    user = clerk.user()
    assert (user.tier, user.updated_at.timestamp()) == ("enterprise", (T0 + 2000) / 1000)


@pytest.mark.parametrize("position", range(4))
def test_a_deletion_wins_wherever_it_arrives(position: int) -> None:
    clerk = fresh()
    sequence = [body for _, body in EVENTS]
    sequence.insert(position, event("user.deleted"))
    for body in sequence:
        clerk.post(body)
    assert clerk.user().status == "deleted"


class FailsOnce(MemoryUserStore):
    """A store whose first compare-and-write fails as a Firestore timeout would."""

    failed = False

    def revise(self, uid: UserId, revision: Callable[[User | None], User | None]) -> bool:
        if not self.failed:
            self.failed = True
            raise Transient("firestore timed out")
        return super().revise(uid, revision)


def test_a_failure_before_the_id_is_recorded_is_finished_by_the_retry() -> None:
    clerk = fresh(FailsOnce())
    first = clerk.post(created("pro"), msg_id=SEEN)
    assert first.status_code == 503
    retry = clerk.post(created("pro"), msg_id=SEEN)
    assert answer(retry) == {"type": "user.created", "outcome": "applied", "duplicate": False}
    assert clerk.user().tier == "pro"


class Fixed:
    def verify(self, request: Any, access: str = "session") -> UserId:
        return UID


def test_the_deleted_users_next_request_is_refused_though_their_state_is_cached() -> None:
    clerk = fresh()
    deps = clerk.deps
    verifier = ActiveUserVerifier(Fixed(), lambda: deps.users, lambda: deps.revocations)
    request = EnvironBuilder().get_request()
    clerk.post(created("pro"))
    assert verifier.verify(request) == UID  # active: kept for CACHE_SECONDS
    clerk.post(event("user.deleted"))
    with pytest.raises(Unauthorized) as refused:
        verifier.verify(request)
    assert refused.value.code == "user_deleted"


def test_another_instance_refuses_the_deleted_user_within_the_cache_age() -> None:
    clerk = fresh()
    deps = clerk.deps
    now = [0.0]
    elsewhere = LocalRevocations()  # another process: the deletion did not run there
    other = ActiveUserVerifier(Fixed(), lambda: deps.users, lambda: elsewhere, clock=lambda: now[0])
    request = EnvironBuilder().get_request()
    clerk.post(created("pro"))
    assert other.verify(request) == UID
    clerk.post(event("user.deleted"))
    now[0] = CACHE_SECONDS
    with pytest.raises(Unauthorized):
        other.verify(request)
