"""The build is pinned: every Cloud Build step runs on an image pinned by digest, and the
Python that packages the functions (and lints, types and tests them) is the Python the
functions run — terraform's `runtime`. Moving either alone fails here, before a deploy
ships requirements resolved for the wrong interpreter."""

from __future__ import annotations

import inspect
import re
from typing import Any

import pytest

from klair.cli import main as cli
from klair.cli.packaging import RUNTIMES
from tests.unit.terraform_config import ENVIRONMENTS, KLAIR, ROOT, config, module_call
from tests.unit.test_cloudbuild import pipeline, script, steps

DIGEST = re.compile(r"^[\w./-]+(:[\w.-]+)?@sha256:[0-9a-f]{64}$")
PYTHON_TAG = re.compile(r"^python:(\d+)\.(\d+)(?:\.\d+)?-[\w.-]+@sha256:[0-9a-f]{64}$")


def image(step: dict[str, Any]) -> str:
    """The step's image with its substitution resolved."""
    name = str(step["name"])
    found = re.fullmatch(r"\$\{(\w+)\}", name)
    return str(pipeline()["substitutions"][found[1]]) if found else name


def runtime_python() -> str:
    """The Python of the functions' runtime as terraform deploys it (every environment)."""
    runtime = config(KLAIR)["variable"]["runtime"]["default"]
    for env in ENVIRONMENTS:
        runtime = module_call(env, "klair")[1].get("runtime", runtime)
    return RUNTIMES[runtime]


def test_every_step_runs_on_an_image_pinned_by_digest() -> None:
    for step in pipeline()["steps"]:
        assert DIGEST.match(image(step)), f"{step['id']}: {image(step)} is not pinned by digest"


def test_the_python_steps_run_the_runtimes_python() -> None:
    python = runtime_python()
    python_steps = [
        s for s in pipeline()["steps"] if ".venv" in script(s) or "setup.sh" in script(s)
    ]
    assert {s["id"] for s in python_steps} >= {"install", "tests", "package", "upload"}
    for step in python_steps:
        tag = PYTHON_TAG.match(image(step))
        assert tag, f"{step['id']}: {image(step)} is not a python image pinned by digest"
        assert f"{tag[1]}.{tag[2]}" == python, (
            f"{step['id']} packages with Python {tag[1]}.{tag[2]}, the functions run {python}"
        )


def test_klair_package_targets_the_deployed_runtime() -> None:
    package = script(steps()["package"])
    named = re.search(r"--runtime[= ](\w+)", package)
    default = inspect.signature(cli.package).parameters["runtime"].default
    assert RUNTIMES[named[1] if named else default] == runtime_python()


def test_the_local_tools_target_the_runtimes_python() -> None:
    python = runtime_python()
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert f'python_version = "{python}"' in pyproject  # mypy
    assert f'target-version = "py{python.replace(".", "")}"' in pyproject  # ruff
    assert f"PY=${{PYTHON:-python{python}}}" in (ROOT / "scripts/setup.sh").read_text()


@pytest.mark.parametrize("tag", ["python:3.12.4-slim-bookworm", "python:3.10-slim"])
def test_a_different_python_would_fail_the_check(tag: str) -> None:
    """The check itself can fail: another minor version does not match the runtime's."""
    pinned = f"{tag}@sha256:{'0' * 64}"
    found = PYTHON_TAG.match(pinned)
    assert found and f"{found[1]}.{found[2]}" != runtime_python()
