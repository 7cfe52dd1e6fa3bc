"""The bad media matrix (issue 12) on the emulator stack. Every input goes the way a user's
would — a signed upload and the bucket's finalize, or a URL — through admission, the tier
queue, ingest and the transcode (real functions, real ffmpeg), all at once. Each must end
`failed` with its own code and a sentence in `GET /api/klair/status`, the reservation
refunded once (nothing charged, nothing held, the slot free), and no object left under the
job's prefixes: no partial clips, no proxy or chunk outputs to mistake for results."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from google.auth.credentials import AnonymousCredentials
from google.cloud import firestore
from google.cloud.storage import Client as StorageClient

from klair.adapters.firestore.users import FirestoreUserStore
from klair.devstack import emulators as emu
from klair.devstack.clients import api_client
from klair.devstack.stack import LocalStack
from klair.domain import naming
from klair.domain.ids import JobId, UserId
from klair.domain.user import User
from tests.conftest import local_stack
from tests.reliability.bad_media import CASES, Case, Site, serving

pytestmark = [pytest.mark.e2e, pytest.mark.emulator, pytest.mark.media]

FUNCTIONS = ("api", "ingest", "admit", "transcode", "analyze")  # analyze: segments' transcode
OPTIONS = {"clip_count": 1, "min_clip_seconds": 3, "max_clip_seconds": 5}
ENDED = {"failed", "completed", "cancelled"}
# Past the transcode: a job there was let through (this stack stops after analysis, whose
# chunks transcode their own segments).
LET_THROUGH = {"selecting", "exporting"}
DEADLINE = 180.0  # seconds for the whole matrix; the wait ends as soon as all have ended


@dataclass
class Outcome:
    case: Case
    job_id: str
    status: dict[str, Any]  # GET /api/klair/status/{job}
    usage: dict[str, Any]  # GET /api/klair/user/usage
    reservation: dict[str, Any]  # usage_reservations/{job}
    active: list[str]  # usage_active/{owner}: jobs holding a slot
    objects: list[str]  # everything left under sources/, work/ and clips/ of the job


class World:
    """The stack, and the test's own view of what it stored (not Klair's code)."""

    def __init__(self, stack: LocalStack, page: str, site: Site) -> None:
        self.stack, self.page, self.site = stack, page, site
        project = stack.emulators.project
        self.db = firestore.Client(project=project)
        anonymous = AnonymousCredentials()  # type: ignore[no-untyped-call]
        gcs = StorageClient(
            project, anonymous, client_options={"api_endpoint": stack.emulators.gcs}
        )
        self.bucket = gcs.bucket(stack.options.topology.bucket)
        self.users = FirestoreUserStore(self.db)

    def client(self, owner: str, tier: str) -> httpx.Client:
        now = datetime.now(UTC)
        self.users.upsert(User(id=UserId(owner), tier=tier, created_at=now, updated_at=now))
        return api_client(self.stack, owner)

    def job(self, job_id: str) -> dict[str, Any]:
        return self.db.collection("jobs").document(job_id).get().to_dict() or {}

    def reservation(self, job_id: str) -> dict[str, Any]:
        return self.db.collection("usage_reservations").document(job_id).get().to_dict() or {}

    def active(self, owner: str) -> list[str]:
        data = self.db.collection("usage_active").document(owner).get().to_dict() or {}
        return [str(job) for job in data.get("jobs", [])]

    def objects(self, job_id: str) -> list[str]:
        prefixes = naming.job_prefixes(JobId(job_id))
        return [b.name for p in prefixes for b in self.bucket.list_blobs(prefix=p)]


def _submit(world: World, api: httpx.Client, case: Case, path: Path | None) -> str:
    if path is None:
        body = {"url": world.page, "kind": case.kind, "options": OPTIONS}
        accepted = api.post("/api/klair/analyze", json=body)
        assert accepted.status_code == 202, accepted.text
        return str(accepted.json()["job_id"])
    request = {
        "filename": case.filename,
        "size_bytes": max(1, path.stat().st_size),
        "content_type": case.content_type,
        "kind": case.kind,
        "options": OPTIONS,
    }
    ticket = api.post("/api/upload-url", json=request)
    assert ticket.status_code == 201, ticket.text
    body = ticket.json()
    put = httpx.put(
        body["upload_url"], content=path.read_bytes(), headers=body["upload_headers"], timeout=60
    )
    assert put.status_code == 200, put.text
    return str(body["job_id"])


def _until(check: Callable[[], bool], deadline: float) -> None:
    """Poll `check()` until it holds or the deadline (monotonic) passes."""
    while not check() and time.monotonic() < deadline:
        time.sleep(0.5)


def _run(world: World, index: int, case: Case, path: Path | None, deadline: float) -> Outcome:
    """One case from submit to its settled end: ended, then refunded and cleaned up."""
    owner = f"user_badmedia_{index:02d}"
    with world.client(owner, case.tier) as api:
        job_id = _submit(world, api, case, path)
        _until(lambda: world.job(job_id).get("status") in ENDED | LET_THROUGH, deadline)
        if world.job(job_id).get("status") == "failed":  # refund and cleanup follow the CAS
            _until(
                lambda: (
                    world.reservation(job_id).get("state") != "reserved"
                    and not world.active(owner)
                    and not world.objects(job_id)
                ),
                min(deadline, time.monotonic() + 30),
            )
        return Outcome(
            case=case,
            job_id=job_id,
            status=api.get(f"/api/klair/status/{job_id}").json(),
            usage=api.get("/api/klair/user/usage").json(),
            reservation=world.reservation(job_id),
            active=world.active(owner),
            objects=world.objects(job_id),
        )


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Future[Path]]]:
    """Every upload, made with ffmpeg in the background while the stack starts."""
    folder = tmp_path_factory.mktemp("bad-media")
    with ThreadPoolExecutor(max_workers=2) as pool:
        yield {
            case.name: pool.submit(case.make, folder / f"{i:02d}-{case.filename}")
            for i, case in enumerate(CASES)
            if case.make is not None
        }


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, str]]:
    page = Site(tmp_path_factory.mktemp("site"))
    with serving(page) as url:
        yield page, url


@pytest.fixture(scope="module")
def outcomes(
    inputs: dict[str, Future[Path]],
    site: tuple[Site, str],
    emulator_stack: emu.Emulators,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, Outcome]]:
    """The whole matrix, every case at once on one stack."""
    with local_stack(emulator_stack, tmp_path_factory, FUNCTIONS) as stack:
        world = World(stack, site[1], site[0])
        paths = {name: future.result() for name, future in inputs.items()}
        deadline = time.monotonic() + DEADLINE
        with ThreadPoolExecutor(max_workers=len(CASES)) as pool:
            running = [
                pool.submit(_run, world, i, case, paths.get(case.name), deadline)
                for i, case in enumerate(CASES)
            ]
            yield {future.result().case.name: future.result() for future in running}


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_media_fails_with_its_own_code_refunded_and_clean(
    outcomes: dict[str, Outcome], case: Case
) -> None:
    found = outcomes[case.name]
    status = found.status
    assert status["status"] == "failed", status
    assert status["error"]["code"] == case.code, status["error"]
    assert status["error"]["stage"] == case.stage, status["error"]
    assert len(status["error"]["message"]) > 20, status["error"]
    assert found.reservation.get("state") == "refunded", found.reservation
    assert found.usage["minutes_used"] == 0 and found.usage["minutes_reserved"] == 0, found.usage
    assert found.usage["jobs"] == 1, found.usage  # admitted once, charged never
    assert found.active == [], "the job still holds its plan's slot"
    assert found.objects == [], "objects left behind"


def test_a_url_claiming_ten_hours_is_refused_before_its_video_is_fetched(
    outcomes: dict[str, Outcome], site: tuple[Site, str]
) -> None:
    [case] = [case for case in CASES if case.make is None]
    assert outcomes[case.name].status["error"]["code"] == "source_too_long"
    assert Site.PAGE in site[0].requested
    assert Site.MEDIA not in site[0].requested


def test_every_row_of_the_matrix_has_a_code_of_its_own(
    outcomes: dict[str, Outcome], capsys: pytest.CaptureFixture[str]
) -> None:
    """Rows are the issue's cases; variants of one case (text or HTML, three polyglots, a
    lying header or lying metadata) share its code, and no two cases share one."""
    codes = {found.status["error"]["code"] for found in outcomes.values()}
    assert len(codes) == 9
    with capsys.disabled():
        print("\n\nbad media matrix:")
        for found in outcomes.values():
            error = found.status["error"]
            print(
                f"  {found.case.name:34} {error['code']:20} {error['stage']:10} {error['message']}"
            )
