"""Cold start of each Cloud Function: `python -c 'import main'` in its folder against
`python -c 'import functions_framework'` alone, in fresh interpreters, same run.

    python -m bench.cold_start [--repeat 7] [--only api --only analyze …]

What a new instance pays before it answers its first request is `import main` (the entry
point, `klair.entry` and the function's own use case, imported statically) plus what the
first call imports (`klair.bootstrap`, the settings, the router for the HTTP functions; no
client is made and no network touched). The ratio is that sum against the framework's own
import, which every function needs anyway; the import alone is printed beside it. Medians
of interleaved runs; target ≤ 1.5×, printed, never asserted. `-X importtime` of the slowest
function shows where the time goes.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from functools import partial
from pathlib import Path

from bench.timing import Result, show, side_by_side

ROOT = Path(__file__).resolve().parents[1]
FUNCTIONS = ROOT / "functions"
# Import + first call of each function with the lazy import-string entry points (× the
# framework's import), measured beside the static ones when they landed; unlisted ones 3.0.
TARGETS = {"api": 3.7, "webhooks": 5.2, "notify": 3.1, "select": 3.0, "analyze": 2.9}
TARGET = 3.0
# What a deployed function sees: the cloud mode's settings, no emulator.
ENV = {
    "KLAIR_MODE": "cloud",
    "PYTHONDONTWRITEBYTECODE": "0",
    "KLAIR_CLERK_ISSUER": "https://clerk.example",  # the api router needs one; never fetched
}
# What each function's first call imports before it touches the network.
RESOLVE = "from klair.entry import runtime; import klair.bootstrap, klair.config; "
FIRST_CALL = {
    "api": RESOLVE + "from klair.entry import api; api.api_router()",
    "webhooks": RESOLVE + "from klair.entry import webhooks; webhooks.webhooks_router()",
}


def functions() -> list[str]:
    return sorted(p.parent.name for p in FUNCTIONS.glob("*/main.py"))


def _python(code: str, cwd: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **ENV, "PYTHONPATH": str(cwd)}
    return subprocess.run(
        [sys.executable, *flags, "-c", code], cwd=cwd, env=env, capture_output=True,
        text=True, check=True,
    )  # fmt: skip


def first_call(name: str) -> str:
    """Code importing what `name`'s first call imports (event functions: their handler)."""
    return FIRST_CALL.get(name, RESOLVE + "import klair.entry.wire")


def heaviest_imports(name: str, count: int = 6) -> str:
    """What `import main` spends its time on: the modules main and its imports import
    (two levels down), by cumulative time, from -X importtime."""
    done = _python("import main", FUNCTIONS / name, "-X", "importtime")
    cumulative: dict[str, int] = {}
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( +)(\S+)", line)
        if match and len(match[2]) in (3, 5):  # depth 1 and 2 under main
            cumulative[match[3]] = int(match[1])
    top = sorted(cumulative.items(), key=lambda kv: -kv[1])[:count]
    return ", ".join(f"{module} {us / 1000:.0f} ms" for module, us in top)


def measure(repeat: int, only: list[str] | None = None) -> list[Result]:
    names = only or functions()
    for name in names:  # warm the bytecode cache: a deployed function ships compiled files
        _python("import main", FUNCTIONS / name)
    base_code = partial(_python, "import functions_framework", ROOT)
    results = []
    for name in names:
        subject = partial(_python, "import main; " + first_call(name), FUNCTIONS / name)
        base, klair = side_by_side(base_code, subject, repeat)
        imported = partial(_python, "import main", FUNCTIONS / name)
        alone, _ = side_by_side(imported, subject, max(3, repeat // 2))
        details: dict[str, float | str] = {"import alone": f"{alone / base:.2f}×"}
        results.append(
            Result(f"cold start: {name} (import + first call)", "import functions_framework",
                   base, klair, TARGETS.get(name, TARGET), details=details)
        )  # fmt: skip
    slowest = max(results, key=lambda r: r.ratio)
    worst = slowest.name.split(": ")[1].split(" ")[0]
    heaviest: dict[str, float | str] = {
        **slowest.details,
        "heaviest imports": heaviest_imports(worst),
    }
    results[results.index(slowest)] = Result(
        slowest.name, slowest.baseline, slowest.baseline_value, slowest.klair_value,
        slowest.target,
        details=heaviest,
    )  # fmt: skip
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="3 repeats")
    parser.add_argument("--only", action="append", help="these functions only")
    args = parser.parse_args()
    repeat = 3 if args.quick else args.repeat
    show(measure(repeat, args.only), f"cold start per function (median of {repeat})")


if __name__ == "__main__":
    main()
