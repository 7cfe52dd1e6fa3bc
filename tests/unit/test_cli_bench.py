"""`klair bench` finds the checkout's bench/ folder and its benchmark modules."""

from __future__ import annotations

from pathlib import Path

import pytest

from klair.cli.bench import BenchNotFound, available, repo_root, run


def test_the_checkout_and_its_benchmarks_are_found() -> None:
    root = repo_root()
    assert (root / "shared" / "klair").is_dir()
    found = available(root)
    for name in ("run", "transcode", "detection", "export", "cold_start", "load", "klair_run"):
        assert name in found
    assert "timing" not in found and "__init__" not in found


def test_an_unknown_benchmark_or_a_missing_checkout_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with pytest.raises(BenchNotFound, match="no benchmark 'nope'"):
        run("nope", [])
    monkeypatch.setenv("KLAIR_REPO", str(tmp_path))
    with pytest.raises(BenchNotFound, match="no bench/ folder"):
        repo_root()
