"""`klair openapi` and `klair client`: the `api` function's OpenAPI document, read offline
from the function itself, and the Python client (`clients/python`) generated from it."""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from klair.devstack.topology import DEFAULT_PATH

REPO_ROOT = DEFAULT_PATH.parents[1]  # a checkout: functions/ and clients/ sit beside shared/
API_FUNCTION = REPO_ROOT / "functions" / "api" / "main.py"
SPEC_ROUTE = "/api/openapi.json"
CLIENT_DIR = REPO_ROOT / "clients" / "python"
SPEC_FILE = CLIENT_DIR / "openapi.json"
GENERATED = CLIENT_DIR / "klair_client" / "generated"  # the generator's alone: never edit
GENERATOR_CONFIG = CLIENT_DIR / "openapi-python-client.yaml"
REGENERATE = "klair client generate"
# Only what the app needs to start: the spec route is public, so no token is ever checked.
_OFFLINE_ENV = {"KLAIR_CLERK_ISSUER": "https://clerk.invalid", "KLAIR_LOG_LEVEL": "ERROR"}

app = typer.Typer(help="The Python client generated from the API's OpenAPI document.")


def served_spec(source: Path = API_FUNCTION) -> dict[str, Any]:
    """The document the `api` function serves, from its own app in this process (no server,
    no emulator): whatever framework serves the function, this is what users download.
    The app caches its settings: the `klair` command calls this once, in its own process."""
    missing = {name: value for name, value in _OFFLINE_ENV.items() if name not in os.environ}
    os.environ.update(missing)
    try:
        status, body = _get(source, SPEC_ROUTE)
    finally:
        for name in missing:
            del os.environ[name]
    if status != 200:
        raise RuntimeError(f"GET {SPEC_ROUTE} answered {status}: {body[:500]}")
    document: dict[str, Any] = json.loads(body)
    return document


def _get(source: Path, path: str) -> tuple[int, str]:
    import functions_framework

    function = functions_framework.create_app("api", str(source))  # type: ignore[no-untyped-call]
    if hasattr(function, "test_client"):  # Flask (a WSGI function)
        response = function.test_client().get(path)
        return response.status_code, response.get_data(as_text=True)
    from starlette.testclient import TestClient  # Starlette (an async function)

    reply = TestClient(function).get(path)
    return reply.status_code, reply.text


def spec_text(document: dict[str, Any]) -> str:
    """Stable text: sorted keys, so a diff of `openapi.json` shows only what changed."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def for_generator(document: dict[str, Any]) -> dict[str, Any]:
    """The document as openapi-python-client should read it. Two changes, each a rule the
    server keeps: a model's `oneOf` whose branches only say which properties are required
    ("`url` or `upload_id`") would type the whole model `Any`; and a property's `default`
    would be sent as if the caller chose it, overriding what the server derives (a preset's
    clip length), so a property left out stays out of the request."""
    schemas = document.get("components", {}).get("schemas", {})
    return {
        **document,
        "components": {
            **document.get("components", {}),
            "schemas": {name: _typable(schema) for name, schema in schemas.items()},
        },
    }


def _typable(schema: dict[str, Any]) -> dict[str, Any]:
    branches = schema.get("oneOf", [])
    if "properties" in schema and branches and all(set(b) == {"required"} for b in branches):
        schema = {key: value for key, value in schema.items() if key != "oneOf"}
    if "properties" in schema:
        properties = {
            name: {key: value for key, value in prop.items() if key != "default"}
            for name, prop in schema["properties"].items()
        }
        schema = {**schema, "properties": properties}
    return schema


def generate_into(document: dict[str, Any], package: Path) -> None:
    """Run the pinned generator (the `dev` extra's `openapi-python-client`) on the document;
    a warning, such as a model it had to drop, fails the run instead of leaving a gap."""
    with tempfile.TemporaryDirectory(prefix="klair-spec-") as scratch:
        spec = Path(scratch) / "openapi.json"
        spec.write_text(spec_text(for_generator(document)), encoding="utf-8")
        command = [
            sys.executable, "-m", "openapi_python_client", "generate", "--path", str(spec),
            "--meta", "none", "--config", str(GENERATOR_CONFIG), "--output-path",
            str(package), "--overwrite", "--fail-on-warning",
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"openapi-python-client failed:\n{done.stdout}\n{done.stderr}")


def differences(expected: Path, actual: Path) -> list[str]:
    """Files added, removed or changed between two trees (caches aside)."""
    found: list[str] = []

    def walk(cmp: filecmp.dircmp[str], prefix: str) -> None:
        found.extend(prefix + name for name in cmp.left_only + cmp.right_only)
        found.extend(prefix + name for name in cmp.diff_files + cmp.funny_files)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(expected, actual, ignore=["__pycache__"]), "")
    return sorted(found)


def stale_files(document: dict[str, Any]) -> list[str]:
    """What `klair client generate` would change in `clients/python` (empty: up to date)."""
    kept = SPEC_FILE.read_text(encoding="utf-8") if SPEC_FILE.is_file() else ""
    stale = [] if kept == spec_text(document) else ["openapi.json"]
    with tempfile.TemporaryDirectory(prefix="klair-client-") as scratch:
        package = Path(scratch) / "generated"
        generate_into(document, package)
        if not GENERATED.is_dir():
            return [*stale, "klair_client/generated/"]
        changed = differences(GENERATED, package)
    return stale + [f"klair_client/generated/{name}" for name in changed]


def regenerate(document: dict[str, Any]) -> None:
    """Replace the kept spec and generated package, only once the generator succeeded."""
    with tempfile.TemporaryDirectory(prefix="klair-client-") as scratch:
        package = Path(scratch) / "generated"
        generate_into(document, package)
        shutil.rmtree(GENERATED, ignore_errors=True)
        shutil.copytree(package, GENERATED, ignore=shutil.ignore_patterns("__pycache__"))
    SPEC_FILE.write_text(spec_text(document), encoding="utf-8")


Out = Annotated[Path | None, typer.Option("--out", "-o", help="Write here, not to stdout.")]
Check = Annotated[
    bool, typer.Option("--check", help="Change nothing; exit 1 if the client is out of date.")
]


@app.command()
def generate(check: Check = False) -> None:
    """Regenerate clients/python from the api function's spec (offline); run it after any
    route or model change."""
    try:
        document = served_spec()
        if check:
            _check(document)
            return
        regenerate(document)
    except RuntimeError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None
    typer.echo(f"regenerated {GENERATED.relative_to(REPO_ROOT)} from {SPEC_ROUTE}", err=True)


def _check(document: dict[str, Any]) -> None:
    stale = stale_files(document)
    if stale:
        listed = "\n  ".join(stale)
        message = f"The Python client is out of date: run `{REGENERATE}` and commit"
        raise RuntimeError(f"{message} clients/python. Differs:\n  {listed}")
    typer.echo("clients/python is up to date", err=True)


def openapi(out: Out = None) -> None:
    """Print the api function's OpenAPI document (read from the function; no server needed)."""
    text = spec_text(served_spec())
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
