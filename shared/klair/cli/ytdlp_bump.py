"""The scheduled yt-dlp bump (`cloudbuild-ytdlp-bump.yaml`): `pin` moves yt-dlp in
pyproject.toml to PyPI's latest release, with the yt-dlp-ejs and deno releases that release
pins for itself (its `pin` and `pin-deno` extras); `propose` opens the change as a GitHub pull
request (a branch, one commit, the PR) carrying the downloader tests' outcome, a draft when
they failed. Run as `python -m klair.cli.ytdlp_bump pin|propose`."""

from __future__ import annotations

import argparse
import base64
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PYPI = "https://pypi.org/pypi/{name}/json"
GITHUB = "https://api.github.com"
# Pinned together: yt-dlp checks the solver scripts' version, and needs a recent deno.
FOLLOWERS = ("yt-dlp-ejs", "deno")
TESTS_TAIL = 60  # lines of the test run quoted in the pull request


class BumpError(Exception):
    """The bump cannot be made as asked."""


def latest_pins(client: httpx.Client) -> dict[str, str]:
    """{"yt-dlp": latest, "yt-dlp-ejs": what it pins, "deno": what it pins}."""
    info = client.get(PYPI.format(name="yt-dlp")).raise_for_status().json()["info"]
    pins = {"yt-dlp": str(info["version"])}
    for text in info.get("requires_dist") or []:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        exact = [s.version for s in requirement.specifier if s.operator == "=="]
        if name in FOLLOWERS and exact:
            pins[name] = exact[0]
    if missing := [name for name in FOLLOWERS if name not in pins]:
        raise BumpError(f"yt-dlp {pins['yt-dlp']} pins no {', '.join(missing)}: bump by hand")
    return pins


def repin(pyproject: str, pins: dict[str, str]) -> str:
    """pyproject.toml's text with each `"name==version"` (extras kept) at its new version."""
    for name, version in pins.items():
        pattern = re.compile(rf'"({re.escape(name)}(\[[^\]]*\])?)==[^";]+"')
        if not pattern.search(pyproject):
            raise BumpError(f'pyproject.toml has no "{name}==..." to move')
        pyproject = pattern.sub(rf'"\g<1>=={version}"', pyproject)
    return pyproject


def _api(client: httpx.Client, method: str, path: str, **json: Any) -> Any:
    response = client.request(method, f"{GITHUB}{path}", json=json or None)
    if response.status_code >= 400:
        raise BumpError(f"GitHub {method} {path}: HTTP {response.status_code} {response.text}")
    return response.json()


def propose(
    client: httpx.Client,
    repo: str,
    base: str,
    pyproject: str,
    version: str,
    tests_passed: bool,
    tests_tail: str,
) -> str:
    """Branch `bump/yt-dlp-<version>` off `base` with pyproject.toml committed, and its pull
    request (opened once; a rerun updates the same branch and PR). Returns the PR's URL."""
    branch = f"bump/yt-dlp-{version}"
    title = f"Bump yt-dlp to {version} (with the yt-dlp-ejs and deno it pins)"
    owner = repo.split("/")[0]
    base_sha = _api(client, "GET", f"/repos/{repo}/git/ref/heads/{base}")["object"]["sha"]
    existing = client.get(f"{GITHUB}/repos/{repo}/git/ref/heads/{branch}")
    if existing.status_code == 404:
        _api(client, "POST", f"/repos/{repo}/git/refs", ref=f"refs/heads/{branch}", sha=base_sha)
    else:
        _api(client, "PATCH", f"/repos/{repo}/git/refs/heads/{branch}", sha=base_sha, force=True)
    current = _api(client, "GET", f"/repos/{repo}/contents/pyproject.toml?ref={branch}")
    content = base64.b64encode(pyproject.encode()).decode()
    path = f"/repos/{repo}/contents/pyproject.toml"
    _api(client, "PUT", path, message=title, content=content, sha=current["sha"], branch=branch)
    outcome = "passed" if tests_passed else "FAILED: read the run below before merging"
    body = (
        f"The scheduled bump moved yt-dlp to {version} in pyproject.toml.\n\n"
        f"Downloader tests (`tests/media/test_download*.py`, the error-code tests): {outcome}.\n\n"
        f"```\n{tests_tail}\n```\n"
    )
    pulls = _api(client, "GET", f"/repos/{repo}/pulls?state=open&head={owner}:{branch}")
    if pulls:
        _api(client, "PATCH", f"/repos/{repo}/pulls/{pulls[0]['number']}", body=body)
        return str(pulls[0]["html_url"])
    pull = _api(client, "POST", f"/repos/{repo}/pulls", title=title, head=branch, base=base,
                body=body, draft=not tests_passed)  # fmt: skip
    return str(pull["html_url"])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m klair.cli.ytdlp_bump")
    parser.add_argument("step", choices=["pin", "propose"])
    parser.add_argument("--pyproject", type=Path, default=Path("pyproject.toml"))
    parser.add_argument("--state", type=Path, default=Path(".bump"), help="between steps")
    parser.add_argument("--repo", help="owner/name on GitHub (propose)")
    parser.add_argument("--base", default="main", help="the branch the PR goes to (propose)")
    args = parser.parse_args(argv)
    if args.step == "pin":
        with httpx.Client(timeout=30) as client:
            pins = latest_pins(client)
        before = args.pyproject.read_text()
        after = repin(before, pins)
        if after == before:
            print(f"yt-dlp {pins['yt-dlp']} is already pinned: nothing to propose")
            return 0
        args.pyproject.write_text(after)
        args.state.mkdir(parents=True, exist_ok=True)
        (args.state / "version").write_text(pins["yt-dlp"])
        print("pinned " + ", ".join(f"{name}=={version}" for name, version in pins.items()))
        return 0
    if not args.repo:
        parser.error("propose needs --repo owner/name")
    version = (args.state / "version").read_text().strip()
    passed = (args.state / "tests.rc").read_text().strip() == "0"
    tail = "\n".join((args.state / "tests.txt").read_text().splitlines()[-TESTS_TAIL:])
    headers = {
        "Authorization": f"Bearer {os.environ['GITHUB_TOKEN']}",
        "Accept": "application/vnd.github+json",
    }
    with httpx.Client(timeout=30, headers=headers) as client:
        url = propose(client, args.repo, args.base, args.pyproject.read_text(), version, passed,
                      tail)  # fmt: skip
    print(f"proposed: {url}")
    return 0 if passed else 1  # the build goes red when the tests did


if __name__ == "__main__":
    sys.exit(main())
