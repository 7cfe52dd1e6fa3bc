"""Cancel on the emulators (Firestore, fake-gcs-server, real ffmpeg): the real `api` function
cancels while the export handler, on the same real adapters, is rendering a clip. The clip
exported before the cancel stays (its signed URLs answer 200); the one that finishes after
it is not recorded, not announced and its files are deleted; partial results of a running
job answer 200 from the start."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pytest

from klair.cli.sample import make_sample_video
from klair.domain import naming
from klair.domain.clip import Clip
from klair.domain.events import ClipExported, ClipSelected, Message
from klair.domain.export_options import RenderSpec
from klair.domain.ids import ClipId, JobId
from klair.domain.status import JobStatus as S
from klair.entry import runtime
from klair.handlers.deps import Deps
from klair.handlers.pipeline.export_clip import export_clip
from klair.handlers.steps.delivery import deliver
from klair.ports.media import ClipRenderer
from tests.e2e.api_app import ApiApp, api_app

__all__ = ["api_app"]
pytestmark = [pytest.mark.e2e, pytest.mark.emulator, pytest.mark.media]

URL = "https://videos.example/talk.mp4"
PIPELINE = (S.DOWNLOADING, S.TRANSCODING, S.ANALYZING, S.SELECTING, S.EXPORTING)
CLIPS = [
    Clip(id=ClipId("clip_01"), rank=1, start=1.0, end=3.0, score=80),
    Clip(id=ClipId("clip_02"), rank=2, start=4.0, end=6.0, score=70),
]


class RecordingBus:
    """The Bus port, keeping what the export publishes."""

    def __init__(self) -> None:
        self.published: list[Message] = []

    def publish(self, message: Message) -> str:
        self.published.append(message)
        return str(len(self.published))


@dataclass
class HeldRenderer:
    """The real renderer, whose finished render is held until `release`: the export's
    files are stored after whatever happens meanwhile (the cancel)."""

    inner: ClipRenderer
    rendered: threading.Event
    release: threading.Event

    def render(
        self, source: Path, clip: Clip, out_dir: Path, spec: RenderSpec | None = None
    ) -> dict[str, Path]:
        files = self.inner.render(source, clip, out_dir, spec)
        self.rendered.set()
        assert self.release.wait(120)
        return files


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("media") / "talk.mp4"
    make_sample_video(path, seconds=8)
    return path


@pytest.fixture
def deps(api_app: ApiApp) -> Iterator[Deps]:
    """What the functions run with on these emulators, publishing to a recording bus."""
    yield replace(runtime.deps(), bus=RecordingBus())


def _exporting(api: ApiApp, deps: Deps, sample: Path) -> JobId:
    """A job submitted through the API, then (as its stages would) exporting two clips."""
    accepted = api.client.post("/api/klair/analyze", json={"url": URL}, headers=api.headers())
    assert accepted.status_code == 202, accepted.get_json()
    job_id = JobId(accepted.get_json()["job_id"])
    source = naming.source(job_id, ".mp4")
    deps.blobs.put_file(source, sample, "video/mp4")
    deps.blobs.put_bytes(naming.work(job_id, naming.AUDIO), b"work file")
    media = deps.probe.probe(sample)
    job = deps.store.get(job_id)
    for status in PIPELINE:
        moved = deps.store.transition(job_id, {job.status}, status)
        assert moved is not None
        job = moved
    deps.store.update(job_id, source_object=source, media=media.model_dump(), clips_total=2)
    deps.store.put_clips(job_id, CLIPS)
    return job_id


def _export(deps: Deps, job_id: JobId, clip: Clip) -> bool:
    event = ClipSelected(job_id=job_id, clip_id=clip.id, total=len(CLIPS))
    return deliver(deps, export_clip, event, "export")


def _objects(deps: Deps, job_id: JobId) -> list[str]:
    return sorted(
        name for prefix in naming.job_prefixes(job_id) for name in deps.blobs.list(prefix)
    )


def test_an_export_finishing_after_the_cancel_leaves_no_trace_and_the_kept_clip_works(
    api_app: ApiApp, deps: Deps, sample: Path
) -> None:
    job_id = _exporting(api_app, deps, sample)
    assert _export(deps, job_id, CLIPS[0])
    rendered, release = threading.Event(), threading.Event()
    held = replace(deps, renderer=HeldRenderer(deps.renderer, rendered, release))
    outcome: list[bool] = []
    late = threading.Thread(target=lambda: outcome.append(_export(held, job_id, CLIPS[1])))
    late.start()
    try:
        assert rendered.wait(120)
        path = f"/api/klair/jobs/{job_id}/cancel"
        cancelled = api_app.client.post(path, headers=api_app.headers())
        assert cancelled.status_code == 200, cancelled.get_json()
    finally:
        release.set()
        late.join(120)
    assert outcome == [False]

    job = deps.store.get(job_id)
    assert (job.status, job.clips_exported) == (S.CANCELLED, 1)
    assert [bool(c.exports) for c in deps.store.clips(job_id)] == [True, False]
    announced = [m.clip_id for m in deps.bus.published if isinstance(m, ClipExported)]  # type: ignore[attr-defined]
    assert announced == ["clip_01"]

    path = f"/api/klair/results/{job_id}?partial=true"
    results = api_app.client.get(path, headers=api_app.headers()).get_json()
    assert (results["status"], [c["id"] for c in results["clips"]]) == ("cancelled", ["clip_01"])
    urls = results["clips"][0]["urls"]
    assert {"source", "thumbnail"} <= set(urls)
    assert all(httpx.get(url, timeout=30).status_code == 200 for url in urls.values())
    kept = sorted(deps.store.clips(job_id)[0].exports.values())
    assert _objects(deps, job_id) == kept  # the source, work files and the late clip: gone


def test_partial_results_of_a_queued_job_are_a_200_with_no_clips(api_app: ApiApp) -> None:
    alice = api_app.headers()
    job_id = api_app.client.post("/api/klair/analyze", json={"url": URL}, headers=alice)
    path = f"/api/klair/results/{job_id.get_json()['job_id']}"
    partial = api_app.client.get(f"{path}?partial=true", headers=alice)
    assert partial.status_code == 200, partial.get_json()
    body = partial.get_json()
    assert (body["status"], body["partial"], body["clips"]) == ("queued", True, [])
    assert api_app.client.get(path, headers=alice).status_code == 409
