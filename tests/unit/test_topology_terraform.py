"""Terraform is wired from emulator-config/topology.yaml: the klair module deploys every topic,
subscription, queue and function of the topology; dev and prod are thin calls of it; modules
get only variables they declare, references resolve, and every KLAIR_* name terraform sets is a
real Settings field."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import hcl2
import pytest

from klair.config import Mode, Settings
from klair.devstack.topology import DEFAULT_PATH, Topology, load_topology
from klair.domain.tiers import DEFAULT_TIERS
from tests.unit.terraform_config import (
    CONFIG_DIRS,
    ENVIRONMENTS,
    KLAIR,
    META_ARGS,
    MODULES,
    TERRAFORM,
    TOPOLOGY_EXPR,
    config,
    depends_on_var,
    expr,
    module_call,
    plain,
    resources,
    source_text,
)


def test_the_klair_module_reads_the_one_topology() -> None:
    assert expr(config(KLAIR)["locals"]["topology"]) == TOPOLOGY_EXPR
    assert (KLAIR / "../../../emulator-config/topology.yaml").resolve() == DEFAULT_PATH.resolve()
    # Nothing else reads it: the environments get their wiring through the module.
    readers = {d.name for d in CONFIG_DIRS if "topology.yaml" in source_text(d)}
    assert readers == {"klair"}


@pytest.mark.parametrize("env", ENVIRONMENTS, ids=lambda p: p.name)
def test_environments_are_thin_calls_of_the_klair_module(env: Path) -> None:
    cfg = config(env)
    assert not cfg["resource"] and not cfg["data"] and not cfg["locals"], "wiring lives in klair"
    name, call = module_call(env, "klair")
    assert set(cfg["module"]) == {name}
    assert call["environment"] == env.name
    # Every environment input reaches the module under its own name.
    for variable in cfg["variable"]:
        assert expr(call[variable]) == f"var.{variable}", variable
    backend = plain(hcl2.loads((env / "versions.tf").read_text()))["terraform"][0]["backend"]
    assert backend[0]["gcs"]["prefix"] == f"klair/{env.name}"
    example = plain(hcl2.loads((env / "terraform.tfvars.example").read_text()))
    assert set(example) <= set(cfg["variable"]), "the example sets only declared variables"


def test_dev_and_prod_differ_only_in_values() -> None:
    assert {"dev", "prod"} <= {p.name for p in ENVIRONMENTS}
    for shared in ("variables.tf", "outputs.tf"):
        texts = {(env / shared).read_text() for env in ENVIRONMENTS}
        assert len(texts) == 1, f"{shared} differs between environments"
    prod = module_call(TERRAFORM / "environments" / "prod", "klair")[1]
    dev = module_call(TERRAFORM / "environments" / "dev", "klair")[1]
    assert prod["firestore_delete_protection"] is True and prod["bucket_force_destroy"] is False
    assert dev["bucket_force_destroy"] is True
    assert prod["scaling"]["api"]["min_instances"] >= 1


def test_every_function_is_deployed_with_its_topology_sizing() -> None:
    _, call = module_call(KLAIR, "function")
    assert expr(call["for_each"]) == "local.topology.functions"
    assert expr(call["entry_point"]) == "each.value.entry_point"
    assert expr(call["memory"]) == "each.value.memory"
    assert "each.value.cpu" in expr(call["cpu"])
    assert expr(call["timeout_seconds"]) == "each.value.timeout"
    assert expr(call["concurrency"]) == "each.value.concurrency"
    assert expr(call["source_object"]) == "var.source_objects[each.key]"
    assert resources(MODULES / "function", "google_cloudfunctions2_function")


WIRING = [
    # (topology key, module, module variable, resource type iterating over it)
    ("topics", "pubsub_pipeline", "topics", "google_pubsub_topic"),
    ("dead_letter_topic", "pubsub_pipeline", "dead_letter_topic", "google_pubsub_topic"),
    ("subscriptions", "pubsub_pipeline", "subscriptions", "google_pubsub_subscription"),
    ("queues", "tier_queues", "queues", "google_cloud_tasks_queue"),
]


@pytest.mark.parametrize(("key", "module", "variable", "rtype"), WIRING)
def test_every_topology_entry_reaches_a_resource(
    key: str, module: str, variable: str, rtype: str
) -> None:
    _, call = module_call(KLAIR, module)
    assert expr(call[variable]) == f"local.topology.{key}"
    found = resources(MODULES / module, rtype).values()
    assert found, f"modules/{module} has no {rtype}"
    assert any(depends_on_var(MODULES / module, r["for_each"], variable) for r in found)


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


def test_access_policy_covers_exactly_the_topology(topology: Topology) -> None:
    locals_ = config(KLAIR)["locals"]
    access = locals_["access"]
    assert set(access) == set(topology.functions)
    for name, grants in access.items():
        assert set(grants.get("publishes", [])) <= set(topology.topics), name
        assert not {"roles/owner", "roles/editor"} & set(grants.get("project_roles", [])), name
    assert locals_["task_target"] in topology.functions
    assert set(locals_["schedules"]) <= set(topology.functions)
    assert set(config(KLAIR)["variable"]["public_functions"]["default"]) <= set(topology.functions)
    _, bucket = module_call(KLAIR, "media_bucket")
    assert expr(bucket["notification_topic_id"]).endswith("[local.topology.notification.topic]")
    assert expr(bucket["notification_event_types"]) == "local.topology.notification.event_types"


@pytest.mark.parametrize("directory", [*ENVIRONMENTS, KLAIR], ids=lambda p: p.name)
def test_module_calls_pass_declared_and_required_variables(directory: Path) -> None:
    for name, call in config(directory)["module"].items():
        module_dir = (directory / call["source"]).resolve()
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
    env = config(KLAIR)["locals"]["env"]
    assert Mode(env["KLAIR_MODE"]) is Mode.CLOUD
    core = {"KLAIR_PROJECT", "KLAIR_BUCKET", "KLAIR_INGEST_URL", "KLAIR_TASKS_SERVICE_ACCOUNT"}
    assert core <= set(env)
    assert "KLAIR_SIGNER_EMAIL" in source_text(KLAIR)


def test_google_provider_is_pinned_everywhere() -> None:
    for directory in CONFIG_DIRS:
        blocks = plain(hcl2.loads((directory / "versions.tf").read_text()))["terraform"]
        google = blocks[0]["required_providers"][0]["google"]
        assert google["source"] == "hashicorp/google", directory
        assert re.fullmatch(r"~> 6\.\d+(\.\d+)?", google["version"]), directory
    # Modules take the caller's provider; only environments configure one.
    configured = {d.name for d in CONFIG_DIRS if config(d)["provider"]}
    assert configured == {env.name for env in ENVIRONMENTS}


def test_bucket_and_database_defaults() -> None:
    bucket = config(MODULES / "media_bucket")
    days = {"uploads/": 2, "work/": 7, "sources/": 30, "clips/": 90}
    assert bucket["variable"]["lifecycle_days"]["default"] == days
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


def test_ingest_memory_is_sized_by_its_spool_not_by_the_source() -> None:
    """Ingest streams a source into storage and probes it there; only the residual case
    (renditions yt-dlp must merge, HLS/DASH fragments) spools parts and their merge, at most
    twice `SPOOL_BYTES`, in /tmp (memory), beside the process itself (~256 MiB)."""
    from klair.adapters.ytdlp_downloader import SPOOL_BYTES

    memory = _bytes(load_topology().functions["ingest"].memory)
    assert 2 * SPOOL_BYTES + 256 * 1024**2 <= memory <= 1024**3


def _bytes(memory: str) -> int:
    units = {"Mi": 1024**2, "Gi": 1024**3}
    return int(memory[:-2]) * units[memory[-2:]]


# What one segment holds, from its length: the proxy (x264 capped at 1 Mb/s), the 16 kHz
# wav (32 kB/s) and the audio proxy (32 kb/s) in /tmp (memory), the sparse wav's samples,
# beside the process (Whisper tiny and the runtime, ~600 MiB measured by bench.long_source)
# and ffmpeg decoding 1080p (~400 MiB).
PROCESS_BYTES = 1024 * 1024**2
SEGMENT_BYTES_PER_SECOND = 1_000_000 / 8 + 2 * 32_000 + 32_000 / 8
# The slowest segment: a 1080p transcode at 15x real time (bench.transcode measures 33x at
# 720p) and Whisper tiny at 20x, then a model call of at most 120 s.
SEGMENT_SECONDS_PER_SECOND = 1 / 15 + 1 / 20
MODEL_SECONDS = 120.0


def test_no_function_is_sized_by_the_source() -> None:
    """Every invocation is bounded by a segment, a clip or a stream: the plans' largest
    source (8 GiB, 10 h) changes no function's size, and none is given more than 2 GiB."""
    biggest_tier = max(t.max_source_bytes for t in DEFAULT_TIERS.values())
    for name, function in load_topology().functions.items():
        assert _bytes(function.memory) <= 2 * 1024**3 < biggest_tier, name


def test_analyze_is_sized_for_one_segment_of_the_default_length() -> None:
    """The analyze function transcodes and analyses one segment: its memory and timeout
    come from the segment's length (KLAIR_SEGMENT_SECONDS), not the source's."""
    segment = Settings().chunk_seconds + 2 * Settings().chunk_overlap_seconds
    analyze = load_topology().functions["analyze"]
    assert _bytes(analyze.memory) >= PROCESS_BYTES + SEGMENT_BYTES_PER_SECOND * segment
    assert analyze.timeout >= segment * SEGMENT_SECONDS_PER_SECOND + MODEL_SECONDS
    assert load_topology().functions["transcode"].timeout <= 60  # it only plans
