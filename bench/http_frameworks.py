"""Today's router against the candidate HTTP frameworks, each serving the `api` function's
status route the way functions-framework would (`bench.http_candidates`), same run:

    python -m bench.http_frameworks [--rate 200] [--seconds 30] [--repeat 7] [--quick]
    python -m bench.http_frameworks --before REF   # this tree's `api` against REF's

Two numbers per candidate, each against today's router:
- cold: a fresh interpreter imports functions-framework, creates the function's app from its
  `main.py` (`functions_framework.create_app`, which picks Starlette for an async function)
  and answers one request (`GET status` without a token: the 401 envelope, no network);
  median wall time of interleaved runs, the interpreter's start included for all alike;
- p99 of `GET /api/klair/status/{id}` at `--rate` req/s, open loop (`bench.load.paced`), each
  candidate its own functions-framework server on the same emulator stack, polling the same
  queued job with the same Clerk-shaped token (request limits off, as in `bench.load`):
  `--rounds` short runs each, interleaved, the median of their p99s (a 2-core machine shared
  with other work has bursts that would otherwise decide); the pooled p99 beside it.
The issue's bound: neither may be more than 20% worse than today (ratio ≤ 1.2×).
`--before REF` measures this tree's `api` function against the one of git revision REF
(its `shared/` extracted with `git archive`, imported ahead of this tree's) the same way:
the before/after of a change to the HTTP layer.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from functools import partial
from pathlib import Path

import httpx

from bench.http_candidates import FASTAPI_MAIN, FLASK_OPENAPI3_MAIN
from bench.load import Load, Target, paced
from bench.timing import Result, show, side_by_side

ROOT = Path(__file__).resolve().parents[1]
BOUND = 1.2
TODAY = "today's router"
# The `api/main.py` of each candidate (None: the repository's own function).
CANDIDATES: dict[str, str | None] = {
    TODAY: None,
    "FastAPI (aio)": FASTAPI_MAIN,
    "flask-openapi3": FLASK_OPENAPI3_MAIN,
}
ENV = {
    "KLAIR_MODE": "cloud",
    "KLAIR_CLERK_ISSUER": "https://clerk.example",  # needed to build the verifier; never fetched
    "PYTHONPATH": os.pathsep.join([str(ROOT / "shared"), str(ROOT)]),
}
# The polled job's source host: allowed without a DNS answer, as the tests allow theirs.
SOURCE_HOSTS = '["videos.example", "127.0.0.1", "localhost"]'
COLD = """
import asyncio, sys
import functions_framework
import flask

app = functions_framework.create_app("api", sys.argv[1])
path = "/api/klair/status/job_cold"
if isinstance(app, flask.Flask):
    from werkzeug.test import EnvironBuilder, run_wsgi_app
    body, status, _ = run_wsgi_app(app, EnvironBuilder(path=path).get_environ(), buffered=True)
    code, body = int(status.split()[0]), b"".join(body)
else:
    sent = []
    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}
    async def send(message):
        sent.append(message)
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(),
             "root_path": "", "query_string": b"", "headers": [(b"host", b"localhost")],
             "client": ("127.0.0.1", 1), "server": ("localhost", 80)}
    asyncio.run(app(scope, receive, send))
    code, body = sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])
assert code == 401 and b'"missing_token"' in body, (code, body)
"""


BEFORE_MAIN = '''"""The `api` function of an earlier tree, for bench.http_frameworks --before."""
import sys

sys.path.insert(0, {shared!r})

import functions_framework

from klair.entry.api import handle_api


@functions_framework.http
def api(request):
    return handle_api(request)
'''


def before_tree(ref: str, into: Path) -> dict[str, str | None]:
    """The candidates of a before/after run: this tree's `api` and REF's."""
    tree = into / "before"
    tree.mkdir()
    archive = subprocess.run(
        ["git", "archive", ref, "shared"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    main = BEFORE_MAIN.replace("{shared!r}", repr(str(tree / "shared")))
    return {TODAY: None, f"before ({ref})": main.replace("{", "{{").replace("}", "}}")}


def sources(into: Path, candidates: dict[str, str | None]) -> dict[str, Path]:
    """Each candidate's `api/main.py` (a folder per candidate, as functions-framework wants)."""
    found: dict[str, Path] = {}
    for n, (name, text) in enumerate(candidates.items()):
        if text is None:
            found[name] = ROOT / "functions" / "api" / "main.py"
            continue
        folder = into / f"candidate{n}" / "api"
        folder.mkdir(parents=True)
        (folder / "main.py").write_text(text.format(root=str(ROOT)))
        found[name] = folder / "main.py"
    return found


def _python(code: str, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-c", code, *args], env={**os.environ, **ENV}, cwd=ROOT,
        capture_output=True, text=True, check=True,
    )  # fmt: skip


def cold(mains: dict[str, Path], repeat: int) -> dict[str, tuple[float, float]]:
    """(today's, the candidate's) median seconds of a fresh interpreter's import + first
    request, interleaved with each other: a busy machine slows both alike."""
    for main in mains.values():  # bytecode compiled once, as a deployed function ships it
        _python(COLD, str(main))
    today = partial(_python, COLD, str(mains[TODAY]))
    return {
        name: side_by_side(today, partial(_python, COLD, str(main)), repeat)
        for name, main in mains.items()
        if name != TODAY
    }


@contextmanager
def servers(mains: dict[str, Path]) -> Iterator[dict[str, list[Target]]]:
    """A LocalStack running today's `api`, each candidate beside it on the same emulators;
    the status target of one queued job, per candidate."""
    from klair.devstack.functions import function_process
    from klair.devstack.process import free_port
    from klair.devstack.stack import LocalStack, StackOptions

    with tempfile.TemporaryDirectory(prefix="klair-bench-frameworks-") as tmp, ExitStack() as on:
        options = StackOptions(
            free_ports=True, functions=["api"], workdir=Path(tmp),
            extra_env={"KLAIR_RATE_LIMITS": "false", "KLAIR_SSRF_ALLOWED_HOSTS": SOURCE_HOSTS},
        )  # fmt: skip
        stack = on.enter_context(LocalStack(options))
        api = str(stack.urls.api).rstrip("/")
        token = stack.issuer.mint("user_bench_frameworks", ttl=3600)
        headers = {"Authorization": f"Bearer {token}"}
        made = httpx.post(
            f"{api}/api/klair/analyze", json={"url": "https://videos.example/talk.mp4"},
            headers=headers, timeout=30,
        )  # fmt: skip
        made.raise_for_status()
        path = f"/api/klair/status/{made.json()['job_id']}"
        bases = {TODAY: api}
        fn = options.topology.functions["api"]
        for name, main in mains.items():
            if name == TODAY:
                continue
            port = free_port()
            process = function_process(
                "api", fn, stack.env, Path(tmp) / "logs" / main.parent.parent.name,
                functions_dir=main.parent.parent, port=port,
            )  # fmt: skip
            process.start()
            on.callback(process.stop)
            process.wait_ready()
            bases[name] = f"http://127.0.0.1:{port}"
        yield {name: [(base + path, headers)] for name, base in bases.items()}


def load(mains: dict[str, Path], rate: float, seconds: float, rounds: int) -> dict[str, list[Load]]:
    """`rounds` short runs per candidate, interleaved and in a rotating order: a burst of
    other work on the machine lands on one run of one candidate, not on all of its time."""
    with servers(mains) as targets:
        for found in targets.values():  # warm: lazy imports, caches, JWKS
            paced(found, rate=50, seconds=1)
        runs: dict[str, list[Load]] = {name: [] for name in targets}
        names = list(targets)
        for n in range(rounds):
            for name in names[n % len(names) :] + names[: n % len(names)]:
                runs[name].append(paced(targets[name], rate, seconds / rounds))
    return runs


def pooled(runs: list[Load]) -> Load:
    return Load(
        sum(r.requests for r in runs),
        sum(r.seconds for r in runs),
        sum(r.errors for r in runs),
        tuple(x for r in runs for x in r.latencies),
    )


def p99(runs: list[Load]) -> float:
    """The median of the runs' p99s (one disturbed run does not decide)."""
    return statistics.median(r.percentile(99) for r in runs)


def results(
    colds: dict[str, tuple[float, float]], loads: dict[str, list[Load]], rate: float, repeat: int
) -> list[Result]:
    rows: list[Result] = []
    for name in colds:
        base, subject = colds[name]
        rows.append(
            Result(f"{name}: import + first request", TODAY, base, subject, BOUND,
                   details={"interleaved runs": repeat})
        )  # fmt: skip
        mine, today = loads[name], loads[TODAY]
        rows.append(
            Result(f"{name}: GET status p99 at {rate:g}/s", TODAY, p99(today), p99(mine),
                   BOUND, unit="ms",
                   details={"runs": len(mine), "pooled p99": f"{pooled(mine).percentile(99):.1f}"
                            f" ms (today {pooled(today).percentile(99):.1f} ms)",
                            "p50": f"{pooled(mine).percentile(50):.1f} ms (today "
                            f"{pooled(today).percentile(50):.1f} ms)",
                            "errors": pooled(mine).errors, "today's": pooled(today).errors})
        )  # fmt: skip
    return rows


def decision(rows: list[Result]) -> str:
    within = {row.name.split(":")[0] for row in rows} - {
        row.name.split(":")[0] for row in rows if row.ratio > BOUND
    }
    if not within:
        return f"decision: no candidate within {BOUND}× of today on both: keep today's router"
    scored = {
        name: max(row.ratio for row in rows if row.name.startswith(name + ":")) for name in within
    }
    best = min(scored, key=lambda name: scored[name])
    return (
        f"within {BOUND}× on both: {', '.join(sorted(within))}; "
        f"least worse of its two ratios: {best} ({scored[best]:.2f}×)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=30.0, help="per candidate")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="10 s per candidate, 3 repeats")
    parser.add_argument("--before", metavar="REF", help="this tree against git revision REF")
    args = parser.parse_args()
    seconds, repeat = (10.0, 3) if args.quick else (args.seconds, args.repeat)
    with tempfile.TemporaryDirectory(prefix="klair-bench-candidates-") as tmp:
        chosen = before_tree(args.before, Path(tmp)) if args.before else CANDIDATES
        mains = sources(Path(tmp), chosen)
        colds = cold(mains, repeat)
        loads = load(mains, args.rate, seconds, args.rounds)
    rows = results(colds, loads, args.rate, repeat)
    if args.before:
        show(
            [after(row) for row in rows], f"this tree's api against {args.before} (bound {BOUND}×)"
        )
        return
    show(rows, f"HTTP framework candidates against today's router (bound {BOUND}×)")
    print(decision(rows))


def after(row: Result) -> Result:
    """A before/after row: this tree's value against the earlier one's."""
    before = row.name.split(":")[0]
    details = {  # measured as the before's, against "today" (this tree)
        f"before's {key}".replace("before's today's", "after's"): str(value)
        .replace("(today", "(after")
        .replace("today's", "after's")
        for key, value in row.details.items()
    }
    return Result(
        row.name.replace(before, "after (this tree)"), before, row.klair_value,
        row.baseline_value, row.target, row.unit, details,
    )  # fmt: skip


if __name__ == "__main__":
    main()
