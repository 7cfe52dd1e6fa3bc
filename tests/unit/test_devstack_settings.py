"""The local stack's settings: flags over the developer's environment over the dev defaults,
for every setting it gives its children; dev tokens that the stack accepts, or none."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
from google.auth.credentials import AnonymousCredentials
from google.cloud import storage
from rich.console import Console
from typer.testing import CliRunner

from klair.cli.main import app
from klair.devstack import environment as dev_env
from klair.devstack.console import explain_settings
from klair.devstack.dev_issuer import DEV_AUTHORIZED_PARTY, DevIssuer, ForeignIssuer
from klair.devstack.emulators import Emulators
from klair.devstack.stack import LocalStack, StackOptions
from tests.unit.test_devstack import HTTP_FUNCTION, write_function

WIRING = dev_env.DevWiring(
    host="127.0.0.1",
    project="demo-klair",
    bucket="klair-media",
    dispatcher_url="http://127.0.0.1:8799",
    signing_key_file="/keys/signer.json",
    signer_email="signer@demo-klair.iam.gserviceaccount.com",
    issuer="http://127.0.0.1:8798",
    jwks_url="http://127.0.0.1:8798/.well-known/jwks.json",
    function_urls={"ingest": "http://127.0.0.1:8101", "api": "http://127.0.0.1:8100/"},
)
CLERK = "https://happy-otter-12.clerk.accounts.dev"


def test_every_default_yields_to_the_environment_and_the_environment_to_a_flag() -> None:
    defaults = dev_env.dev_defaults(WIRING)
    environ = {name: f"env:{name}" for name in defaults}
    assert dev_env.children_env(defaults, environ, {}) == environ
    flags = {"KLAIR_CLERK_ISSUER": CLERK, "KLAIR_ANALYZER": "signals"}
    chosen = dev_env.children_env(defaults, environ, flags)
    assert chosen == {**environ, **flags}
    assert dev_env.not_defaults(defaults, chosen) == chosen


def test_without_the_environment_the_dev_defaults_stand() -> None:
    defaults = dev_env.dev_defaults(WIRING)
    unrelated = {"HOME": "/root", "KLAIR_CLERK_ISSUER": ""}  # empty is not set
    chosen = dev_env.children_env(defaults, unrelated, {})
    assert chosen == defaults
    assert chosen["KLAIR_CLERK_ISSUER"] == WIRING.issuer
    assert chosen["KLAIR_INGEST_URL"] == "http://127.0.0.1:8101/"
    assert json.loads(chosen["KLAIR_SSRF_ALLOWED_HOSTS"]) == ["127.0.0.1", "localhost"]
    assert dev_env.not_defaults(defaults, chosen) == {}


def test_the_default_authorised_party_is_the_one_dev_tokens_carry(tmp_path: Path) -> None:
    defaults = dev_env.dev_defaults(WIRING)
    assert json.loads(defaults["KLAIR_CLERK_AUTHORIZED_PARTIES"]) == [DEV_AUTHORIZED_PARTY]
    assert dev_env.first_party(defaults) == DEV_AUTHORIZED_PARTY
    mine = {"KLAIR_CLERK_AUTHORIZED_PARTIES": json.dumps(["https://app.example", "x"])}
    assert dev_env.first_party(mine) == "https://app.example"
    assert dev_env.first_party({"KLAIR_CLERK_AUTHORIZED_PARTIES": "not json"}) is None


def test_the_dev_issuer_refuses_to_mint_for_a_stack_that_trusts_another(tmp_path: Path) -> None:
    with DevIssuer(tmp_path, party=DEV_AUTHORIZED_PARTY) as issuer:
        assert _claims(issuer.mint("user_1"))["azp"] == DEV_AUTHORIZED_PARTY
        assert "azp" not in _claims(issuer.mint("user_1", azp=None))
        issuer.trusted = issuer.issuer + "/"
        issuer.mint("user_1")  # the same issuer
        issuer.trusted = CLERK
        with pytest.raises(ForeignIssuer, match=re.escape(CLERK)):
            issuer.mint("user_1")


def _claims(token: str) -> dict[str, object]:
    import jwt

    claims: dict[str, object] = jwt.decode(token, options={"verify_signature": False})
    return claims


def test_klair_token_will_not_mint_when_the_stack_trusts_another_issuer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KLAIR_CLERK_ISSUER", CLERK)
    result = CliRunner().invoke(app, ["token", "user_1"])
    assert result.exit_code == 2
    assert not result.stdout.strip()  # no token on stdout
    said = " ".join(result.stderr.split())
    assert f"trusts tokens from {CLERK}" in said
    assert "tokens must come from that issuer" in said


def test_klair_dev_help_says_the_environment_wins() -> None:
    result = CliRunner().invoke(app, ["dev", "--help"], terminal_width=200)
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "--env" in text
    assert "else from your environment, else the dev default" in text
    assert "tokens must come from that issuer" in text


def test_a_malformed_env_flag_is_bad_input() -> None:
    result = CliRunner().invoke(app, ["dev", "--env", "NO_EQUALS_SIGN"])
    assert result.exit_code == 2
    assert "NAME=VALUE" in result.stderr


@pytest.mark.emulator
def test_the_children_see_the_developers_settings_over_the_dev_defaults(
    emulator_stack: Emulators, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    functions = tmp_path / "functions"
    write_function(functions, "api", HTTP_FUNCTION)
    jwks = "https://happy-otter-12.clerk.accounts.dev/.well-known/jwks.json"
    mine = {
        "KLAIR_CLERK_ISSUER": CLERK,
        "KLAIR_CLERK_JWKS_URL": jwks,
        "KLAIR_CLERK_AUTHORIZED_PARTIES": json.dumps(["https://app.example"]),
        "KLAIR_SSRF_ALLOWED_HOSTS": json.dumps(["10.0.0.0/8"]),
        "KLAIR_BUCKET": "my-dev-media",
    }
    for name, value in mine.items():
        monkeypatch.setenv(name, value)
    flags = {"KLAIR_SSRF_ALLOWED_HOSTS": json.dumps(["192.168.0.0/16"])}
    options = StackOptions(
        free_ports=True,
        functions=["api"],
        functions_dir=functions,
        workdir=tmp_path / "devstack",
        emulators=emulator_stack,
        extra_env=flags,
    )
    with LocalStack(options) as stack:
        assert stack.urls.api is not None
        seen = httpx.get(stack.urls.api, timeout=10).json()
        assert seen["KLAIR_MODE"] == "emulator"  # a default nobody overrode
        assert {name: seen[name] for name in mine} == {**mine, **flags}
        assert (stack.urls.issuer, stack.urls.jwks) == (CLERK, jwks)
        assert set(stack.own_settings) == set(mine)
        anonymous = AnonymousCredentials()  # type: ignore[no-untyped-call]
        gcs = storage.Client(
            emulator_stack.project, anonymous, client_options={"api_endpoint": emulator_stack.gcs}
        )
        assert gcs.lookup_bucket("my-dev-media") is not None  # the stack made the bucket it names
        with pytest.raises(ForeignIssuer):
            stack.issuer.mint("user_1")
        shown = Console(record=True, width=200)
        explain_settings(stack, shown)
        said = shown.export_text()
        assert all(name in said for name in mine)
        assert f"Tokens must come from {CLERK}" in said
