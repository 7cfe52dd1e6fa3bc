"""Platform presets and manual clips on the emulator stack: real functions over HTTP, Pub/Sub
push, fake-gcs-server, Firestore and real ffmpeg. A job submitted with a preset exports its
aspect with captions above the platform's overlay; a finished job cuts a manual range into a
scored, explained clip listed in its results; bad requests answer with their codes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from klair.adapters.ffmpeg_probe import FfprobeMediaProbe
from klair.cli.dev import store_tier
from klair.devstack import emulators as emu
from klair.devstack.clients import api_client
from klair.devstack.stack import LocalStack
from tests.e2e.test_emulator_flow import _upload, _wait, sample, stack

__all__ = ["sample", "stack"]
pytestmark = [pytest.mark.e2e, pytest.mark.emulator, pytest.mark.media]

USER = "user_presets"  # on the creator plan (4:5); the offline analyzer keeps it local
OPTIONS = {
    "preset": "tiktok", "captions": True, "clip_count": 1, "min_clip_seconds": 8,
    "max_clip_seconds": 20, "analyzer": "offline",
}  # fmt: skip
probe = FfprobeMediaProbe()


@pytest.fixture(scope="module")
def api(stack: LocalStack, emulator_stack: emu.Emulators) -> Iterator[httpx.Client]:
    store_tier(USER, "creator", emulator_stack.firestore, emulator_stack.project)
    with api_client(stack, USER) as client:
        yield client


@pytest.fixture(scope="module")
def finished(api: httpx.Client, sample: Path) -> str:
    job_id = _upload(api, sample, OPTIONS)
    status = _wait(api, job_id)
    assert status["status"] == "completed", status
    return job_id


def _video(url: str, path: Path) -> tuple[int, int, float]:
    path.write_bytes(httpx.get(url, timeout=60).content)
    media = probe.probe(path)
    assert media.width is not None and media.height is not None
    return media.width, media.height, media.duration


def test_a_preset_job_exports_its_aspect_with_captions_in_the_safe_area(
    api: httpx.Client, finished: str, tmp_path: Path
) -> None:
    [clip] = api.get(f"/api/klair/results/{finished}").json()["clips"]
    assert clip["origin"] == "detected" and 8 - 1 <= clip["end"] - clip["start"] <= 20 + 1
    width, height, _ = _video(clip["urls"]["9:16+clean"], tmp_path / "vertical.mp4")
    assert (width, height) == (202, 360)
    edl = httpx.get(clip["urls"]["edl"], timeout=30).json()
    [vertical] = edl["variants"]
    assert (vertical["aspect"], vertical["caption_bottom"]) == ("9:16", 0.22)
    assert edl["audio"]["loudness_lufs"] == -14


def _export_done(api: httpx.Client, job_id: str, export_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        run = api.get(f"/api/klair/status/{job_id}").json()["export"]
        if run["export_id"] == export_id and run["state"] in ("completed", "failed"):
            return dict(run)
        time.sleep(1)
    raise AssertionError(f"export {export_id} of {job_id} did not end")


def test_a_manual_range_becomes_a_scored_explained_clip_in_the_results(
    api: httpx.Client, finished: str, tmp_path: Path
) -> None:
    asked = {"job_id": finished, "ranges": [{"start": 3.0, "end": 15.0}], "preset": "linkedin"}
    accepted = api.post("/api/klair/export", json=asked)
    assert accepted.status_code == 202, accepted.text
    body = accepted.json()
    [clip_id] = body["clips"]
    assert clip_id.startswith("manual_") and body["variants"] == ["4:5+clean"]
    run = _export_done(api, finished, body["export_id"])
    assert run["state"] == "completed" and run["clips_done"] == 1, run

    clips = api.get(f"/api/klair/results/{finished}").json()["clips"]
    [manual] = [c for c in clips if c["id"] == clip_id]
    assert manual["origin"] == "manual" and manual["rank"] == 2
    assert 0 < manual["score"] <= 100 and manual["scores"] and manual["reason"]
    assert abs(manual["start"] - 3.0) <= 2.0 and abs(manual["end"] - 15.0) <= 2.0
    width, height, seconds = _video(manual["urls"]["4:5+clean"], tmp_path / "portrait.mp4")
    assert (width, height) == (288, 360)
    assert abs(seconds - (manual["end"] - manual["start"])) < 0.15
    assert "thumbnail" in manual["urls"] and "edl" in manual["urls"]


def test_bad_exports_answer_with_their_codes(
    api: httpx.Client, finished: str, sample: Path
) -> None:
    def refused(**body: Any) -> tuple[int, str, dict[str, Any]]:
        answer = api.post("/api/klair/export", json={"job_id": finished, **body})
        error = answer.json()["error"]
        return answer.status_code, error["code"], error.get("details", {})

    assert refused(ranges=[{"start": 9, "end": 4}])[:2] == (400, "range_start_after_end")
    status, code, details = refused(ranges=[{"start": 30, "end": 90}])
    assert (status, code) == (400, "range_outside_source") and details["index"] == 0
    assert refused(ranges=[{"start": 5, "end": 6}])[:2] == (400, "range_too_short")
    assert refused(ranges=[{"start": 1, "end": 9}] * 21)[:2] == (400, "too_many_ranges")
    status, code, details = refused(preset="friendster")
    assert (status, code, details["allowed"]) == (
        400, "unknown_preset", ["tiktok", "reels", "shorts", "linkedin"]
    )  # fmt: skip
    waiting = api.post(
        "/api/upload-url", json={"filename": "later.mp4", "size_bytes": sample.stat().st_size}
    ).json()["job_id"]
    answer = api.post(
        "/api/klair/export", json={"job_id": waiting, "ranges": [{"start": 1, "end": 9}]}
    )
    assert (answer.status_code, answer.json()["error"]["code"]) == (409, "job_running")
    submitted = api.post(
        "/api/klair/analyze",
        json={"url": "https://videos.example/a.mp4", "options": {"preset": "myspace"}},
    )
    assert submitted.status_code == 400
    assert submitted.json()["error"]["code"] == "unknown_preset"
