"""`report.html` renders in headless Chromium: a screenshot that is not blank, and a DOM (after
the page's own script ran) holding a card, a timeline segment and a player per clip."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import cv2
import numpy as np
import pytest

from klair.cli.report import write_report
from klair.domain.clip import Clip, Evidence
from klair.domain.ids import JobId, UserId, clip_id
from klair.domain.job import Job, JobSource
from klair.domain.media import MediaInfo
from klair.domain.status import JobStatus
from klair.domain.transcript import Transcript, Word
from tests.e2e.chromium import browse, chromium

pytestmark = [pytest.mark.e2e, pytest.mark.media]

WINDOW = "--window-size=1280,2000"
SPANS = [(4.0, 9.0), (14.0, 18.5)]


def _ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-y", *args], check=True)


def _clip(rank: int, start: float, end: float) -> Clip:
    scores = {"hook": 80.0 - 20 * rank, "energy": 55.0, "clarity": 90.0, "completeness": 100.0}
    return Clip(
        id=clip_id(rank), rank=rank, start=start, end=end, score=70.0 - 5 * rank,
        scores=scores, evidence={"hook": [Evidence(at=start + 0.5, text="a question")]},
        reason=f"reason number {rank} <with> markup & ampersands",
        transcript="words of the clip",
    )  # fmt: skip


def _words() -> list[Word]:
    words, t = [], 0.5
    for n in range(40):
        text = f"word{n}." if n % 8 == 7 else f"word{n}"
        words.append(Word(start=t, end=t + 0.3, text=text))
        t += 0.5 if n % 8 != 7 else 1.8
    return words


def _output(folder: Path) -> list[Clip]:
    """A run's output folder as `klair run` leaves it: clips, thumbnails, results, transcript."""
    now = datetime.now(UTC)
    clips = [_clip(n + 1, *span) for n, span in enumerate(SPANS)]
    rows = []
    for clip in clips:
        video, thumb = f"{clip.id}.mp4", f"{clip.id}.jpg"
        _ffmpeg("-f", "lavfi", "-i", f"testsrc2=s=180x320:r=25:d={clip.duration}",
                "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast",
                str(folder / video))  # fmt: skip
        _ffmpeg("-i", str(folder / video), "-frames:v", "1", str(folder / thumb))
        files = {"9:16": video, "thumbnail": thumb, "srt": f"{clip.id}.srt"}
        rows.append({**clip.model_dump(mode="json", exclude={"exports"}), "files": files})
    job = Job(
        id=JobId("job_0123456789abcdef0123"), owner=UserId("local"),
        source=JobSource(upload_object="uploads/local/job/talk.mp4", filename="talk.mp4"),
        status=JobStatus.COMPLETED, progress=100.0, created_at=now, updated_at=now,
        media=MediaInfo(duration=24.0, container="mp4", video_codec="h264", width=640,
                        height=360),
    )  # fmt: skip
    transcript = Transcript(start=0, end=24.0, words=_words(), speech=[(0.5, 23.0)])
    (folder / "transcript.json").write_text(transcript.model_dump_json())
    results = {"job": job.model_dump(mode="json"), "clips": rows,
               "transcript": {"json": "transcript.json"}}  # fmt: skip
    (folder / "results.json").write_text(json.dumps(results))
    return clips


def test_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    chromium()  # skips (fails on CI) before any work when it is missing
    folder = tmp_path / "out"
    folder.mkdir()
    clips = _output(folder)
    page = write_report(folder)
    html = page.read_text()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), "the report loads nothing"
    assert "&lt;with&gt; markup &amp; ampersands" in html

    shot = tmp_path / "report.png"
    browse(page.as_uri(), tmp_path / "profile-1", WINDOW, f"--screenshot={shot}")
    image = cv2.imread(str(shot))
    assert image is not None and image.shape[:2] == (2000, 1280)
    assert float(np.var(image)) > 100, "the screenshot is blank"
    colours = np.unique(image.reshape(-1, 3)[::97], axis=0)
    assert len(colours) > 50, "the screenshot has next to no content"

    dom = browse(page.as_uri(), tmp_path / "profile-2", WINDOW, "--dump-dom")
    assert f'data-ready="{len(clips)}"' in dom, "the page's script did not run"
    for clip in clips:
        assert re.search(rf'<article class="clip[^"]*" id="{clip.id}"', dom)
        assert f'<video controls="" preload="metadata" src="{clip.id}.mp4"' in dom
        assert f'class="segment c{clip.rank - 1}" href="#{clip.id}"' in dom
        assert f'<mark class="hl c{clip.rank - 1}" data-clip="{clip.id}"' in dom
    assert dom.count('<img class="thumb"') == len(clips)
