"""The scheduled yt-dlp bump: the pins it moves (yt-dlp, and the yt-dlp-ejs and deno releases
yt-dlp pins for itself), the pull request it opens on GitHub (an httpx MockTransport playing
PyPI and GitHub), the build that runs it, and the terraform that schedules it; and the ingest
function's download secrets (egress proxy, cookies)."""

from __future__ import annotations

import base64
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from packaging.requirements import Requirement

from klair.cli.ytdlp_bump import BumpError, latest_pins, main, propose, repin
from tests.unit.terraform_config import (
    ENVIRONMENTS,
    KLAIR,
    MODULES,
    ROOT,
    config,
    expr,
    module_call,
)
from tests.unit.test_cloudbuild import pipeline

BUMP = MODULES / "ytdlp_bump"
BUILD = ROOT / "cloudbuild-ytdlp-bump.yaml"
PYPROJECT = (ROOT / "pyproject.toml").read_text()
# What PyPI's JSON API answers for yt-dlp (its `info`, trimmed to what the bump reads).
YT_DLP = {
    "info": {
        "version": "2027.1.9",
        "requires_dist": [
            "yt-dlp-ejs==0.9.1; extra == 'default'",
            "deno>=2.10.0; extra == 'deno'",
            "yt-dlp-ejs==0.9.1; extra == 'pin'",
            "deno==2.10.2; extra == 'pin-deno'",
            "requests<3,>=2.32.2; extra == 'default'",
        ],
    }
}


def declared() -> dict[str, str]:
    deps = tomllib.loads(PYPROJECT)["project"]["dependencies"]
    return {Requirement(d).name: str(Requirement(d).specifier) for d in deps}


def test_yt_dlp_and_what_solves_youtubes_challenges_are_pinned_exactly() -> None:
    pins = declared()
    for name in ("yt-dlp", "yt-dlp-ejs", "deno"):
        assert re.fullmatch(r"==[\w.]+", pins[name]), f"{name}{pins[name]} is not exact"


def test_the_bump_follows_the_pins_yt_dlp_declares_for_itself() -> None:
    def pypi(request: httpx.Request) -> httpx.Response:
        assert request.url == "https://pypi.org/pypi/yt-dlp/json"
        return httpx.Response(200, json=YT_DLP)

    with httpx.Client(transport=httpx.MockTransport(pypi)) as client:
        pins = latest_pins(client)

    assert pins == {"yt-dlp": "2027.1.9", "yt-dlp-ejs": "0.9.1", "deno": "2.10.2"}
    moved = repin(PYPROJECT, pins)
    assert tomllib.loads(moved)["project"]["dependencies"] == [
        {
            "yt-dlp": "yt-dlp==2027.1.9",
            "yt-dlp-ejs": "yt-dlp-ejs==0.9.1",
            "deno": "deno==2.10.2",
        }.get(Requirement(d).name, d)
        for d in tomllib.loads(PYPROJECT)["project"]["dependencies"]
    ]
    assert repin(moved, pins) == moved


def test_a_release_that_pins_no_solver_is_left_to_a_person() -> None:
    bare = {"info": {"version": "2027.1.9", "requires_dist": []}}
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=bare))
    with httpx.Client(transport=transport) as client, pytest.raises(BumpError, match="by hand"):
        latest_pins(client)
    with pytest.raises(BumpError, match="deno"):
        repin('dependencies = ["yt-dlp==1"]', {"deno": "2"})


class GitHub:
    """The GitHub REST API, as far as the bump uses it, recording every call."""

    def __init__(self, branch_exists: bool = False, open_pulls: int = 0) -> None:
        self.calls: list[tuple[str, str, Any]] = []
        self.branch_exists = branch_exists
        self.open_pulls = open_pulls

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        path = request.url.raw_path.decode()
        self.calls.append((request.method, path, body))
        if path.endswith("/git/ref/heads/main"):
            return httpx.Response(200, json={"object": {"sha": "base-sha"}})
        if "/git/ref/heads/bump/" in path:
            return httpx.Response(200 if self.branch_exists else 404, json={})
        if request.method == "GET" and "/contents/pyproject.toml" in path:
            return httpx.Response(200, json={"sha": "old-blob"})
        if request.method == "GET" and "/pulls" in path:
            pulls = [{"number": 7, "html_url": "https://github.com/o/k/pull/7"}]
            return httpx.Response(200, json=pulls[: self.open_pulls])
        if request.method == "POST" and path.endswith("/pulls"):
            return httpx.Response(201, json={"html_url": "https://github.com/o/k/pull/8"})
        return httpx.Response(200, json={})

    def sent(self, method: str, suffix: str) -> Any:
        return next(b for m, p, b in self.calls if m == method and p.endswith(suffix))


def test_the_change_is_proposed_as_a_branch_a_commit_and_a_pull_request() -> None:
    github = GitHub()
    with httpx.Client(transport=httpx.MockTransport(github)) as client:
        url = propose(client, "o/k", "main", "new pyproject", "2027.1.9", True, "5 passed")

    assert url == "https://github.com/o/k/pull/8"
    assert github.sent("POST", "/repos/o/k/git/refs") == {
        "ref": "refs/heads/bump/yt-dlp-2027.1.9",
        "sha": "base-sha",
    }
    commit = github.sent("PUT", "/repos/o/k/contents/pyproject.toml")
    assert base64.b64decode(commit["content"]).decode() == "new pyproject"
    assert (commit["sha"], commit["branch"]) == ("old-blob", "bump/yt-dlp-2027.1.9")
    pull = github.sent("POST", "/repos/o/k/pulls")
    assert (pull["head"], pull["base"], pull["draft"]) == ("bump/yt-dlp-2027.1.9", "main", False)
    assert "passed" in pull["body"] and "5 passed" in pull["body"]


def test_failing_tests_open_a_draft_and_a_rerun_updates_the_same_pull_request() -> None:
    first = GitHub()
    with httpx.Client(transport=httpx.MockTransport(first)) as client:
        propose(client, "o/k", "main", "x", "2027.1.9", False, "1 failed")
    assert first.sent("POST", "/repos/o/k/pulls")["draft"] is True
    assert "FAILED" in first.sent("POST", "/repos/o/k/pulls")["body"]

    rerun = GitHub(branch_exists=True, open_pulls=1)
    with httpx.Client(transport=httpx.MockTransport(rerun)) as client:
        url = propose(client, "o/k", "main", "x", "2027.1.9", True, "5 passed")
    assert url == "https://github.com/o/k/pull/7"
    assert rerun.sent("PATCH", "/git/refs/heads/bump/yt-dlp-2027.1.9")["force"] is True
    assert "5 passed" in rerun.sent("PATCH", "/repos/o/k/pulls/7")["body"]
    assert not [c for c in rerun.calls if c[0] == "POST"]


def test_pin_writes_nothing_when_the_latest_release_is_pinned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        repin(PYPROJECT, {"yt-dlp": "2027.1.9", "yt-dlp-ejs": "0.9.1", "deno": "2.10.2"})
    )
    real_client = httpx.Client
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=YT_DLP))
    monkeypatch.setattr(httpx, "Client", lambda **kw: real_client(transport=transport))

    assert main(["pin", "--pyproject", str(pyproject), "--state", str(tmp_path / ".bump")]) == 0
    assert not (tmp_path / ".bump").exists()


def build() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(BUILD.read_text())
    return loaded


def test_the_bump_build_pins_tests_then_proposes_with_the_token_from_secret_manager() -> None:
    steps = {step["id"]: step for step in build()["steps"]}
    assert list(steps) == ["pin", "test", "propose"]
    script = {name: "\n".join(map(str, step["args"])) for name, step in steps.items()}
    assert "klair.cli.ytdlp_bump pin" in script["pin"]
    for suite in ("test_download.py", "test_download_errors.py", "test_download_site_access.py",
                  "test_download_guard.py"):  # fmt: skip
        assert suite in script["test"], suite
        assert (ROOT / "tests" / "media" / suite).is_file()
    assert "klair.cli.ytdlp_bump propose" in script["propose"]
    assert steps["propose"]["secretEnv"] == ["GITHUB_TOKEN"]
    (secret,) = build()["availableSecrets"]["secretManager"]
    assert secret["env"] == "GITHUB_TOKEN" and "${_TOKEN_SECRET}" in secret["versionName"]
    # The same Python image as the deploy pipeline, pinned by digest.
    image = build()["substitutions"]["_PYTHON_IMAGE"]
    assert image == pipeline()["substitutions"]["_PYTHON_IMAGE"]
    lines = [line for line in BUILD.read_text().splitlines() if not line.lstrip().startswith("#")]
    used = set(re.findall(r"\$\{(_\w+)\}", "\n".join(lines)))
    assert used <= set(build()["substitutions"])
    assert not re.search(r"(?<!\$)\$(?!\$|\{)\w", "\n".join(script.values())), "escape as $$"


def test_terraform_runs_the_bump_weekly_as_an_account_that_can_do_nothing_else() -> None:
    bump = config(BUMP)
    trigger = bump["resource"][("google_cloudbuild_trigger", "bump")]
    (source,) = trigger["git_file_source"]
    assert expr(source["path"]) == "var.build_config"
    assert (ROOT / bump["variable"]["build_config"]["default"]).resolve() == BUILD
    assert "google_service_account.build" in expr(trigger["service_account"])
    assert set(trigger["substitutions"]) <= set(build()["substitutions"])
    # Scheduler publishes a tick the trigger listens to: no account may start builds.
    job = bump["resource"][("google_cloud_scheduler_job", "bump")]
    (target,) = job["pubsub_target"]
    assert expr(target["topic_name"]) == "google_pubsub_topic.tick.id"
    assert expr(trigger["pubsub_config"][0]["topic"]) == "google_pubsub_topic.tick.id"
    roles = [body["role"] for (kind, _), body in bump["resource"].items() if "iam" in kind]
    assert sorted(roles) == ["roles/logging.logWriter", "roles/secretmanager.secretAccessor"]
    token = bump["resource"][("google_secret_manager_secret_iam_member", "token")]
    assert expr(token["secret_id"]) == "var.github_token_secret"
    assert "google_service_account.build" in expr(token["member"])
    _, call = module_call(KLAIR, "ytdlp_bump")
    assert "var.ytdlp_bump == null" in expr(call["for_each"])


def test_only_ingest_downloads_and_it_alone_gets_the_proxy_and_the_cookies() -> None:
    locals_ = config(KLAIR)["locals"]
    assert locals_["download_function"] == "ingest"
    secrets = expr(locals_["download_secrets"])
    assert "KLAIR_EGRESS_PROXY" in secrets and "var.egress_proxy_secret" in secrets
    assert "KLAIR_YTDLP_COOKIES" in secrets and "var.ytdlp_cookies_secret" in secrets
    _, functions = module_call(KLAIR, "function")
    assert "each.key == local.download_function ? local.download_secrets" in expr(
        functions["secret_env"]
    )
    assert "each.key == local.download_function ? local.download_env" in expr(functions["env"])
    downloaders = {
        path.parent.name
        for path in (ROOT / "shared" / "klair" / "handlers").rglob("*.py")
        if "deps.downloader" in path.read_text()
    }
    assert downloaders == {"pipeline"}  # ingest_source: the ingest function's use case
    for env in ENVIRONMENTS:
        assert {"egress_proxy_secret", "ytdlp_cookies_secret", "ytdlp_bump"} <= set(
            config(env)["variable"]
        )
