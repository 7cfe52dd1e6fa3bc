"""The README's first command: `klair run --sample` end to end, in a subprocess; its report,
Ctrl-C, and the exit codes."""

from __future__ import annotations

import html
import json
import re
import signal
import subprocess
import sys
import time
from itertools import pairwise
from pathlib import Path

import pytest

from klair.adapters.ffmpeg_probe import FfprobeMediaProbe
from klair.cli.sample import make_sample_video

pytestmark = [pytest.mark.e2e, pytest.mark.media]


def _klair(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "klair.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_run_sample_writes_ranked_clips_cut_from_the_source(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = _klair(
        "run", "--sample", "--out", str(out), "--clips", "3", "--length", "10-30", "--json"
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(done.stdout)
    assert results == json.loads((out / "results.json").read_text())
    assert results["job"]["status"] == "completed"
    clips = results["clips"]
    assert 1 <= len(clips) <= 3
    assert [c["rank"] for c in clips] == list(range(1, len(clips) + 1))
    probe = FfprobeMediaProbe()
    source = probe.probe(out / "sample.mp4")
    spans = sorted((c["start"], c["end"]) for c in clips)
    for (_, end), (start, _) in pairwise(spans):
        assert end <= start, "clips overlap"
    for clip in clips:
        assert 10 - 0.5 <= clip["end"] - clip["start"] <= 30 + 0.5
        assert 0 <= clip["start"] < clip["end"] <= source.duration + 0.05
        assert clip["reason"]
        assert clip["title"] and len(clip["title"]) <= 60  # offline titles, from its words
        assert clip["hook_line"] and clip["hook_line"].rstrip("…").split()[-1] in clip["transcript"]
        assert 0 <= clip["score"] <= 100
        media = probe.probe(out / clip["files"]["source"])
        assert media.has_video and media.has_audio
        assert abs(media.duration - (clip["end"] - clip["start"])) < 0.15
        assert (out / clip["files"]["thumbnail"]).stat().st_size > 1000
    report = (out / "report.html").read_text()
    for clip in clips:
        assert f'id="{clip["id"]}"' in report
        assert f'src="{clip["files"]["source"]}"' in report
        assert html.escape(clip["hook_line"]) in report
        edl = json.loads((out / clip["files"]["edl"]).read_text())
        assert (edl["title"], edl["hook_line"]) == (clip["title"], clip["hook_line"])
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", report)
    assert not (out / ".klair").exists(), "working files left behind"


def test_run_reports_unreadable_media_as_a_failed_job(tmp_path: Path) -> None:
    bogus = tmp_path / "not-a-video.mp4"
    bogus.write_text("this is not media at all\n" * 50)
    done = _klair("run", str(bogus), "--out", str(tmp_path / "out"), "--json")
    assert done.returncode == 1
    job = json.loads(done.stdout)["job"]
    assert job["status"] == "failed"
    assert job["error"]["code"] == "unsupported_media"
    assert job["error"]["stage"] == "ingest"


def test_run_refuses_a_missing_file_with_exit_code_2(tmp_path: Path) -> None:
    done = _klair("run", str(tmp_path / "absent.mp4"), "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert "no such file" in done.stderr


def test_run_rejects_bad_flags_with_exit_code_2_and_a_json_error(tmp_path: Path) -> None:
    done = _klair("run", "x.mp4", "--out", str(tmp_path), "--length", "60-15", "--json")
    assert done.returncode == 2
    assert json.loads(done.stdout)["error"]["code"] == "invalid_options"
    done = _klair("run", "x.mp4", "--out", str(tmp_path), "--aspect", "4:3")
    assert done.returncode == 2 and "unknown aspect ratio 4:3" in done.stderr


def test_ctrl_c_cancels_the_job_cleanly_with_exit_code_130(tmp_path: Path) -> None:
    source = tmp_path / "talk.mp4"
    make_sample_video(source, seconds=40)
    out = tmp_path / "out"
    run = subprocess.Popen(
        [sys.executable, "-m", "klair.cli.main", "run", str(source), "--out", str(out), "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not (out / ".klair" / "blobs" / "local" / "work").exists():  # transcoding started
        assert run.poll() is None and time.monotonic() < deadline, "the run never started"
        time.sleep(0.05)
    run.send_signal(signal.SIGINT)
    stdout, stderr = run.communicate(timeout=120)
    assert run.returncode == 130, stderr[-3000:]
    results = json.loads(stdout)
    assert results["job"]["status"] == "cancelled"
    assert results == json.loads((out / "results.json").read_text())
    left = sorted(str(p.relative_to(out)) for p in out.glob(".klair/**/*"))
    assert not (out / ".klair").exists(), f"working files left behind: {left}"
    assert (out / "report.html").exists()
