"""cloudbuild.yaml: valid YAML whose steps run in the issue's order (install, ruff, mypy, tests
on emulators, package, upload, terraform validate/plan, apply), whose substitutions are all
declared, which passes terraform exactly the variables it declares, and which applies prod only
after a person approved it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.unit.terraform_config import ENVIRONMENTS, ROOT, config

PIPELINE = ROOT / "cloudbuild.yaml"
BUILT_IN = {"PROJECT_ID", "PROJECT_NUMBER", "BUILD_ID", "LOCATION", "BRANCH_NAME", "SHORT_SHA"}
ORDER = [
    ("install", ["scripts/setup.sh --dev"]),
    ("ruff", ["ruff check", "ruff format --check"]),
    ("mypy", ["mypy"]),
    ("import-contracts", ["lint-imports"]),
    ("tests", ["pytest"]),
    ("package", ["klair package"]),
    ("upload", ["if_generation_match=0"]),
    ("terraform-validate", ["terraform fmt -check -recursive", "validate"]),
    ("terraform-plan", ["terraform init", "terraform validate", "terraform plan"]),
    ("terraform-apply", ["terraform apply"]),
]


def pipeline() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(PIPELINE.read_text())
    return loaded


def steps() -> dict[str, dict[str, Any]]:
    return {step["id"]: step for step in pipeline()["steps"]}


def strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return [str(value)]


def script(step: dict[str, Any]) -> str:
    return "\n".join(str(arg) for arg in step.get("args", []))


def needs(step_id: str) -> set[str]:
    """Every step that must finish before this one (Cloud Build's waitFor, transitively; a
    step without waitFor waits for all the steps before it)."""
    ordered = [s["id"] for s in pipeline()["steps"]]
    found: set[str] = set()
    pending = [step_id]
    while pending:
        current = steps()[pending.pop()]
        waits = current.get("waitFor", ordered[: ordered.index(current["id"])])
        for dep in waits:
            if dep != "-" and dep not in found:
                found.add(dep)
                pending.append(dep)
    return found


def test_every_step_of_the_issue_runs_what_it_says() -> None:
    found = steps()
    assert len(found) == len(pipeline()["steps"]), "step ids are unique"
    for step_id, commands in ORDER:
        for command in commands:
            assert command in script(found[step_id]), f"{step_id} does not run {command}"
    # The whole suite, emulator and e2e tests included: no marker filter.
    assert " -m " not in script(found["tests"])


def test_steps_wait_for_what_they_consume() -> None:
    ids = [step["id"] for step in pipeline()["steps"]]
    for step in pipeline()["steps"]:
        for dep in step.get("waitFor", []):
            assert dep == "-" or ids.index(dep) < ids.index(step["id"]), (step["id"], dep)
    assert {"install", "ruff", "mypy", "import-contracts"} <= needs("tests")
    assert "tests" in needs("package") and "package" in needs("upload")
    assert {"upload", "terraform-validate"} <= needs("terraform-plan")
    assert "terraform-plan" in needs("terraform-apply")


def test_every_substitution_is_declared_and_shell_variables_are_escaped() -> None:
    text = "\n".join(str(v) for v in strings(pipeline()))  # comments are not substituted
    declared = set(pipeline()["substitutions"])
    used = set(re.findall(r"(?<!\$)\$\{(\w+)\}", text))
    assert used <= declared | BUILT_IN, used - declared - BUILT_IN
    assert all(name.startswith("_") for name in declared)
    # A single $ before a name would be read as a substitution by Cloud Build.
    bare = re.findall(r"(?<!\$)\$(?!\$|\{)\w+", text)
    assert not bare, bare
    assert pipeline()["substitutions"]["_PROD_APPROVED"] == "false"
    assert pipeline()["substitutions"]["_TF_APPLY"] != "true"


@pytest.mark.parametrize("env", ENVIRONMENTS, ids=lambda p: p.name)
def test_plan_gets_exactly_the_variables_the_environment_declares(env: Path) -> None:
    plan, package = steps()["terraform-plan"], steps()["package"]
    assert plan["dir"] == "terraform/environments/${_ENV}"
    passed = set(re.findall(r'-var="(\w+)=', script(plan)))
    tfvars = re.search(r"--tfvars (\S+)", script(package))
    assert tfvars and tfvars[1] == "terraform/environments/${_ENV}/sources.auto.tfvars.json"
    passed.add("source_objects")  # what klair package --tfvars writes
    variables = config(env)["variable"]
    assert passed <= set(variables)
    assert {name for name, body in variables.items() if "default" not in body} <= passed
    ignored = (ROOT / "terraform" / ".gitignore").read_text().split()
    assert "sources.auto.tfvars.json" in ignored


def test_the_upload_script_compiles() -> None:
    body = script(steps()["upload"])
    python = body.split("<<'PY'\n", 1)[1].rsplit("\nPY", 1)[0]
    compile(substitute(python, {}), "upload", "exec")


def substitute(text: str, values: dict[str, str]) -> str:
    defaults = {k: str(v) for k, v in pipeline()["substitutions"].items()}
    merged = {"PROJECT_ID": "p", "BRANCH_NAME": "", "BUILD_ID": "b", **defaults, **values}
    text = re.sub(r"(?<!\$)\$\{(\w+)\}", lambda m: merged.get(m[1], ""), text)
    return text.replace("$$", "$")


@pytest.mark.skipif(shutil.which("sh") is None, reason="no POSIX shell")
@pytest.mark.parametrize(
    ("values", "applies"),
    [
        ({"_ENV": "dev", "BRANCH_NAME": "main"}, True),
        ({"_ENV": "dev", "BRANCH_NAME": "feature/x"}, False),
        ({"_ENV": "dev", "_TF_APPLY": "true"}, True),
        ({"_ENV": "dev", "BRANCH_NAME": "main", "_TF_APPLY": "false"}, False),
        ({"_ENV": "prod", "BRANCH_NAME": "main"}, False),
        ({"_ENV": "prod", "BRANCH_NAME": "main", "_PROD_APPROVED": "true"}, True),
    ],
)
def test_apply_runs_on_main_and_in_prod_only_once_approved(
    tmp_path: Path, values: dict[str, str], applies: bool
) -> None:
    calls = tmp_path / "calls"
    fake = tmp_path / "terraform"
    fake.write_text(f'#!/bin/sh\necho "$*" >> {calls}\n')
    fake.chmod(0o755)
    step = steps()["terraform-apply"]
    assert step["entrypoint"] == "sh" and step["args"][0] == "-euc"
    run = subprocess.run(
        ["sh", "-euc", substitute(step["args"][1], values)],
        env={**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    applied = calls.read_text() if calls.exists() else ""
    assert ("apply" in applied) is applies, json.dumps({"out": run.stdout, "calls": applied})
    if applies:
        assert applied.split()[-1] == "tfplan", "applies the reviewed plan, nothing else"
