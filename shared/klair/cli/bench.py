"""`klair bench`: find the repository's `bench/` folder and run its benchmarks as
`python -m bench.<name>` from the repository root (bench/ is not part of the installed
package, so the command works from a checkout with an editable install)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import klair

SUITE = "run"  # bench/run.py: every benchmark side by side, one table, JSON in bench/results/


class BenchNotFound(Exception):
    """No `bench/` folder beside the installed package (not a checkout)."""


def repo_root() -> Path:
    """The checkout holding `shared/klair` and `bench/`; KLAIR_REPO overrides it."""
    override = os.environ.get("KLAIR_REPO")
    root = Path(override) if override else Path(klair.__file__).resolve().parents[2]
    if not (root / "bench" / "__init__.py").is_file():
        raise BenchNotFound(
            f"no bench/ folder in {root}: run from a checkout installed with `pip install -e .` "
            "or set KLAIR_REPO to one"
        )
    return root


def available(root: Path) -> list[str]:
    """Benchmark modules: every bench/*.py with a `main()` except helpers."""
    found = []
    for path in sorted((root / "bench").glob("*.py")):
        if path.stem.startswith("_") or "def main(" not in path.read_text():
            continue
        found.append(path.stem)
    return found


def command(name: str, args: list[str]) -> list[str]:
    return [sys.executable, "-m", f"bench.{name}", *args]


def run(name: str | None, args: list[str]) -> int:
    """Run one benchmark module (or the whole suite) in a child process; its exit code."""
    root = repo_root()
    target = name or SUITE
    if target not in available(root):
        raise BenchNotFound(f"no benchmark {target!r}: one of {', '.join(available(root))}")
    if "--quick" in args and '"--quick"' not in (root / "bench" / f"{target}.py").read_text():
        args = [a for a in args if a != "--quick"]  # that benchmark has one size only
    path = [str(root), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(path)}
    return subprocess.run(command(target, args), cwd=root, env=env, check=False).returncode
