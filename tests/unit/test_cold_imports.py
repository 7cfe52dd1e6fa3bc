"""Cold starts stay cheap: `import main` of a function imports the framework and the entry
points, never Klair's handlers, models or clients (they load on the first call)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from klair import entrypoints

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"
NAMES = sorted(p.parent.name for p in FUNCTIONS.glob("*/main.py"))
# Each costs tens of milliseconds or more to import, or pulls a client library in.
HEAVY = (
    "pydantic",
    "pydantic_settings",
    "structlog",
    "rich",
    "jwt",
    "httpx",
    "google.cloud.firestore",
    "google.cloud.storage",
    "google.cloud.pubsub_v1",
    "google.cloud.tasks_v2",
    "google.genai",
    "yt_dlp",
    "numpy",
    "cv2",
    "faster_whisper",
    "klair.config",
    "klair.domain",
    "klair.handlers",
    "klair.adapters",
    "klair.http",
)
PROBE = "import json, sys, main; print(json.dumps(sorted(sys.modules)))"


def imported_by_main(name: str) -> set[str]:
    env = {**os.environ, "KLAIR_MODE": "cloud", "PYTHONPATH": str(FUNCTIONS / name)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=FUNCTIONS / name, env=env, capture_output=True,
        text=True, check=True, timeout=120,
    )  # fmt: skip
    return set(json.loads(done.stdout))


def test_every_function_is_checked() -> None:
    assert {"api", "analyze", "export", "ingest", "notify", "webhooks"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_import_main_leaves_the_heavy_modules_for_the_first_call(name: str) -> None:
    modules = imported_by_main(name)
    assert "klair.entrypoints" in modules
    loaded = sorted(
        m for m in modules for heavy in HEAVY if m == heavy or m.startswith(heavy + ".")
    )
    assert loaded == []


def test_each_event_function_resolves_to_its_event_type_and_handler() -> None:
    from klair.domain.events import Message

    assert set(entrypoints.EVENT_FUNCTIONS) == set(entrypoints.EVENT_REFS)
    for function, (kind, handler) in entrypoints.EVENT_FUNCTIONS.items():
        assert issubclass(kind, Message), function
        assert callable(handler), function
        assert handler.__name__ == entrypoints.EVENT_REFS[function][1].rpartition(":")[2]
