"""Cold starts stay cheap: `import main` of a function imports the framework, the entry
points and its own use case (statically, one hop), never another function's handler, an
adapter, a model or a client library (those load on the first call, from bootstrap)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from klair.handlers.routes import ROUTES

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"
NAMES = sorted(p.parent.name for p in FUNCTIONS.glob("*/main.py"))
# Client libraries, models and adapters: built by bootstrap on the first call, never at import.
# (structlog imports rich when it is installed; a deployed zip does not ship it.)
HEAVY = (
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
    "av",
    "faster_whisper",
    "klair.config",
    "klair.bootstrap",
    "klair.adapters",
    "klair.http",
    "klair.cli",
    "klair.devstack",
)
HANDLER_GROUPS = ("klair.handlers.pipeline", "klair.handlers.api", "klair.handlers.inbound",
                  "klair.handlers.outbound")  # fmt: skip
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
    assert any(m.startswith("klair.entry.") for m in modules)
    loaded = sorted(
        m for m in modules for heavy in HEAVY if m == heavy or m.startswith(heavy + ".")
    )
    assert loaded == []


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_an_event_function_imports_its_own_use_case_and_no_other(name: str) -> None:
    modules = imported_by_main(name)
    own = ROUTES[name][1].__module__
    assert own in modules
    others = {ROUTES[n][1].__module__ for n in ROUTES} - {own}
    assert sorted(others & modules) == []


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_each_main_runs_the_routing_tables_event_type_and_handler(name: str) -> None:
    """`functions/<name>/main.py` names its pair statically; the in-process bus reads the
    table: the two never drift apart."""
    kind, handler = ROUTES[name]
    source = (FUNCTIONS / name / "main.py").read_text()
    assert f"import {kind.__name__}" in source
    assert f"from {handler.__module__} import {handler.__name__}" in source
    assert f'delivered({handler.__name__}, "{name}")' in source


def test_every_event_function_is_in_the_routing_table() -> None:
    events = {n for n in NAMES if "on_cloud_event" in (FUNCTIONS / n / "main.py").read_text()}
    events |= {n for n in NAMES if "on_task(" in (FUNCTIONS / n / "main.py").read_text()}
    assert events == set(ROUTES)
