"""Headless Chromium for the e2e tests that render a page (`scripts/setup.sh --dev` installs
it): a missing browser fails on CI and skips elsewhere."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
)  # fmt: skip


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: scripts/setup.sh --dev installs it")
        pytest.skip("chromium is not installed (scripts/setup.sh --dev installs it)")
    return found


def browse(url: str, profile: Path, *args: str) -> str:
    """Chromium's stdout for `url` with `args` (a window size, `--dump-dom`, `--screenshot`),
    in its own profile folder; a non-zero exit fails the test with its stderr."""
    done = subprocess.run(
        [chromium(), *FLAGS, f"--user-data-dir={profile}", *args, url],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout
