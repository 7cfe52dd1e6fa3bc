"""`klair`: run the main job locally, start the local stack, mint dev tokens."""

from __future__ import annotations

import contextlib
import json
import logging
import re
import sys
import tempfile
import threading
from pathlib import Path
from typing import Annotated, Any

import httpx
import structlog
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from klair.domain.errors import KlairError
from klair.domain.job import Job, JobKind, JobOptions
from klair.domain.progress import progress
from klair.domain.status import JobStatus

app = typer.Typer(help="Klair: long videos in, short ranked clips out.", no_args_is_help=True)
console = Console(stderr=True)

EXIT_OK, EXIT_JOB_FAILED, EXIT_BAD_INPUT = 0, 1, 2


@app.callback()
def main() -> None:
    """Klair: long videos in, short ranked clips out."""


def _length(value: str) -> tuple[float, float]:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)\s*", value)
    if match is None:
        raise typer.BadParameter("use MIN-MAX seconds, e.g. 15-60")
    return float(match[1]), float(match[2])


def _report(job: Job, rows: list[dict[str, Any]]) -> None:
    table = Table(title=f"{job.id} · {job.status.value}")
    for column in ("rank", "time", "score", "reason", "file"):
        table.add_column(column)
    for row in rows:
        span = f"{row['start']:7.1f}–{row['end']:7.1f}s"
        files = row.get("files") or {}
        aux = ("thumbnail", "srt", "vtt", "edl", "otio")
        source_file = str(next((f for k, f in files.items() if k not in aux), ""))
        table.add_row(str(row["rank"]), span, f"{row['score']:.0f}", row["reason"], source_file)
    console.print(table)


@app.command()
def run(
    source: Annotated[str | None, typer.Argument(help="A video file or URL.")] = None,
    sample: Annotated[
        bool, typer.Option(help="Generate a sample talking video and use it.")
    ] = False,
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("klair-out"),
    clips: Annotated[int, typer.Option(min=1, max=30, help="How many clips.")] = 5,
    length: Annotated[str, typer.Option(help="Clip length range in seconds.")] = "15-60",
    audio: Annotated[
        bool,
        typer.Option(
            help="Audio job (no video needed): transcript, chapters and quotable moments; "
            "with --sample, an audio-only sample."
        ),
    ] = False,
    aspect: Annotated[
        list[str] | None,
        typer.Option(help="Export aspect ratio, repeatable: source, 9:16, 1:1, 16:9."),
    ] = None,
    captions: Annotated[
        str | None, typer.Option(help="Burn captions in: clean, bold or karaoke.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print results JSON only.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log every step.")] = False,
) -> None:
    """Run the whole pipeline in this process on a file or URL; writes clips and results.json.

    Exit codes: 0 completed, 1 the job failed (reason printed), 2 bad input.
    """
    from klair.embedded import run_job

    _quiet_logs(verbose)
    if (source is None) == (not sample):
        console.print("[red]give a file or URL, or --sample[/red]")
        raise typer.Exit(EXIT_BAD_INPUT)
    low, high = _length(length)
    try:
        options = JobOptions.model_validate(
            {
                "clip_count": clips, "min_clip_seconds": low, "max_clip_seconds": high,
                "aspect_ratios": tuple(aspect or ("source",)), "captions": captions is not None,
                "caption_style": captions or "clean",
            }
        )  # fmt: skip
    except ValueError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(EXIT_BAD_INPUT) from error
    if sample:
        source = str(_make_sample(out, audio))
    assert source is not None
    kind = JobKind.AUDIO if audio else JobKind.VIDEO
    columns = (
        TextColumn("{task.description:<12}"),
        BarColumn(),
        TextColumn("{task.fields[stage]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, disable=as_json) as bar:
        task = bar.add_task("klair", total=100, stage="queued")

        def hook(job: Job) -> None:
            bar.update(task, completed=progress(job), stage=job.status.value)

        try:
            result = run_job(source, out, options, kind, hook)
        except KlairError as error:  # refused before a job existed: bad input
            console.print(f"[red]{error.code}: {error.message}[/red]")
            raise typer.Exit(EXIT_BAD_INPUT) from error
    rows = json.loads(result.results_file.read_text())["clips"]
    if as_json:
        typer.echo(result.results_file.read_text())
    else:
        _report(result.job, rows)
        console.print(f"results: {result.results_file}")
    if result.job.status is not JobStatus.COMPLETED:
        failure = result.job.error
        reason = f"{failure.code}: {failure.message}" if failure else result.job.status.value
        console.print(f"[red]failed: {reason}[/red]")
        raise typer.Exit(EXIT_JOB_FAILED)


def _quiet_logs(verbose: bool) -> None:
    """Logs go to stderr (stdout is for --json) and only warnings unless --verbose."""
    level = logging.INFO if verbose else logging.WARNING
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
    )
    logging.basicConfig(level=level, stream=sys.stderr)


def _make_sample(out: Path, audio: bool = False) -> Path:
    """The generated sample: a talking video, or with `--audio` the same talk as audio only."""
    from klair.sample import make_sample_video

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


@app.command()
def dev(
    only: Annotated[list[str] | None, typer.Option(help="Run only these functions.")] = None,
    sweep_every: Annotated[float, typer.Option(help="Sweeper period in seconds (0: off).")] = 300.0,
) -> None:
    """Start the local stack: Firestore + Pub/Sub emulators, fake-gcs-server, every function
    on its port, push subscriptions, the tier-queue dispatcher and a dev Clerk issuer.
    Ctrl-C stops everything it started. Ports come from emulator-config/topology.yaml."""
    from klair.devstack.process import StackError
    from klair.devstack.stack import LocalStack, StackOptions, run_forever

    try:
        with LocalStack(StackOptions(functions=only)) as stack:
            ticker = _sweeper_timer(stack.urls.functions.get("sweeper"), sweep_every)
            try:
                run_forever(stack, console)
            finally:
                ticker.set()
    except StackError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(EXIT_BAD_INPUT) from error


def _sweeper_timer(url: str | None, period: float) -> threading.Event:
    """Cloud Scheduler's stand-in: POST the sweeper every `period` seconds until set."""
    stop = threading.Event()

    def tick() -> None:
        while url and period > 0 and not stop.wait(period):
            with contextlib.suppress(httpx.HTTPError):
                httpx.post(url, timeout=60)

    threading.Thread(target=tick, daemon=True, name="sweeper-timer").start()
    return stop


@app.command()
def token(
    user_arg: Annotated[
        str | None, typer.Argument(metavar="[USER]", help="The user id (Clerk `sub`).")
    ] = None,
    user: Annotated[str | None, typer.Option("--user", help="The user id (Clerk `sub`).")] = None,
    tier: Annotated[
        str | None, typer.Option(help="Also store this tier on the user (local Firestore).")
    ] = None,
    ttl: Annotated[int, typer.Option(help="Lifetime in seconds.")] = 3600,
) -> None:
    """Print a Clerk-shaped session token signed by the local stack's dev issuer; with
    --tier, first write the user's tier where the Clerk webhook would (`users/{uid}`)."""
    from klair.devstack.stack import REPO_ROOT
    from klair.http.dev_issuer import mint_from_key_dir
    from klair.topology import load_topology

    uid = user or user_arg or "user_dev"
    topology = load_topology()
    if tier is not None:
        _store_tier(uid, tier, topology.emulators["firestore"].address, topology.project)
    issuer = f"http://{topology.emulators['issuer'].address}"
    typer.echo(mint_from_key_dir(REPO_ROOT / ".devstack" / "keys", issuer, uid, ttl=ttl))


def _store_tier(uid: str, tier: str, firestore_address: str, project: str) -> None:
    """Upsert `users/{uid}` with `tier` in the local stack's Firestore emulator."""
    import os
    from datetime import UTC, datetime

    from google.cloud import firestore

    from klair.adapters.firestore_users import FirestoreUserStore
    from klair.config import Settings
    from klair.domain.errors import NotFound
    from klair.domain.ids import UserId
    from klair.ports import User

    if tier not in Settings().tiers:
        console.print(f"[red]unknown tier {tier!r}: one of {', '.join(Settings().tiers)}[/red]")
        raise typer.Exit(EXIT_BAD_INPUT)
    os.environ.setdefault("FIRESTORE_EMULATOR_HOST", firestore_address)
    store = FirestoreUserStore(firestore.Client(project=project))
    now = datetime.now(UTC)
    try:
        found = store.get(UserId(uid)).model_copy(update={"tier": tier, "updated_at": now})
    except NotFound:
        found = User(id=UserId(uid), tier=tier, created_at=now, updated_at=now)
    except Exception as error:  # the emulator is not running: say so instead of a traceback
        console.print(f"[red]cannot reach Firestore at {firestore_address}: {error}[/red]")
        raise typer.Exit(EXIT_BAD_INPUT) from error
    store.upsert(found)


@app.command()
def package(
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("dist"),
    only: Annotated[list[str] | None, typer.Option(help="Package only these functions.")] = None,
    runtime: Annotated[str, typer.Option(help="Cloud Functions runtime.")] = "python311",
    tfvars: Annotated[
        Path | None, typer.Option(help="Also write terraform's source_objects to this file.")
    ] = None,
) -> None:
    """Build one deterministic source zip per function (OUT/<function>.zip: main.py, the klair
    package, pinned requirements.txt) and OUT/manifest.json with each content hash."""
    from klair.packaging import PackagingError, build, write_tfvars
    from klair.topology import DEFAULT_PATH

    try:
        archives = build(DEFAULT_PATH.parents[1], out, only or (), runtime)
    except PackagingError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(EXIT_BAD_INPUT) from error
    if tfvars is not None:
        write_tfvars(tfvars, archives)
    table = Table(title=f"{len(archives)} archives in {out}")
    for column in ("function", "KiB", "sha256", "object"):
        table.add_column(column)
    for archive in archives:
        size = archive.path.stat().st_size / 1024
        table.add_row(archive.function, f"{size:.0f}", archive.digest[:12], archive.object_name)
    console.print(table)


if __name__ == "__main__":
    app()
