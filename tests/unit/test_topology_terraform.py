"""Terraform is wired from emulator-config/topology.yaml: every topic, subscription, queue and
function of the topology is deployed, modules get only variables they declare, references
resolve, and every KLAIR_* name terraform sets is a real Settings field."""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import hcl2
import pytest

from klair.config import Mode, Settings
from klair.domain.tiers import DEFAULT_TIERS
from klair.topology import DEFAULT_PATH, Topology

ROOT = Path(__file__).resolve().parents[2]
TERRAFORM = ROOT / "terraform"
MODULES = TERRAFORM / "modules"
ENVIRONMENTS = sorted(p for p in (TERRAFORM / "environments").iterdir() if p.is_dir())
CONFIG_DIRS = sorted(p for p in MODULES.iterdir() if p.is_dir()) + ENVIRONMENTS
TOPOLOGY_EXPR = 'yamldecode(file("${path.module}/../../../emulator-config/topology.yaml"))'
META_ARGS = {"source", "for_each", "count", "depends_on", "providers", "version"}


def plain(value: Any) -> Any:
    """python-hcl2 output without its markers: labels and literals unquoted, ${x} kept."""
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items() if not str(k).startswith("__")}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def expr(value: Any) -> str:
    text = str(value)
    return text[2:-1] if text.startswith("${") and text.endswith("}") else text


@cache
def config(directory: Path) -> dict[str, Any]:
    """Every block of a directory's .tf files: locals, variables, outputs, modules, resources."""
    merged: dict[str, Any] = {
        "locals": {},
        "variable": {},
        "output": {},
        "module": {},
        "resource": {},
        "data": {},
    }
    for path in sorted(directory.glob("*.tf")):
        parsed = plain(hcl2.loads(path.read_text()))
        for block in parsed.get("locals", []):
            merged["locals"].update(block)
        for kind in ("variable", "output", "module"):
            for block in parsed.get(kind, []):
                merged[kind].update(block)
        for kind in ("resource", "data"):
            for block in parsed.get(kind, []):
                for rtype, named in block.items():
                    for name, body in named.items():
                        merged[kind][(rtype, name)] = body
    return merged


def source_text(directory: Path) -> str:
    """The directory's .tf text without comment lines."""
    lines = (line for p in sorted(directory.glob("*.tf")) for line in p.read_text().splitlines())
    return "\n".join(line for line in lines if not line.lstrip().startswith(("#", "//")))


def module_call(env: Path, module: str) -> tuple[str, dict[str, Any]]:
    calls = [
        (name, body)
        for name, body in config(env)["module"].items()
        if body["source"] == f"../../modules/{module}"
    ]
    assert len(calls) == 1, f"{env.name}: expected one call of modules/{module}, got {calls}"
    return calls[0]


def depends_on_var(directory: Path, expression: str, variable: str) -> bool:
    """Whether an expression reads var.<variable>, directly or through locals, unfiltered."""
    locals_ = config(directory)["locals"]
    seen: set[str] = set()
    pending = [expression]
    while pending:
        text = expr(pending.pop())
        assert not re.search(r"\sif\s", text), f"{directory.name}: filtered iteration: {text}"
        if re.search(rf"\bvar\.{variable}\b", text):
            return True
        for name in re.findall(r"\blocal\.(\w+)", text):
            if name not in seen:
                seen.add(name)
                pending.append(str(locals_[name]))
    return False


@pytest.mark.parametrize("env", ENVIRONMENTS, ids=lambda p: p.name)
def test_environments_read_the_one_topology(env: Path) -> None:
    assert expr(config(env)["locals"]["topology"]) == TOPOLOGY_EXPR
    assert (env / "../../../emulator-config/topology.yaml").resolve() == DEFAULT_PATH.resolve()


def test_dev_and_prod_share_their_wiring() -> None:
    names = {p.name for p in ENVIRONMENTS}
    assert {"dev", "prod"} <= names
    for shared in ("main.tf", "outputs.tf", "providers.tf"):
        texts = {(env / shared).read_text() for env in ENVIRONMENTS}
        assert len(texts) == 1, f"{shared} differs between environments"
    variables = {frozenset(config(env)["variable"]) for env in ENVIRONMENTS}
    assert len(variables) == 1, "environments declare different variables"


@pytest.mark.parametrize("env", ENVIRONMENTS, ids=lambda p: p.name)
def test_every_function_is_deployed_with_its_topology_sizing(env: Path) -> None:
    _, call = module_call(env, "function")
    assert expr(call["for_each"]) == "local.topology.functions"
    assert expr(call["entry_point"]) == "each.value.entry_point"
    assert expr(call["memory"]) == "each.value.memory"
    assert "each.value.cpu" in expr(call["cpu"])
    assert expr(call["timeout_seconds"]) == "each.value.timeout"
    assert expr(call["concurrency"]) == "each.value.concurrency"
    resource_types = {rtype for rtype, _ in config(MODULES / "function")["resource"]}
    assert "google_cloudfunctions2_function" in resource_types


WIRING = [
    # (topology key, module, module variable, resource type iterating over it)
    ("topics", "pubsub_pipeline", "topics", "google_pubsub_topic"),
    ("dead_letter_topic", "pubsub_pipeline", "dead_letter_topic", "google_pubsub_topic"),
    ("subscriptions", "pubsub_pipeline", "subscriptions", "google_pubsub_subscription"),
    ("queues", "tier_queues", "queues", "google_cloud_tasks_queue"),
]


@pytest.mark.parametrize("env", ENVIRONMENTS, ids=lambda p: p.name)
@pytest.mark.parametrize(("key", "module", "variable", "rtype"), WIRING)
def test_every_topology_entry_reaches_a_resource(
    env: Path, key: str, module: str, variable: str, rtype: str
) -> None:
    _, call = module_call(env, module)
    assert expr(call[variable]) == f"local.topology.{key}"
    resources = [b for (t, _), b in config(MODULES / module)["resource"].items() if t == rtype]
    assert resources, f"modules/{module} has no {rtype}"
    assert any(depends_on_var(MODULES / module, r["for_each"], variable) for r in resources)


def test_topology_names_are_consistent(topology: Topology) -> None:
    assert topology.dead_letter_topic in topology.topics
    assert topology.notification["topic"] in topology.topics
    for sub in topology.subscriptions:
        assert sub.topic in topology.topics and sub.function in topology.functions
    # The code names queues from tiers; terraform creates them from the topology.
    assert {q.name for q in topology.queues} == {t.queue for t in DEFAULT_TIERS.values()}
    for queue in topology.queues:
        tier = DEFAULT_TIERS[queue.tier]
        assert queue.max_dispatches_per_second == tier.queue_rate_per_second
        assert queue.max_concurrent_dispatches == tier.queue_max_concurrency


@pytest.mark.parametrize("env", ENVIRONMENTS, ids=lambda p: p.name)
def test_access_policy_covers_exactly_the_topology(env: Path, topology: Topology) -> None:
    locals_ = config(env)["locals"]
    access = locals_["access"]
    assert set(access) == set(topology.functions)
    for name, grants in access.items():
        assert set(grants.get("publishes", [])) <= set(topology.topics), name
        assert not {"roles/owner", "roles/editor"} & set(grants.get("project_roles", [])), name
    assert locals_["task_target"] in topology.functions
    assert set(locals_["schedules"]) <= set(topology.functions)
    assert set(config(env)["variable"]["public_functions"]["default"]) <= set(topology.functions)
    _, bucket = module_call(env, "media_bucket")
    assert expr(bucket["notification_topic_id"]).endswith("[local.topology.notification.topic]")
    assert expr(bucket["notification_event_types"]) == "local.topology.notification.event_types"


@pytest.mark.parametrize("env", ENVIRONMENTS, ids=lambda p: p.name)
def test_module_calls_pass_declared_and_required_variables(env: Path) -> None:
    for name, call in config(env)["module"].items():
        module_dir = (env / call["source"]).resolve()
        assert (module_dir / "variables.tf").is_file(), f"{name}: no module at {call['source']}"
        declared = config(module_dir)["variable"]
        passed = set(call) - META_ARGS
        assert passed <= set(declared), f"{name}: undeclared {passed - set(declared)}"
        required = {v for v, body in declared.items() if "default" not in body}
        assert required <= passed, f"{name}: missing {required - passed}"


@pytest.mark.parametrize("directory", CONFIG_DIRS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_references_resolve(directory: Path) -> None:
    cfg, text = config(directory), source_text(directory)
    assert set(re.findall(r"\bvar\.(\w+)", text)) <= set(cfg["variable"])
    assert set(re.findall(r"\blocal\.(\w+)", text)) <= set(cfg["locals"])
    for kind, pattern in (
        ("resource", r"(?<![\w.])(google_\w+)\.(\w+)"),
        ("data", r"\bdata\.(google_\w+)\.(\w+)"),
    ):
        for ref in set(re.findall(pattern, text)):
            assert ref in cfg[kind], f"{directory.name}: {kind} {ref} is not declared"
    for module, output in set(re.findall(r"\bmodule\.(\w+)(?:\[[^\]]*\])?\.(\w+)", text)):
        assert module in cfg["module"], f"{directory.name}: no module {module}"
        target = (directory / cfg["module"][module]["source"]).resolve()
        assert output in config(target)["output"], f"{module} has no output {output}"


def test_variables_and_outputs_are_typed_and_described() -> None:
    for directory in CONFIG_DIRS:
        for name, body in config(directory)["variable"].items():
            assert body.get("type") and body.get("description"), f"{directory.name}: var.{name}"
        for name, body in config(directory)["output"].items():
            assert body.get("description"), f"{directory.name}: output.{name}"


def test_every_klair_env_name_is_a_settings_field() -> None:
    assert Settings.model_config["env_prefix"] == "KLAIR_"
    names = {n for d in CONFIG_DIRS for n in re.findall(r"\bKLAIR_[A-Z0-9_]+", source_text(d))}
    unknown = {n for n in names if n.removeprefix("KLAIR_").lower() not in Settings.model_fields}
    assert not unknown, f"not Settings fields: {sorted(unknown)}"
    env = config(ENVIRONMENTS[0])["locals"]["env"]
    assert Mode(env["KLAIR_MODE"]) is Mode.CLOUD
    core = {"KLAIR_PROJECT", "KLAIR_BUCKET", "KLAIR_INGEST_URL", "KLAIR_TASKS_SERVICE_ACCOUNT"}
    assert core <= set(env)
    assert "KLAIR_SIGNER_EMAIL" in source_text(ENVIRONMENTS[0])


def test_google_provider_is_pinned_everywhere() -> None:
    for directory in CONFIG_DIRS:
        blocks = plain(hcl2.loads((directory / "versions.tf").read_text()))["terraform"]
        google = blocks[0]["required_providers"][0]["google"]
        assert google["source"] == "hashicorp/google", directory
        assert re.fullmatch(r"~> 6\.\d+(\.\d+)?", google["version"]), directory


def test_bucket_and_database_defaults() -> None:
    bucket = config(MODULES / "media_bucket")
    days = {"uploads/": 2, "work/": 7, "sources/": 30, "clips/": 90}
    assert bucket["variable"]["lifecycle_days"]["default"] == days
    media = bucket["resource"][("google_storage_bucket", "media")]
    assert media["uniform_bucket_level_access"] is True
    assert media["public_access_prevention"] == "enforced"
    notification = bucket["resource"][("google_storage_notification", "finalize")]
    assert notification["payload_format"] == "JSON_API_V1"
    firestore = config(MODULES / "firestore")["variable"]
    indexes = [
        [(f["field"], f["order"]) for f in i["fields"]]
        for i in firestore["composite_indexes"]["default"].values()
    ]
    owner, status, newest = (
        ("owner", "ASCENDING"),
        ("status", "ASCENDING"),
        ("created_at", "DESCENDING"),
    )
    assert [owner, newest] in indexes
    assert [owner, status, newest] in indexes
    ttl = firestore["ttl_fields"]["default"].values()
    assert {"collection": "claims", "field": "expires_at"} in ttl


@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed")
def test_terraform_fmt_is_clean() -> None:
    run = subprocess.run(
        ["terraform", "fmt", "-check", "-recursive", "-no-color", str(TERRAFORM)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, f"not fmt-clean: {run.stdout}{run.stderr}"
