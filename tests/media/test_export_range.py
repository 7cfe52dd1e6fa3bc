"""Exporting a clip of a long source reads only the clip's range of the source and of the
proxy, through the real GCS adapter on fake-gcs-server (a counting proxy in front of it
tells the bytes read), and renders the right range: the source's tone changes every 10 s,
the proxy's white square jumps side every 10 s, and both are checked on the clip."""

from __future__ import annotations

import dataclasses
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import google.cloud.storage as storage
import httpx
import numpy as np
import pytest
from google.auth.credentials import AnonymousCredentials

from klair.adapters.ffmpeg_probe import FfprobeMediaProbe
from klair.adapters.ffmpeg_render import FfmpegClipRenderer
from klair.adapters.gcs_blobs import GcsBlobs
from klair.adapters.gcs_signing import KeyFileSigner
from klair.devstack.emulators import Emulators
from klair.devstack.signing_key import write_signing_key
from klair.domain import naming
from klair.domain.clip import Clip
from klair.domain.edit_list import EditList
from klair.domain.events import ClipSelected
from klair.domain.export_options import RenderSpec
from klair.domain.ids import ClipId, JobId
from klair.domain.reframe_path import position_at
from klair.domain.status import JobStatus as S
from klair.handlers.deps import Deps
from klair.handlers.pipeline.export_clip import export_clip
from klair.handlers.steps.dispatch import chunk_messages
from tests.conftest import trust_source_hosts
from tests.media.range_counter import CountingProxy, counting_proxy
from tests.unit.api_world import ALICE, World, make_world

pytestmark = [pytest.mark.media, pytest.mark.emulator]

SECONDS = 20 * 60
STEP = 10  # the tone and the square change every STEP seconds
CLIP = Clip(id=ClipId("clip_01"), rank=1, start=905.0, end=915.0, score=50)
TONE = "300+20*floor(t/10)"


def tone(t: float) -> float:
    return 300 + 20 * (t // STEP)


def _ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


def square_left(t: float) -> float:
    """Where the proxy's square is at source time `t` (proxy pixels, 160 wide): a new place
    every 10 s, none repeating within the source."""
    return 10 + (t // STEP * 37) % 100


def _square_proxy(path: Path, start: float, seconds: float) -> None:
    """The proxy's picture from `start` in the source: a white 40 px square at
    `square_left`, over dark noise (so it weighs what a proxy weighs, ~37 kB a second)."""
    left = f"10+mod(floor((t+{start})/{STEP})*37\\,100)"
    _ffmpeg(
        "-f", "lavfi", "-i", f"color=0x202020:s=160x90:r=5:d={seconds}",
        "-f", "lavfi", "-i", f"color=white:s=40x40:r=5:d={seconds}",
        "-filter_complex",
        f"[0]noise=alls=12:allf=t[bg];[bg][1]overlay=x='{left}':y=25:eval=frame",
        "-c:v", "libx264", "-preset", "ultrafast", "-g", "10", str(path),
    )  # fmt: skip


@pytest.fixture(scope="module")
def long_source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """20 minutes at 320 × 180 with a tone stepping every 10 s (~57 MB), and its proxy."""
    work = tmp_path_factory.mktemp("long")
    source, proxy = work / "source.mp4", work / "proxy.mp4"
    _ffmpeg(
        "-f", "lavfi", "-i", f"testsrc2=size=320x180:rate=10:duration={SECONDS}",
        "-f", "lavfi", "-i", f"aevalsrc='0.3*sin(2*PI*({TONE})*t)':s=16000:d={SECONDS}",
        "-c:v", "libx264", "-preset", "ultrafast", "-g", "20", "-c:a", "aac", "-b:a", "48k",
        str(source),
    )  # fmt: skip
    _square_proxy(proxy, 0.0, SECONDS)
    return source, proxy


@dataclasses.dataclass
class Stage:
    world: World
    deps: Deps
    counter: CountingProxy
    job_id: JobId
    work: Path

    def source(self, path: Path) -> str:
        """Store `path` as the job's source and move the job to exporting with its probe."""
        name = f"sources/{self.job_id}/source{path.suffix}"
        self.deps.blobs.put_file(name, path)
        self.world.move(
            self.job_id, S.DOWNLOADING, S.TRANSCODING, S.ANALYZING, S.SELECTING, S.EXPORTING,
            source_object=name, media=FfprobeMediaProbe().probe(path), clips_total=1,
        )  # fmt: skip
        self.deps.store.put_clips(self.job_id, [CLIP])
        return name

    def export(self) -> dict[str, Path]:
        """Export the clip as the pipeline does; its stored files, downloaded (other objects
        than the source's and the proxies', so their counts stay the export's)."""
        self.counter.reset()
        event = ClipSelected(job_id=self.job_id, clip_id=CLIP.id, total=1)
        assert export_clip(self.deps, event)
        [clip] = self.deps.store.clips(self.job_id)
        out = {}
        for key, name in clip.exports.items():
            out[key] = self.work / Path(name).name
            self.deps.blobs.download(name, out[key])
        return out


@pytest.fixture
def stage(
    emulator_stack: Emulators, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Stage]:
    trust_source_hosts(monkeypatch)
    host = urlparse(emulator_stack.gcs).netloc
    # fake-gcs-server serves path-style signed URLs for its public host only (as in the
    # Blobs contract tests): the proxy forwards to that host.
    httpx.put(
        f"{emulator_stack.gcs}/_internal/config", json={"publicHost": host}, timeout=10
    ).raise_for_status()
    write_signing_key(tmp_path / "signer.json", emulator_stack.project)
    with counting_proxy(host) as counter:
        client = storage.Client(
            project=emulator_stack.project,
            credentials=AnonymousCredentials(),  # type: ignore[no-untyped-call]
            client_options={"api_endpoint": counter.url},
        )
        blobs = GcsBlobs(
            f"range-{uuid.uuid4().hex[:12]}", lambda: client,
            KeyFileSigner(tmp_path / "signer.json"), api_endpoint=counter.url,
        )  # fmt: skip
        blobs.ensure_bucket()
        world = make_world()
        deps = dataclasses.replace(world.deps, blobs=blobs)
        job_id = JobId(world.submit(ALICE, options={"aspect_ratios": ["9:16"]}))
        yield Stage(world, deps, counter, job_id, tmp_path)


def _tone_at(path: Path, start: float, end: float) -> float:
    """The loudest frequency of the file's audio between `start` and `end` (seconds)."""
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-ac", "1", "-ar", "16000", "-f", "s16le",
         "pipe:1"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    samples = np.frombuffer(raw, np.int16)[int(start * 16000) : int(end * 16000)]
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.argmax(spectrum) * 16000 / len(samples))


def _check_crop(edl: Path, t: float) -> None:
    """The vertical crop at `t` into the clip is around the proxy's square at that time."""
    variant = EditList.model_validate_json(edl.read_text()).variants[0]
    width = variant.crop_width
    centre = (square_left(CLIP.start + t) + 20) * 2  # the source is twice the proxy's size
    expected = min(max(centre - width / 2, 0), 320 - width)
    assert position_at(variant.keyframes, t)[0] == pytest.approx(expected, abs=25), t


def _check_clip(files: dict[str, Path]) -> None:
    """The clip is 905–915 s of the source: 2100 Hz, then 2120 Hz from 5 s in (the
    source's audio); the crop on the square of 900–910 s, then of 910–920 s (the proxy's
    picture)."""
    [video] = [path for key, path in files.items() if key.startswith("9:16")]
    assert _tone_at(video, 0.5, 4.7) == pytest.approx(tone(CLIP.start), abs=2)
    assert _tone_at(video, 5.3, 9.5) == pytest.approx(tone(CLIP.start + 6), abs=2)
    for t in (0.5, 4.7, 5.3, 9.5):
        _check_crop(files["edl"], t)


def test_a_clip_of_a_long_source_reads_its_range_only(
    stage: Stage, long_source: tuple[Path, Path]
) -> None:
    job_id = stage.job_id
    source = stage.source(long_source[0])
    stage.deps.blobs.put_file(naming.work(job_id, naming.VIDEO_PROXY), long_source[1])

    files = stage.export()

    _check_clip(files)
    source_size, proxy_size = (path.stat().st_size for path in long_source)
    read_source = stage.counter.sent(source)
    read_proxy = stage.counter.sent(naming.work(job_id, naming.VIDEO_PROXY))
    # The clip is 10 s of 1200 (0.5 MB): with the index (0.35 MB) and the readers' ranged
    # requests (up to 1 MiB each, a few per clip), a few percent of this small source.
    assert 0 < read_source < source_size * 0.08, (read_source, source_size)
    assert 0 < read_proxy < proxy_size * 0.08, (read_proxy, proxy_size)


def test_the_chunk_proxy_holding_the_clip_is_read_on_its_own_timeline(
    stage: Stage, long_source: tuple[Path, Path]
) -> None:
    job_id = stage.job_id
    stage.source(long_source[0])
    whole = naming.work(job_id, naming.VIDEO_PROXY)
    stage.deps.blobs.put_file(whole, long_source[1])
    chunks = chunk_messages(stage.deps, stage.deps.store.get(job_id))
    holding = [c for c in chunks if c.start <= CLIP.start and CLIP.end <= c.end]
    assert holding and all(c.start > 0 for c in holding)  # its time 0 is not the source's
    for chunk in holding:
        path = stage.work / f"chunk{chunk.index}.mp4"
        _square_proxy(path, chunk.start, chunk.end - chunk.start)
        stage.deps.blobs.put_file(naming.chunk_work(job_id, chunk.index, "proxy.mp4"), path)

    files = stage.export()

    _check_clip(files)
    assert stage.counter.sent(whole) == 0
    read = [stage.counter.sent(naming.chunk_work(job_id, c.index, "proxy.mp4")) for c in holding]
    assert sum(read) > 0


def _frame(path: Path, at: float) -> np.ndarray:  # type: ignore[type-arg]
    """The picture at `at` s as a player shows it (turned upright), grey, 90 × 160."""
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-ss", str(at), "-i", str(path), "-frames:v", "1",
         "-vf", "scale=90:160", "-f", "rawvideo", "-pix_fmt", "gray", "pipe:1"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    return np.frombuffer(raw, np.uint8).reshape(160, 90).astype(float)


def test_a_rotated_phone_source_is_cut_upright(
    stage: Stage, long_source: tuple[Path, Path]
) -> None:
    phone = stage.work / "phone.mp4"
    _ffmpeg("-i", str(long_source[0]), "-c", "copy", "-metadata:s:v:0", "rotate=90", str(phone))
    stage.source(phone)

    files = stage.export()

    video = files["9:16"]
    assert _tone_at(video, 0.5, 4.7) == pytest.approx(tone(CLIP.start), abs=2)
    ours, theirs = _frame(video, 2.0), _frame(phone, CLIP.start + 2.0)
    assert np.abs(ours - theirs).mean() < 12
    assert np.abs(ours - theirs[::-1, ::-1]).mean() > 30  # it tells which way up


def test_a_source_without_an_index_is_cut_at_the_clip(
    stage: Stage, long_source: tuple[Path, Path]
) -> None:
    """MPEG-TS has no index: the copy seeks by the stream's times, then checks it landed."""
    ts = stage.work / "source.ts"
    _ffmpeg("-i", str(long_source[0]), "-c", "copy", "-f", "mpegts", str(ts))
    source = stage.source(ts)

    files = stage.export()

    video = files["9:16"]
    assert _tone_at(video, 0.5, 4.7) == pytest.approx(tone(CLIP.start), abs=2)
    assert _tone_at(video, 5.3, 9.5) == pytest.approx(tone(CLIP.start + 6), abs=2)
    assert stage.counter.sent(source) < ts.stat().st_size * 0.2


def test_a_clip_read_by_url_renders_as_from_the_file(
    stage: Stage, long_source: tuple[Path, Path]
) -> None:
    """The copy of the clip's span changes nothing: the same pictures, sound and edit list
    as rendering from the whole file (the loudness measured within 0.05 LU)."""
    name = stage.source(long_source[0])
    media = FfprobeMediaProbe().probe(long_source[0])
    spec = RenderSpec(aspects=("9:16", "source"), max_short_side=180, media=media)
    clip = CLIP.model_copy(update={"start": 600.05, "end": 611.3})
    renderer = FfmpegClipRenderer()
    local = renderer.render(long_source[0], clip, stage.work / "local", spec)
    ranged = renderer.render(stage.deps.blobs.media_url(name), clip, stage.work / "url", spec)

    for key in ("9:16", "source", "thumbnail"):
        assert _decoded(local[key]) == _decoded(ranged[key]), key
    mine, theirs = (EditList.model_validate_json(f["edl"].read_text()) for f in (local, ranged))
    assert mine.audio and theirs.audio
    assert mine.audio.measured_lufs == pytest.approx(theirs.audio.measured_lufs, abs=0.05)
    assert mine.model_copy(update={"audio": None}) == theirs.model_copy(update={"audio": None})


def _decoded(path: Path) -> str:
    """A digest of the decoded frames and samples."""
    return subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-map", "0", "-f", "md5", "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
