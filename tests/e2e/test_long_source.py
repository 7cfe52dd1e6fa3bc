"""A 20-minute source on the emulator stack with short segments (KLAIR_SEGMENT_SECONDS):
every analyze invocation transcodes only its own segment, each chunk is counted once, the
minutes are charged once, and the clips are cut from the right seconds."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from google.auth.credentials import AnonymousCredentials
from google.cloud import firestore
from google.cloud.storage import Client as StorageClient

from klair.cli.sample import make_sample_video
from klair.devstack import emulators as emu
from klair.devstack.clients import api_client
from klair.devstack.topology import load_topology
from klair.domain.chunking import plan_for_clips
from tests.conftest import local_stack
from tests.e2e.test_emulator_flow import PIPELINE, _upload, _wait

pytestmark = [pytest.mark.e2e, pytest.mark.emulator, pytest.mark.media]

USER = "user_long"
MINUTES = 20
SEGMENT, OVERLAP = 240.0, 20.0
OPTIONS = {"clip_count": 2, "min_clip_seconds": 8, "max_clip_seconds": 20}
WAV_BYTES_PER_SECOND = 32_000  # 16 kHz mono s16


@pytest.fixture(scope="module")
def long_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-minute talk at 160x90, looped without re-encoding to 20 minutes."""
    work = tmp_path_factory.mktemp("long")
    base = work / "base.mp4"
    make_sample_video(base, seconds=120, width=160, height=90, fps=10)
    path = work / "long.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-stream_loop", "-1", "-i", str(base), "-c", "copy",
         "-t", str(MINUTES * 60), "-movflags", "+faststart", "-y", str(path)],
        check=True,
    )  # fmt: skip
    return path


@pytest.fixture(scope="module")
def api(
    emulator_stack: emu.Emulators, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[httpx.Client]:
    env = {"KLAIR_SEGMENT_SECONDS": str(SEGMENT), "KLAIR_CHUNK_OVERLAP_SECONDS": str(OVERLAP)}
    running = local_stack(emulator_stack, tmp_path_factory, PIPELINE, extra_env=env)
    with running as stack, api_client(stack, USER) as client:
        yield client


def test_a_long_source_is_transcoded_and_analysed_segment_by_segment(
    api: httpx.Client, long_source: Path, emulator_stack: emu.Emulators
) -> None:
    job_id = _upload(api, long_source, OPTIONS)
    status = _wait(api, job_id, timeout=900)
    assert status["status"] == "completed", status

    plan = plan_for_clips(MINUTES * 60.0, SEGMENT, OVERLAP, OPTIONS["max_clip_seconds"])
    doc = firestore.Client(project=emulator_stack.project).collection("jobs").document(job_id)
    stored = doc.get().to_dict()
    assert stored is not None
    assert stored["chunks_done"] == stored["chunks_total"] == len(plan) >= 5  # once each

    storage = StorageClient(
        project=emulator_stack.project,
        credentials=AnonymousCredentials(),  # type: ignore[no-untyped-call]
        client_options={"api_endpoint": emulator_stack.gcs},
    )
    bucket = storage.bucket(load_topology().bucket)
    work = {b.name: b.size for b in storage.list_blobs(bucket, prefix=f"work/{job_id}/")}
    assert f"work/{job_id}/proxy.mp4" not in work  # no whole-source proxy: segments only
    for chunk in plan:
        prefix = f"work/{job_id}/chunks/{chunk.index:04d}/"
        assert {f"{prefix}{n}" for n in ("proxy.mp4", "audio.wav", "signals.json")} <= set(work)
        # The invocation read only its window: its audio holds that window, no more.
        seconds = (work[f"{prefix}audio.wav"] - 4096) / WAV_BYTES_PER_SECOND
        assert seconds <= chunk.end - chunk.start + 1.0, (chunk, seconds)

    usage = firestore.Client(project=emulator_stack.project).collection("users").document(USER)
    months = [u.get().to_dict() or {} for u in usage.collection("usage").list_documents()]
    assert sum(m.get("minutes_used", 0) for m in months) == pytest.approx(MINUTES, abs=0.05)

    results = api.get(f"/api/klair/results/{job_id}").json()
    assert 1 <= len(results["clips"]) <= 2
    for clip in results["clips"]:
        assert 0 <= clip["start"] < clip["end"] <= MINUTES * 60
