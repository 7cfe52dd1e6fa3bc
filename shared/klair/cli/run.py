"""`klair run`: the embedded main job from the command line — flags to job options, progress
bars, the final table, `report.html`, `--json`, Ctrl-C and the exit codes."""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from klair.cli.embedded import RunResult
from klair.cli.progress import StageBars
from klair.domain.errors import InvalidInput, KlairError
from klair.domain.job import JobKind, JobOptions
from klair.domain.status import JobStatus

# Exit codes of `klair run` (documented in its --help and the README).
EXIT_OK, EXIT_JOB_FAILED, EXIT_BAD_INPUT, EXIT_CANCELLED = 0, 1, 2, 130
ANALYZERS = ("offline", "gemini")
AUX_FILES = ("thumbnail", "srt", "vtt", "edl", "otio")


@dataclass(frozen=True)
class RunRequest:
    """What `klair run` was asked, as typed on the command line."""

    source: str | None
    out: Path
    sample: bool = False
    clips: int = 5
    length: str | None = None  # MIN-MAX; 15-60 unless a preset says otherwise
    audio: bool = False
    aspect: tuple[str, ...] = ()
    captions: str | None = None
    analyzer: str = "offline"
    as_json: bool = False
    preset: str | None = None


def parse_length(value: str) -> tuple[float, float]:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)\s*", value)
    if match is None:
        raise InvalidInput("--length: use MIN-MAX seconds, e.g. 15-60", code="bad_length")
    return float(match[1]), float(match[2])


def job_options(request: RunRequest) -> JobOptions:
    """The job's options from the flags; a value the job refuses is `InvalidInput`."""
    if request.analyzer not in ANALYZERS:
        raise InvalidInput(f"--analyzer: one of {', '.join(ANALYZERS)}", code="unknown_analyzer")
    values: dict[str, object] = {
        "clip_count": request.clips,
        "captions": request.captions is not None,
        "caption_style": request.captions or "clean",
        "analyzer": "auto" if request.analyzer == "gemini" else "offline",
    }
    if request.length is not None:  # flags given win over the preset's choices
        values["min_clip_seconds"], values["max_clip_seconds"] = parse_length(request.length)
    if request.aspect or request.preset is None:
        values["aspect_ratios"] = request.aspect or ("source",)
    if request.preset is not None:
        values["preset"] = request.preset
    try:
        return JobOptions.model_validate(values)
    except ValueError as error:
        raise InvalidInput(str(error), code="invalid_options") from error


def make_sample(out: Path, audio: bool, console: Console) -> Path:
    """The generated sample: a talking video, or with `--audio` the same talk as audio only."""
    from klair.cli.sample import make_sample_video

    out.mkdir(parents=True, exist_ok=True)
    name = "sample.m4a" if audio else "sample.mp4"
    path = out / name
    if not path.exists():
        console.print(f"generating {name}…")
        with tempfile.TemporaryDirectory() as tmp:
            made = Path(tmp) / name
            make_sample_video(made, video=not audio)
            made.replace(path)
    return path


def _table(result: RunResult, rows: list[dict[str, Any]]) -> Table:
    table = Table(title=f"{result.job.id} · {result.job.status.value}")
    for column in ("rank", "time", "score", "reason", "file"):
        table.add_column(column, overflow="fold")
    for row in rows:
        span = f"{row['start']:7.1f}–{row['end']:7.1f}s"
        files = row.get("files") or {}
        first = str(next((f for k, f in files.items() if k not in AUX_FILES), ""))
        table.add_row(str(row["rank"]), span, f"{row['score']:.0f}", row["reason"], first)
    return table


def _fail(error: KlairError, request: RunRequest, console: Console) -> int:
    console.print(f"[red]{error.code}: {error.message}[/red]")
    if request.as_json:
        typer.echo(json.dumps({"error": {"code": error.code, "message": error.message}}))
    return EXIT_BAD_INPUT


def execute(request: RunRequest, console: Console) -> int:
    """Run the job and say how it went; returns the exit code."""
    try:
        options = job_options(request)
        if (request.source is None) == (not request.sample):
            raise InvalidInput("give a file or URL, or --sample", code="no_source")
        source = request.source
        if request.sample:
            source = str(make_sample(request.out, request.audio, console))
        assert source is not None
        result = _run(request, source, options, console)
    except KlairError as error:  # refused before a job existed: bad input
        return _fail(error, request, console)
    except KeyboardInterrupt:  # before the job started (sample, submit): nothing to cancel
        console.print("[yellow]cancelled[/yellow]")
        return EXIT_CANCELLED
    return _finish(request, result, console)


def _run(request: RunRequest, source: str, options: JobOptions, console: Console) -> RunResult:
    from klair.cli.embedded import run_job

    kind = JobKind.AUDIO if request.audio else JobKind.VIDEO
    is_url = source.startswith(("http://", "https://"))
    skip = frozenset() if is_url else frozenset({"download"})
    model = None
    if request.analyzer == "gemini":
        _check_gemini()
        model = "gemini"
    with StageBars(console, enabled=not request.as_json, skip=skip) as bars:
        return run_job(source, request.out, options, kind, bars.update, model_analyzer=model)


def _check_gemini() -> None:
    """Gemini runs on Vertex AI: without credentials (or a stub endpoint) every chunk would
    crash, so say so before starting."""
    import google.auth
    from google.auth.exceptions import DefaultCredentialsError

    from klair.config import Settings

    if Settings().gemini_base_url:
        return
    try:
        google.auth.default()
    except DefaultCredentialsError as error:
        raise InvalidInput(
            "--analyzer gemini needs Google Cloud credentials (gcloud auth application-default "
            "login) and KLAIR_PROJECT; the offline analyzer needs neither",
            code="gemini_not_configured",
        ) from error


def _finish(request: RunRequest, result: RunResult, console: Console) -> int:
    from klair.cli.report import write_report

    report = write_report(request.out)
    text = result.results_file.read_text()
    job = result.job
    if request.as_json:
        typer.echo(text)
    else:
        console.print(_table(result, json.loads(text)["clips"]))
        console.print(f"results: {result.results_file}\nreport:  {report}")
    if job.analysis_fallbacks:  # Gemini could not answer: those chunks are offline clips
        reasons = ", ".join(f"chunk {n}: {why}" for n, why in job.analysis_fallbacks.items())
        console.print(f"[yellow]model analysis fell back to offline ({reasons})[/yellow]")
    if job.status is JobStatus.COMPLETED:
        return EXIT_OK
    if job.status is JobStatus.CANCELLED:
        console.print("[yellow]cancelled: the job stopped, its working files are removed[/yellow]")
        return EXIT_CANCELLED
    reason = f"{job.error.code}: {job.error.message}" if job.error else job.status.value
    console.print(f"[red]failed: {reason}[/red]")
    return EXIT_JOB_FAILED
