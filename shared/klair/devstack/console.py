"""What `klair dev` prints: the stack's components, the clients' environment, the settings
that are the developer's own, and which children died."""

from __future__ import annotations

import signal
import time

from rich.console import Console
from rich.table import Table

from klair.devstack.stack import LocalStack


def summary(stack: LocalStack) -> Table:
    table = Table("component", "url", "log", title=f"klair dev: up in {stack.startup_seconds:.1f}s")
    urls, emu_ = stack.urls, stack.emulators
    rows = dict(firestore=emu_.firestore, pubsub=emu_.pubsub, gcs=emu_.gcs, issuer=urls.issuer)
    for name, url in {**rows, "dispatcher": urls.dispatcher, **urls.functions}.items():
        log = stack.log_dir / f"{name}.log"
        table.add_row(name, url, str(log) if log.exists() else "")
    return table


def run_forever(stack: LocalStack, console: Console | None = None) -> None:
    """Print the stack's summary and environment, then block until Ctrl-C or SIGTERM."""
    out = console or Console()
    out.print(summary(stack))
    out.print("[bold]Environment for clients[/bold] (copy into your shell):")
    for name, value in sorted(stack.env.items()):
        out.print(f"export {name}='{value}'", markup=False, highlight=False)
    explain_settings(stack, out)

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    reported: set[str] = set()
    try:
        while True:
            for name in sorted(set(stack.exited()) - reported):
                reported.add(name)
                out.print(f"[red]{name} exited[/red]: see {stack.log_dir / (name + '.log')}")
            time.sleep(1.0)
    except KeyboardInterrupt:
        out.print("stopping the local stack…")
    finally:
        signal.signal(signal.SIGTERM, previous)


def explain_settings(stack: LocalStack, out: Console) -> None:
    """Name the settings that came from the flags or the environment, and say where tokens
    come from when the stack trusts an issuer other than its own."""
    own = stack.own_settings
    if own:
        out.print("[bold]From your environment or --env[/bold] (over the dev defaults):")
        for name in sorted(own):
            out.print(f"  {name}", markup=False, highlight=False)
    trusted, dev = stack.urls.issuer, stack.issuer.issuer
    if trusted != dev:
        out.print(
            f"[yellow]Tokens must come from {trusted}[/yellow]: `klair token` mints only for "
            f"the dev issuer ({dev}), whose tokens this stack refuses."
        )
