"""`klair`: run the main job locally, start the local stack, mint dev tokens, package the
functions, run the benchmarks and regenerate the Python client."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import structlog
import typer
from rich.console import Console
from rich.table import Table

from klair.cli.client import app as client_app
from klair.cli.client import openapi

app = typer.Typer(help="Klair: long videos in, short ranked clips out.", no_args_is_help=True)
app.add_typer(client_app, name="client")
app.command()(openapi)
console = Console(stderr=True)

EXIT_BAD_INPUT = 2


@app.callback()
def main() -> None:
    """Klair: long videos in, short ranked clips out."""


# `klair run`'s options, named once here so the command reads as a list of them.
Source = Annotated[str | None, typer.Argument(metavar="FILE|URL", help="A video file or URL.")]
Sample = Annotated[bool, typer.Option(help="Generate a sample talking video and use it.")]
Out = Annotated[Path, typer.Option(metavar="DIR", help="Output folder.")]
Clips = Annotated[int, typer.Option(min=1, max=30, metavar="N", help="How many clips (1–30).")]
Length = Annotated[
    str | None,
    typer.Option(metavar="MIN-MAX", help="Clip length range in seconds [default: 15-60]."),
]
Preset = Annotated[
    str | None,
    typer.Option(
        metavar="PLATFORM",
        help="tiktok, reels, shorts or linkedin: the platform's aspect, clip lengths, caption "
        "safe area and loudness, under the flags given.",
    ),
]
Aspects = Annotated[
    list[str] | None,
    typer.Option(
        metavar="RATIO", help="Export aspect ratio, repeatable: source, 9:16, 4:5, 1:1, 16:9."
    ),
]
Captions = Annotated[
    str | None, typer.Option(metavar="STYLE", help="Burn captions in: clean, bold or karaoke.")
]
Analyzer = Annotated[
    str,
    typer.Option(
        metavar="offline|gemini",
        help="offline (Whisper + signals, no key) or gemini (Vertex AI on top of it; needs "
        "credentials and KLAIR_PROJECT).",
    ),
]
Audio = Annotated[
    bool,
    typer.Option(
        help="Audio job (no video needed): transcript, chapters and quotable moments; with "
        "--sample, an audio-only sample."
    ),
]
AsJson = Annotated[
    bool, typer.Option("--json", help="Print the results JSON only (nothing else on stdout).")
]
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Log every step.")]


@app.command(
    epilog="Exit codes: 0 completed; 1 the job failed (its code and reason printed); "
    "2 bad input (flags, a missing or refused source); 130 cancelled with Ctrl-C."
)
def run(
    source: Source = None,
    sample: Sample = False,
    out: Out = Path("klair-out"),
    clips: Clips = 5,
    length: Length = None,
    aspect: Aspects = None,
    preset: Preset = None,
    captions: Captions = None,
    analyzer: Analyzer = "offline",
    audio: Audio = False,
    as_json: AsJson = False,
    verbose: Verbose = False,
) -> None:
    """Run the whole pipeline in this process on a file or URL (no cloud, no key).

    Shows a progress bar per stage with the time left, then a table of the clips. Writes
    the clips, thumbnails, captions, edit lists, transcript, results.json and report.html
    (open it in a browser) into OUT. Ctrl-C cancels the job and removes its working files.
    """
    from klair.cli.run import RunRequest, execute

    _quiet_logs(verbose)
    request = RunRequest(
        source=source, out=out, sample=sample, clips=clips, length=length, audio=audio,
        aspect=tuple(aspect or ()), captions=captions, analyzer=analyzer, as_json=as_json,
        preset=preset,
    )  # fmt: skip
    code = execute(request, console)
    if code:
        raise typer.Exit(code)


def _quiet_logs(verbose: bool) -> None:
    """Logs go to stderr (stdout is for --json) and only warnings unless --verbose."""
    level = logging.INFO if verbose else logging.WARNING
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
    )
    logging.basicConfig(level=level, stream=sys.stderr)


DevEnv = Annotated[
    list[str] | None,
    typer.Option(
        "--env",
        metavar="NAME=VALUE",
        help="A setting for every child, repeatable; wins over the environment and the default.",
    ),
]
DEV_SETTINGS = (
    "Settings: every KLAIR_* setting the stack gives its children (mode, project, bucket, "
    "dispatcher and function URLs, signing key, KLAIR_CLERK_ISSUER, KLAIR_CLERK_JWKS_URL, "
    "KLAIR_CLERK_AUTHORIZED_PARTIES, KLAIR_SSRF_ALLOWED_HOSTS) comes from --env, else from "
    "your environment, else the dev default; the emulators' addresses are always those of the "
    "emulators it starts. Defaults: the dev issuer and its JWKS, authorised parties "
    '["http://localhost:3000"] (the azp of `klair token`), SSRF allowed hosts '
    '["127.0.0.1", "localhost"]. With KLAIR_CLERK_ISSUER naming another issuer (a Clerk '
    "development instance), tokens must come from that issuer: `klair token` refuses to mint."
)


@app.command(epilog=DEV_SETTINGS)
def dev(
    only: Annotated[list[str] | None, typer.Option(help="Run only these functions.")] = None,
    sweep_every: Annotated[float, typer.Option(help="Sweeper period in seconds (0: off).")] = 300.0,
    env: DevEnv = None,
) -> None:
    """Start the local stack: Firestore + Pub/Sub emulators, fake-gcs-server, every function
    on its port, push subscriptions, the tier-queue dispatcher and a dev Clerk issuer.
    Ctrl-C stops everything it started. Ports come from emulator-config/topology.yaml;
    settings from --env, then your environment, then the dev defaults (below)."""
    from klair.cli.dev import BadInput, start

    try:
        start(only, sweep_every, env or [], console)
    except BadInput as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(EXIT_BAD_INPUT) from error


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
    azp: Annotated[
        str | None,
        typer.Option(help="The azp claim; default: the first of KLAIR_CLERK_AUTHORIZED_PARTIES."),
    ] = None,
) -> None:
    """Print a Clerk-shaped session token signed by the local stack's dev issuer; with
    --tier, first write the user's tier where the Clerk webhook would (`users/{uid}`).
    Refuses when KLAIR_CLERK_ISSUER names another issuer: the stack trusts only that one."""
    from klair.cli.dev import BadInput, mint

    try:
        typer.echo(mint(user or user_arg or "user_dev", tier, ttl, azp))
    except BadInput as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(EXIT_BAD_INPUT) from error


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
    modules it imports, requirements.txt pinning what those import) and OUT/manifest.json with
    each content hash."""
    from klair.cli.packaging import PackagingError, build, write_tfvars
    from klair.devstack.topology import DEFAULT_PATH

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


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    epilog="Examples: `klair bench --quick` (the suite, short inputs); `klair bench --only "
    "load --only cold_start`; `klair bench transcode --seconds 120 --breakdown`. Exit code: "
    "the benchmark's.",
)
def bench(
    ctx: typer.Context,
    name: Annotated[
        str | None,
        typer.Argument(
            help="One benchmark (run, transcode, detection, export, cold_start, load, "
            "klair_run, analyze, gemini_cost); default: the whole suite (run)."
        ),
    ] = None,
    quick: Annotated[
        bool, typer.Option(help="Short generated inputs (about 2 min instead of 10).")
    ] = False,
) -> None:
    """Run the benchmarks: each measures Klair and a baseline side by side in the same run on
    the same generated input and prints ratios; the suite also writes JSON to bench/results/.

    Runs `python -m bench.<name>` from the repository root (bench/ lives beside the package
    in a checkout); arguments after the name are passed on.
    """
    from klair.cli.bench import BenchNotFound
    from klair.cli.bench import run as run_bench

    extra = list(ctx.args)
    if name is not None and name.startswith("-"):  # `klair bench --only load`: the suite's
        extra = [name, *extra]
        name = None
    args = [*(["--quick"] if quick else []), *extra]
    try:
        code = run_bench(name, args)
    except BenchNotFound as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(EXIT_BAD_INPUT) from error
    if code:
        raise typer.Exit(code)


if __name__ == "__main__":
    app()
