"""Sieve autocrop end to end: the export stage on real ffmpeg sends the cut to the Sieve
stub over HTTP; the stub reframes it and calls the real `webhooks` router served over HTTP
before its push answer (409, retried) and then twice more; the clip is exported and
counted once, and its edit list says Sieve reframed it. The callback URL's token is in its
path, and no log line (werkzeug's request lines included) holds it whole."""

from __future__ import annotations

import json
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import opentimelineio as otio  # type: ignore[import-untyped]
import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request

from klair.adapters.local.blobs import LocalBlobs
from klair.adapters.sieve_reframer import SieveReframer
from klair.cli.face_sample import make_face_video
from klair.config import Settings
from klair.domain.clip import Clip
from klair.domain.edit_list import EditList
from klair.domain.events import ClipSelected
from klair.domain.ids import ClipId, JobId
from klair.domain.status import JobStatus as S
from klair.handlers.pipeline.export_clip import export_clip
from klair.http.logs import configure_logging
from klair.http.webhook_routes import build_webhooks
from tests.conftest import TEST_SOURCE_HOSTS
from tests.contract.sieve_stub import API_KEY, SieveStub
from tests.media.test_ffmpeg import streams
from tests.unit.api_world import ALICE, ROOMY_TIERS, make_world

pytestmark = [pytest.mark.e2e, pytest.mark.media]

CLIP = Clip(id=ClipId("clip_01"), rank=1, start=1.0, end=4.0, score=50)


def centre_crop_9x16(data: bytes, inputs: dict[str, Any]) -> bytes:
    """What the stub's "autocrop" does: a centre 9:16 crop (the real one tracks speakers)."""
    assert inputs["aspect_ratio"] == "9:16"
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.mp4", Path(tmp) / "out.mp4"
        src.write_bytes(data)
        subprocess.run(
            ["ffmpeg", "-v", "error", "-i", str(src), "-vf", "crop=ih*9/16/2*2:ih",
             "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", str(out)],
            check=True,
        )  # fmt: skip
        return out.read_bytes()


def clip_nonce(deps: Any, job_id: JobId) -> str:
    clip = deps.store.clips(job_id)[0]
    assert clip.sieve is not None
    return str(clip.sieve.nonce)


@pytest.fixture
def webhooks_url() -> Iterator[tuple[str, list[Any]]]:
    """A slot for the webhooks app, served over HTTP once the deps exist."""
    holder: list[Any] = []

    def app(environ: Any, start_response: Any) -> Any:
        return holder[0].dispatch(Request(environ))(environ, start_response)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", holder
    server.shutdown()


def test_sieve_autocrop_through_the_webhooks_app(
    tmp_path: Path, webhooks_url: tuple[str, list[Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO")
    base, router_slot = webhooks_url
    stub = SieveStub(
        auto=True, callback_before_response=True, duplicate_callbacks=2,
        process=centre_crop_9x16,
    )  # fmt: skip
    sieve_server = stub.start()
    settings = Settings(
        tiers=ROOMY_TIERS, sieve_api_url=stub.url, sieve_api_key=API_KEY,
        sieve_callback_secret="s3cret", webhooks_url=base, ssrf_allowed_hosts=TEST_SOURCE_HOSTS,
    )  # fmt: skip
    world = make_world(settings=settings)
    deps = replace(
        world.deps, blobs=LocalBlobs(tmp_path / "blobs"), reframer=SieveReframer(stub.url, API_KEY)
    )
    router_slot.append(build_webhooks(lambda: deps, settings))

    job_id = JobId(world.submit(ALICE))
    video = make_face_video(tmp_path / "face.mp4", seconds=5.0, face=80)
    source = f"sources/{job_id}/source.mp4"
    deps.blobs.put_file(source, video.path)
    deps.store.update(job_id, options={**world.job(job_id).options.model_dump(),
                                       "aspect_ratios": ["9:16"], "reframe": "sieve"})  # fmt: skip
    world.move(job_id, S.DOWNLOADING, S.TRANSCODING, S.ANALYZING, S.SELECTING, S.EXPORTING,
               source_object=source, clips_total=1)  # fmt: skip
    deps.store.put_clips(job_id, [CLIP])

    assert export_clip(deps, ClipSelected(job_id=job_id, clip_id=CLIP.id, total=1))
    stub.wait_idle()
    sieve_server.shutdown()

    (hook,) = [h["url"] for job in stub.jobs.values() for h in job["webhooks"]]
    path, token = hook.removeprefix(base).rsplit("/", 1)
    assert path == f"/webhooks/sieve/autocrop/{job_id}/{CLIP.id}/{clip_nonce(deps, job_id)}"
    assert "?" not in hook and len(token) == 64
    logged = "\n".join(json.loads(line)["message"] for line in capsys.readouterr().out.splitlines())
    assert f"{path}/{token[:6]}…" in logged  # the request lines were logged, token cut short
    assert token not in logged
    statuses = [status for _, status in stub.deliveries]
    assert statuses[0] == 409  # before the push answer was recorded
    assert statuses.count(200) == 3  # the retry, then two duplicates
    job = deps.store.get(job_id)
    assert (job.status, job.clips_exported) == (S.COMPLETED, 1)
    clip = deps.store.clips(job_id)[0]
    assert clip.sieve is not None and clip.sieve.state == "done"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "v.mp4"
        deps.blobs.download(clip.exports["9:16"], out)
        (video_stream,) = [s for s in streams(out) if s["codec_type"] == "video"]
        assert video_stream["width"] / video_stream["height"] == pytest.approx(9 / 16, abs=0.01)
        edl_path = Path(tmp) / "e.json"
        deps.blobs.download(clip.exports["edl"], edl_path)
        edl = EditList.model_validate_json(edl_path.read_text())
        otio_path = Path(tmp) / "e.otio"
        deps.blobs.download(clip.exports["otio"], otio_path)
        timeline = otio.adapters.read_from_file(str(otio_path))
    assert [v.reframe for v in edl.variants] == ["sieve"]
    assert (edl.source_in, edl.source_out, edl.source) == (1.0, 4.0, source)
    cut = timeline.tracks[0][0]
    assert cut.metadata["klair"]["variants"][0]["reframe"] == "sieve"
