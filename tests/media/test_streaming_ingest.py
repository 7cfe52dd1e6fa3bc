"""Ingest never holds a whole source: a URL's bytes stream from the site into storage (no file
of them is written, memory stays a fraction of the source), the plan's size stops the stream
midway, and an upload is probed by a few ranged reads where it lies."""

from __future__ import annotations

import resource
import signal
import subprocess
import tracemalloc
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import google.cloud.storage as storage
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from klair.adapters.clock import SystemClock
from klair.adapters.ffmpeg_probe import FfprobeMediaProbe
from klair.adapters.gcs_blobs import GcsBlobs
from klair.adapters.gcs_signing import KeyFileSigner
from klair.adapters.local.blobs import LocalBlobs
from klair.adapters.local.bus import InProcessBus, InProcessTaskQueue
from klair.adapters.memory.store import MemoryJobStore
from klair.adapters.memory.usage import MemoryUsageLedger
from klair.adapters.memory.users import MemoryUserStore
from klair.adapters.site_access import SiteAccess
from klair.adapters.ytdlp_downloader import YtDlpDownloader
from klair.bootstrap import for_tests
from klair.cli.sample import make_sample_video
from klair.config import Settings
from klair.domain.events import ObjectFinalized, StartIngest
from klair.domain.ids import JobId, UserId
from klair.domain.job import Job, JobKind, JobOptions
from klair.domain.status import JobStatus
from klair.domain.tiers import DEFAULT_TIERS
from klair.domain.url_policy import UrlPolicy
from klair.handlers.api.submit_job import SubmitRequest, submit_local_file, submit_url
from klair.handlers.deps import Deps
from klair.handlers.pipeline.admit_upload import admit_upload
from klair.handlers.pipeline.ingest_source import ingest_source
from klair.handlers.steps.delivery import deliver
from klair.ports.storage import Blobs
from tests.contract.test_blobs import gcs_client, signing_key  # noqa: F401
from tests.media.range_server import counting_blobs
from tests.media.servers import MediaServer, media_server

pytestmark = pytest.mark.media
OWNER = UserId("user_streamer")
LOCAL = ["127.0.0.1"]


@pytest.fixture(scope="module")
def noise(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """150 s of video noise (≈ 50 MB, its index at the end as ffmpeg writes it by default)."""
    path = tmp_path_factory.mktemp("noise") / "noise.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi",
         "-i", "nullsrc=s=160x90:r=25:d=150,geq=lum='random(1)*255':cb=128:cr=128",
         "-f", "lavfi", "-i", "sine=f=440:d=150", "-c:v", "libx264", "-preset", "ultrafast",
         "-qp", "20", "-g", "50", "-c:a", "aac", "-b:a", "64k", "-shortest", str(path)],
        check=True,
    )  # fmt: skip
    return path


@pytest.fixture(scope="module")
def site(noise: Path) -> Iterator[MediaServer]:
    make_sample_video(noise.parent / "small.mp4", 2, width=160, height=90)
    with media_server(noise.parent) as server:
        yield server


def make_deps(blobs: Blobs, tmp_path: Path, **settings: object) -> Deps:
    bus = InProcessBus()
    return for_tests(
        settings=Settings(local_root=tmp_path, ssrf_allowed_hosts=LOCAL, **settings),  # type: ignore[arg-type]
        store=MemoryJobStore(),
        usage=MemoryUsageLedger(),
        blobs=blobs,
        bus=bus,
        tasks=InProcessTaskQueue(bus),
        clock=SystemClock(),
        probe=FfprobeMediaProbe(),
        downloader=YtDlpDownloader(
            UrlPolicy.from_settings(LOCAL), access=SiteAccess(socket_timeout=5)
        ),
        users=MemoryUserStore(),
    )


def ingest_url(deps: Deps, url: str) -> Job:
    request = SubmitRequest.model_validate({"url": url, "kind": JobKind.VIDEO})
    job_id = submit_url(deps, OWNER, request).job_id
    deliver(deps, ingest_source, StartIngest(job_id=job_id), "ingest")
    return deps.store.get(job_id)


@contextmanager
def no_file_over(limit: int) -> Iterator[None]:
    """No file this process (or its children) writes may grow past `limit` bytes: the kernel
    refuses the write (EFBIG) instead of the test having to watch for it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


@pytest.mark.emulator
def test_a_url_source_streams_into_storage_without_a_local_copy(
    noise: Path,
    site: MediaServer,
    tmp_path: Path,
    gcs_client: storage.Client,  # noqa: F811
    signing_key: tuple[Path, rsa.RSAPublicKey],  # noqa: F811
) -> None:
    bucket = f"stream-{uuid.uuid4().hex[:12]}"
    chunk = 2 * 1024 * 1024  # the resumable upload's chunk: what the writer holds at once
    blobs = GcsBlobs(
        bucket, lambda: gcs_client, KeyFileSigner(signing_key[0]), upload_chunk_bytes=chunk
    )
    blobs.ensure_bucket()
    deps = make_deps(blobs, tmp_path)
    size = noise.stat().st_size
    ingest_url(deps, site.url("files/small.mp4"))  # modules imported, clients made: measured once

    tracemalloc.start()
    try:
        with no_file_over(1024 * 1024):
            job = ingest_url(deps, site.url("files/noise.mp4"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert job.status is JobStatus.DOWNLOADING and job.error is None, job.error
    assert job.source_object == f"sources/{job.id}/source.mp4"
    assert blobs.read_bytes(job.source_object) == noise.read_bytes()
    assert blobs.list(f"work/{job.id}/") == []  # the staged download became the source
    assert job.media is not None and job.media.duration == pytest.approx(150, abs=0.1)
    print(f"source {size / 1e6:.1f} MB, peak Python memory {peak / 1e6:.1f} MB")
    assert peak < size / 4


def test_a_download_past_the_plans_size_stops_midway_and_leaves_nothing(
    noise: Path, site: MediaServer, tmp_path: Path
) -> None:
    """The site sends no length (chunked), so only the bytes themselves tell."""
    tiers = {"free": DEFAULT_TIERS["free"].model_copy(update={"max_source_bytes": 5_000_000})}
    blobs = LocalBlobs(tmp_path / "blobs")
    deps = make_deps(blobs, tmp_path, tiers=tiers)

    job = ingest_url(deps, site.url("stream/noise.mp4"))

    assert job.status is JobStatus.FAILED and job.error is not None
    assert (job.error.code, job.error.stage) == ("source_too_large", "ingest")
    assert blobs.list("") == []
    assert [p for p in (tmp_path / "blobs").rglob("*") if p.is_file()] == []


def test_an_upload_is_probed_by_a_few_ranged_reads_never_downloaded(
    noise: Path, tmp_path: Path
) -> None:
    finalized: list[ObjectFinalized] = []
    inner = LocalBlobs(tmp_path / "blobs", on_finalize=finalized.append)
    with counting_blobs(inner) as blobs:
        deps = make_deps(blobs, tmp_path)  # type: ignore[arg-type]  # a Blobs by delegation
        job_id: JobId = submit_local_file(deps, OWNER, noise, JobKind.VIDEO, JobOptions())
        assert admit_upload(deps, finalized[-1]) is True
        blobs.read = blobs.requests = 0

        assert deliver(deps, ingest_source, StartIngest(job_id=job_id), "ingest") is True

    job = deps.store.get(job_id)
    size = noise.stat().st_size
    assert job.media is not None and job.media.duration == pytest.approx(150, abs=0.1)
    assert job.source_object is not None
    assert inner.read_range(job.source_object, 0, size + 1) == noise.read_bytes()
    print(f"upload {size / 1e6:.1f} MB: probe read {blobs.read / 1e6:.2f} MB "
          f"in {blobs.requests} reads")  # fmt: skip
    assert blobs.read < size / 4
    assert blobs.requests <= 16
