"""Ingest, admit and transcode handlers on fakes (memory store, filesystem blobs) with real
ffprobe/ffmpeg: progress, cancellation, limits, retries and the chunk plan a user ends with."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from klair.adapters.ffmpeg_probe import FfprobeMediaProbe
from klair.adapters.ffmpeg_render import FfmpegClipRenderer
from klair.adapters.ffmpeg_transcode import FfmpegTranscoder
from klair.adapters.local.blobs import LocalBlobs
from klair.adapters.local.bus import InProcessBus, InProcessTaskQueue
from klair.adapters.memory.store import MemoryJobStore
from klair.adapters.memory.usage import MemoryUsageLedger
from klair.adapters.memory.users import MemoryUserStore
from klair.adapters.signals_analyzer import SignalsAnalyzer
from klair.bootstrap import for_tests
from klair.cli.sample import make_sample_video
from klair.config import Settings
from klair.domain.events import ChunkReady, Message, ObjectFinalized, StartIngest
from klair.domain.ids import JobId, UserId
from klair.domain.job import JobKind, JobOptions
from klair.domain.progress import progress
from klair.domain.source_checks import SourceLimits
from klair.domain.status import JobStatus
from klair.domain.tiers import DEFAULT_TIERS
from klair.handlers.api.submit_job import SubmitRequest, submit_local_file, submit_url
from klair.handlers.deps import Deps
from klair.handlers.pipeline.admit_upload import admit_upload
from klair.handlers.pipeline.ingest_source import ingest_source
from klair.handlers.pipeline.transcode_source import transcode_source
from klair.handlers.steps.delivery import deliver
from klair.ports.media import DownloadProgress, OpenSink

pytestmark = pytest.mark.media
OWNER = UserId("user_1")


class SteppingClock:
    """Each reading is five seconds after the previous one: every progress report is due."""

    def __init__(self) -> None:
        self.at = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        self.at += timedelta(seconds=5)
        return self.at


@dataclass
class SiteDownloader:
    """Plays a site: copies `source` as the download, reporting progress in quarters and
    running `between` after each report (a test cancels the job there)."""

    source: Path
    between: Callable[[], None] = lambda: None
    asked: list[SourceLimits] = field(default_factory=list)

    def inspect(self, url: str, limits: SourceLimits) -> float | None:
        return None  # like a direct file link: no length before the download

    def download(
        self,
        url: str,
        open_sink: OpenSink,
        limits: SourceLimits,
        on_progress: Callable[[DownloadProgress], None] | None = None,
    ) -> str:
        self.asked.append(limits)
        data = self.source.read_bytes()
        size = len(data)
        ext = self.source.suffix.lstrip(".")
        with open_sink(ext) as sink:
            for quarter in range(1, 5):
                sink.write(data[size * (quarter - 1) // 4 : size * quarter // 4])
                if on_progress is not None:
                    on_progress(
                        DownloadProgress(downloaded_bytes=size * quarter // 4, total_bytes=size)
                    )
                self.between()
        return ext


@pytest.fixture(scope="module")
def talk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_sample_video(
        tmp_path_factory.mktemp("talk") / "talk.mp4", 20, width=320, height=180
    ).path


@pytest.fixture(scope="module")
def mute(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("mute") / "mute.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=s=160x90:r=10:d=20",
         "-c:v", "libx264", "-preset", "ultrafast", str(path)],
        check=True,
    )  # fmt: skip
    return path


@dataclass
class World:
    deps: Deps
    finalized: list[Message]
    site: SiteDownloader
    bus: InProcessBus

    def job(self, job_id: JobId):  # type: ignore[no-untyped-def]
        return self.deps.store.get(job_id)

    def sources(self) -> list[str]:
        """The source objects finalized (each starts a transcode); a download's staged copy
        under `work/` starts nothing."""
        names = [m.name for m in self.finalized if isinstance(m, ObjectFinalized)]
        return [name for name in names if name.startswith("sources/")]

    def objects(self, job_id: JobId) -> list[str]:
        return self.deps.blobs.list(f"sources/{job_id}/") + self.deps.blobs.list(f"work/{job_id}/")


def make_world(tmp_path: Path, source: Path, **settings: object) -> World:
    finalized: list[Message] = []
    site = SiteDownloader(source)
    bus = InProcessBus()
    deps = for_tests(
        settings=Settings(local_root=tmp_path, **settings),  # type: ignore[arg-type]
        store=MemoryJobStore(SteppingClock()),
        usage=MemoryUsageLedger(),
        blobs=LocalBlobs(tmp_path / "blobs", on_finalize=finalized.append),
        bus=bus,
        tasks=InProcessTaskQueue(bus),
        clock=SteppingClock(),
        probe=FfprobeMediaProbe(),
        downloader=site,
        transcoder=FfmpegTranscoder(),
        analyzer=SignalsAnalyzer(),
        renderer=FfmpegClipRenderer(),
        users=MemoryUserStore(),
    )
    return World(deps, finalized, site, bus)


def url_job(world: World, kind: JobKind = JobKind.VIDEO, **options: object) -> JobId:
    request = SubmitRequest.model_validate(
        {"url": "https://videos.example.com/talk", "kind": kind, "options": options}
    )
    return submit_url(world.deps, OWNER, request).job_id


def ingest(world: World, job_id: JobId) -> bool:
    return deliver(world.deps, ingest_source, StartIngest(job_id=job_id), "ingest")


def test_a_url_job_reports_download_progress_and_stores_its_probed_source(
    tmp_path: Path, talk: Path
) -> None:
    world = make_world(tmp_path, talk)
    job_id = url_job(world)
    shown: list[float] = []
    world.site.between = lambda: shown.append(progress(world.job(job_id)))

    assert ingest(world, job_id) is True

    assert shown == [7.5, 10.0, 12.5, 15.0]
    job = world.job(job_id)
    assert (
        job.status is JobStatus.DOWNLOADING and job.source_object == f"sources/{job_id}/source.mp4"
    )
    assert job.media is not None and job.media.duration == pytest.approx(20, abs=0.1)
    assert job.minutes_reserved == pytest.approx(20 / 60, abs=0.01)
    assert world.sources() == [job.source_object]
    assert world.objects(job_id) == [job.source_object]  # the staged download is gone
    assert world.site.asked == [
        SourceLimits.for_job(DEFAULT_TIERS["free"], 4 * 1024**3, JobKind.VIDEO)
    ]


def test_cancelling_during_the_download_stops_it_and_stores_nothing(
    tmp_path: Path, talk: Path
) -> None:
    world = make_world(tmp_path, talk)
    job_id = url_job(world)

    def cancel() -> None:
        world.deps.store.transition(job_id, {JobStatus.DOWNLOADING}, JobStatus.CANCELLED)

    world.site.between = cancel

    assert ingest(world, job_id) is False

    job = world.job(job_id)
    assert job.status is JobStatus.CANCELLED and job.error is None and job.source_object is None
    assert world.finalized == [] and world.objects(job_id) == []


def test_a_duplicate_download_stops_quietly_when_the_other_moved_the_job_on(
    tmp_path: Path, talk: Path
) -> None:
    world = make_world(tmp_path, talk)
    job_id = url_job(world)

    def other_delivery_finished() -> None:
        world.deps.store.transition(job_id, {JobStatus.DOWNLOADING}, JobStatus.TRANSCODING)

    world.site.between = other_delivery_finished

    assert ingest(world, job_id) is False
    job = world.job(job_id)
    assert job.status is JobStatus.TRANSCODING and job.error is None


def test_a_retried_task_after_the_source_was_stored_does_nothing(
    tmp_path: Path, talk: Path
) -> None:
    world = make_world(tmp_path, talk)
    job_id = url_job(world)
    assert ingest(world, job_id) is True

    assert ingest(world, job_id) is False

    assert len(world.sources()) == 1


@pytest.mark.parametrize(
    ("kind", "options", "tier_minutes", "code"),
    [
        (JobKind.AUDIO, {}, 30, "no_audio_stream"),
        (JobKind.VIDEO, {"min_clip_seconds": 30, "max_clip_seconds": 60}, 30, "source_too_short"),
        (JobKind.VIDEO, {}, 0.25, "source_too_long"),
    ],
)
def test_a_source_the_job_cannot_use_fails_it_with_its_code_and_no_charge(
    tmp_path: Path,
    mute: Path,
    kind: JobKind,
    options: dict[str, object],
    tier_minutes: float,
    code: str,
) -> None:
    tiers = {"free": DEFAULT_TIERS["free"].model_copy(update={"max_source_minutes": tier_minutes})}
    world = make_world(tmp_path, mute, tiers=tiers)
    job_id = url_job(world, kind, **options)

    assert ingest(world, job_id) is False

    job = world.job(job_id)
    assert job.status is JobStatus.FAILED and job.error is not None
    assert (job.error.code, job.error.stage) == (code, "ingest")
    assert world.deps.usage.usage(OWNER, "2026-11").minutes_reserved == 0
    assert world.sources() == [] and world.objects(job_id) == []


def test_an_audio_only_source_fails_a_video_job_and_serves_an_audio_job(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    voice = make_sample_video(tmp_path_factory.mktemp("voice") / "voice.m4a", 16, video=False)
    world = make_world(tmp_path, voice.path)
    video_job = url_job(world)
    assert ingest(world, video_job) is False
    audio_job = url_job(world, JobKind.AUDIO)  # the plan runs one job at a time
    assert ingest(world, audio_job) is True

    error = world.job(video_job).error
    assert error is not None and error.code == "no_video_stream"
    assert world.job(audio_job).source_object == f"sources/{audio_job}/source.m4a"


def test_a_video_without_audio_is_accepted_for_a_video_job(tmp_path: Path, mute: Path) -> None:
    world = make_world(tmp_path, mute)
    job_id = url_job(world)

    assert ingest(world, job_id) is True
    media = world.job(job_id).media
    assert media is not None and media.has_video and not media.has_audio


def upload_job(world: World, path: Path) -> JobId:
    job_id = submit_local_file(world.deps, OWNER, path, JobKind.VIDEO, JobOptions())
    [event] = [m for m in world.finalized if isinstance(m, ObjectFinalized)]
    world.finalized.clear()
    assert admit_upload(world.deps, event) is True
    return job_id


def test_an_upload_is_copied_to_its_source_name(tmp_path: Path, talk: Path) -> None:
    world = make_world(tmp_path, talk)
    job_id = upload_job(world, talk)

    assert ingest(world, job_id) is True

    job = world.job(job_id)
    assert job.source_object is not None
    assert world.deps.blobs.read_bytes(job.source_object) == talk.read_bytes()


def test_an_empty_upload_fails_with_its_code(tmp_path: Path, talk: Path) -> None:
    world = make_world(tmp_path, talk)
    empty = tmp_path / "empty.mp4"
    empty.touch()
    job_id = upload_job(world, empty)

    assert ingest(world, job_id) is False

    error = world.job(job_id).error
    assert error is not None and error.code == "upload_empty"


def test_an_upload_over_the_plan_size_fails_at_admission(tmp_path: Path, talk: Path) -> None:
    tiers = {"free": DEFAULT_TIERS["free"].model_copy(update={"max_source_bytes": 1000})}
    world = make_world(tmp_path, talk, tiers=tiers)
    job_id = submit_local_file(world.deps, OWNER, talk, JobKind.VIDEO, JobOptions())
    [event] = [m for m in world.finalized if isinstance(m, ObjectFinalized)]

    deliver(world.deps, admit_upload, event, "admit")

    job = world.job(job_id)
    assert job.status is JobStatus.FAILED and job.error is not None
    assert job.error.code == "source_too_large"


def test_the_transcode_plans_segments_around_the_longest_clip(tmp_path: Path, talk: Path) -> None:
    world = make_world(tmp_path, talk, chunk_seconds=12.0, chunk_overlap_seconds=1.0)
    job_id = url_job(world, min_clip_seconds=3, max_clip_seconds=5)
    assert ingest(world, job_id) is True
    [source] = [
        m for m in world.finalized if isinstance(m, ObjectFinalized) and m.name in world.sources()
    ]
    published: list[Message] = []
    world.bus.subscribe(ChunkReady, published.append)

    assert transcode_source(world.deps, source) is True
    world.bus.drain()

    job = world.job(job_id)
    assert job.status is JobStatus.ANALYZING and progress(job) == 15.0
    chunks = sorted((c.start, c.end) for c in published if isinstance(c, ChunkReady))
    assert chunks[0][0] == 0 and chunks[-1][1] == pytest.approx(20, abs=0.1)
    assert all(
        a_end - b_start == pytest.approx(5.0) for (_, a_end), (b_start, _) in pairwise(chunks)
    )
    assert all(end - start <= 12.0 + 1e-9 for start, end in chunks)
