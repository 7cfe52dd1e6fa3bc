"""Security structure of the terraform, read with python-hcl2: every push subscription signs its
pushes (OIDC) and dead-letters; every function runs as its own account; nothing but the public
API and webhooks functions admits allUsers; the media bucket cannot be public; every checkov
skip says why."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from klair.devstack.topology import Topology
from tests.unit.terraform_config import (
    CONFIG_DIRS,
    ENVIRONMENTS,
    KLAIR,
    MODULES,
    TERRAFORM,
    config,
    expr,
    module_call,
    resources,
)

PUBSUB = MODULES / "pubsub_pipeline"
PUBLIC_FUNCTIONS = {"api", "webhooks"}


def wiring(directory: Path) -> dict[str, Any]:
    cfg = config(directory)
    return {
        "locals": cfg["locals"],
        "resource": {f"{t}.{n}": body for (t, n), body in cfg["resource"].items()},
        "module": cfg["module"],
    }


def test_every_push_subscription_signs_with_oidc_as_its_function_invoker() -> None:
    (push,) = resources(PUBSUB, "google_pubsub_subscription").values()
    (config_,) = push["push_config"]
    (token,) = config_["oidc_token"]
    endpoint = "var.push_endpoints[each.value.function]"
    assert expr(config_["push_endpoint"]) == endpoint
    assert expr(token["audience"]) == endpoint
    assert expr(token["service_account_email"]) == "var.push_service_accounts[each.value.function]"
    # One invoker account per consuming function, passed through from the iam module.
    _, call = module_call(KLAIR, "pubsub_pipeline")
    assert expr(call["push_service_accounts"]) == "module.iam.push_service_accounts"
    account = resources(MODULES / "iam", "google_service_account")["push"]
    assert expr(account["for_each"]) == "var.push_functions"
    assert "${each.key}" in account["account_id"]


def test_every_push_subscription_dead_letters_except_the_dead_letter_consumer(
    topology: Topology,
) -> None:
    (push,) = resources(PUBSUB, "google_pubsub_subscription").values()
    (dynamic,) = push["dynamic"]
    (policy,) = dynamic["dead_letter_policy"]["content"]
    assert expr(dynamic["dead_letter_policy"]["for_each"]) == "each.value.dead_letter ? [1] : []"
    assert expr(policy["dead_letter_topic"]) == "google_pubsub_topic.this[var.dead_letter_topic].id"
    assert expr(policy["max_delivery_attempts"]) == "each.value.max_delivery_attempts"
    assert push["retry_policy"], "redeliveries back off"
    for sub in topology.subscriptions:
        # A dead letter of dead letters would loop: the fail consumer retries with backoff
        # until its handler succeeds, and every other subscription dead-letters.
        assert sub.dead_letter is (sub.topic != topology.dead_letter_topic), sub.name
        assert 5 <= sub.max_delivery_attempts <= 100, sub.name


def test_every_function_runs_as_its_own_service_account(topology: Topology) -> None:
    _, call = module_call(KLAIR, "function")
    assert expr(call["service_account_email"]) == "module.iam.function_service_accounts[each.key]"
    _, iam = module_call(KLAIR, "iam")
    assert re.match(r"\{\s*for name, _ in local\.topology\.functions", expr(iam["functions"]))
    account = resources(MODULES / "iam", "google_service_account")["function"]
    assert expr(account["for_each"]) == "var.functions"
    assert "${each.key}" in account["account_id"], "one account id per function"
    output = config(MODULES / "iam")["output"]["function_service_accounts"]
    assert "google_service_account.function" in expr(output["value"])
    assert len(topology.functions) == len(set(topology.functions))


def test_only_the_public_functions_admit_all_users() -> None:
    # Principals appear in resources and locals (variable descriptions may name them).
    hits = {
        d.name: len(re.findall(r"allUsers|allAuthenticatedUsers", json.dumps(wiring(d))))
        for d in CONFIG_DIRS
    }
    assert {name for name, n in hits.items() if n} == {"klair"}
    assert hits["klair"] == 1
    invokers = expr(config(KLAIR)["locals"]["invokers"])
    assert 'contains(var.public_functions, name) ? {public = "allUsers"} : {}' in invokers
    public = config(KLAIR)["variable"]["public_functions"]
    assert set(public["default"]) == PUBLIC_FUNCTIONS
    (validation,) = public["validation"]
    assert 'contains(["api", "webhooks"], name)' in expr(validation["condition"])
    for env in ENVIRONMENTS:
        assert "public_functions" not in module_call(env, "klair")[1], env.name
    # Only a public function accepts traffic from outside Google's network.
    _, call = module_call(KLAIR, "function")
    ingress = 'contains(var.public_functions, each.key) ? "ALLOW_ALL" : "ALLOW_INTERNAL_ONLY"'
    assert expr(call["ingress"]) == ingress


def test_the_media_bucket_cannot_be_public() -> None:
    bucket = config(MODULES / "media_bucket")
    media = bucket["resource"][("google_storage_bucket", "media")]
    assert media["uniform_bucket_level_access"] is True
    assert media["public_access_prevention"] == "enforced"
    # Bucket grants go to service accounts only, never to a public principal.
    for directory in CONFIG_DIRS:
        for (rtype, name), body in config(directory)["resource"].items():
            if rtype.startswith("google_storage_bucket_iam"):
                member = expr(body["member"])
                assert member.endswith(".member") or "serviceAccount:" in member, (rtype, name)


def test_every_checkov_skip_is_justified_inline() -> None:
    skips = [
        line.strip()
        for path in sorted(TERRAFORM.rglob("*.tf"))
        for line in path.read_text().splitlines()
        if "checkov:skip" in line
    ]
    assert skips, "the known exceptions are annotated"
    for skip in skips:
        match = re.fullmatch(r"#checkov:skip=(CKV2?_[A-Z]+_\d+):(.+)", skip)
        assert match and len(match[2].split()) >= 5, f"unjustified: {skip}"
