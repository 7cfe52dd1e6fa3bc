"""`klair package`: one reproducible source zip per function, whose requirements are pinned for
the Cloud Functions runtime and whose content hash changes only when its sources do."""

from __future__ import annotations

import inspect
import json
import os
import re
import shutil
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from typer.testing import CliRunner

from klair.cli.closure import closure
from klair.cli.main import app
from klair.cli.packaging import (
    RUNTIMES,
    ZIP_TIME,
    Installed,
    PackagingError,
    build,
    installed,
    requirements_text,
    resolve,
    target_environment,
)
from klair.devstack.topology import load_topology
from tests.unit.terraform_config import KLAIR, config

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = next(
    r for r, v in RUNTIMES.items() if v == f"{sys.version_info[0]}.{sys.version_info[1]}"
)
ENV = target_environment(RUNTIME)


def copy_repo(dest: Path) -> Path:
    """The parts of the repository that packaging reads, in a folder the test may change."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for part in ("functions", "shared/klair", "emulator-config"):
        shutil.copytree(ROOT / part, dest / part, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")
    return dest


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_repo(tmp_path_factory.mktemp("repo"))


def fake(**dists: tuple[str, list[str]]) -> dict[str, Installed]:
    return {canonicalize_name(n): Installed(n, v, tuple(r)) for n, (v, r) in dists.items()}


def lookup_in(dists: dict[str, Installed]):  # type: ignore[no-untyped-def]
    return lambda name: dists.get(canonicalize_name(name))


def test_pins_follow_markers_and_extras_of_the_target_runtime() -> None:
    dists = fake(
        app=("1.0", ["jwt[crypto]>=2", 'colors; platform_system == "Windows"', "Tools"]),
        jwt=("2.5", ['crypto>=3; extra == "crypto"', 'compat; python_version < "3.8"']),
        crypto=("41.0", ["app"]),  # a cycle ends
        tools=("0.3", []),
    )
    assert resolve(["app"], ENV, lookup_in(dists)) == [
        "app==1.0",
        "crypto==41.0",
        "jwt[crypto]==2.5",
        "tools==0.3",
    ]
    assert resolve(["jwt"], ENV, lookup_in(dists)) == ["jwt==2.5"]


def test_an_extra_asked_for_later_still_brings_its_requirements() -> None:
    dists = fake(
        a=("1", ["jwt", "b"]), b=("1", ["jwt[crypto]"]), jwt=("2", ['crypto; extra == "crypto"'])
    )
    dists |= fake(crypto=("3", []))
    assert "crypto==3" in resolve(["a"], ENV, lookup_in(dists))


@pytest.mark.parametrize(
    ("roots", "message"),
    [(["missing"], "missing .* is not installed"), (["old>=2"], "needs old>=2, installed 1.0")],
)
def test_what_cannot_be_pinned_is_refused(roots: list[str], message: str) -> None:
    with pytest.raises(PackagingError, match=message):
        resolve(roots, ENV, lookup_in(fake(old=("1.0", []))))


def test_requirements_pin_every_dependency_at_its_installed_version() -> None:
    text = requirements_text(ROOT, RUNTIME)
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    assert lines == sorted(lines)
    pinned = {}
    for line in lines:
        assert re.fullmatch(r"[a-z0-9-]+(\[[a-z0-9,_-]+\])?==[\w.+!-]+", line), line
        requirement = Requirement(line)
        pinned[canonicalize_name(requirement.name)] = str(requirement.specifier)[2:]
    for name, version in pinned.items():
        found = installed(name)
        assert found is not None and found.version == version, name
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert {canonicalize_name(Requirement(d).name) for d in declared} <= set(pinned)
    # The runtime gets no tools, no project of its own and no paths or hosts of this machine.
    assert not {"klair", "pytest", "mypy", "ruff", "python-hcl2"} & set(pinned)
    assert not re.search(r"://|@|file:|/", "\n".join(lines))


def test_builds_are_byte_for_byte_reproducible(repo: Path, tmp_path: Path) -> None:
    first = build(repo, tmp_path / "one")
    for path in (repo / "shared").rglob("*.py"):
        os.utime(path, (1e9, 1e9))  # new mtimes change nothing
    second = build(repo, tmp_path / "two")
    assert [a.path.read_bytes() for a in first] == [a.path.read_bytes() for a in second]
    manifests = [(tmp_path / d / "manifest.json").read_text() for d in ("one", "two")]
    assert manifests[0] == manifests[1]


def test_an_archive_holds_main_its_modules_and_requirements(repo: Path, tmp_path: Path) -> None:
    (archive,) = build(repo, tmp_path, only=["transcode"])
    found = closure(repo / "shared", repo / "functions/transcode/main.py")
    with zipfile.ZipFile(archive.path) as zipped:
        infos = zipped.infolist()
        names = [info.filename for info in infos]
        assert zipped.read("main.py") == (repo / "functions/transcode/main.py").read_bytes()
        requirements = zipped.read("requirements.txt").decode()
    assert requirements == requirements_text(repo, RUNTIME, uses=found.third_party())
    assert names == sorted(names)
    assert "klair/__init__.py" in names and "klair/py.typed" in names
    assert "klair/handlers/pipeline/transcode_source.py" in names
    assert "klair/handlers/pipeline/select_clips.py" not in names  # another function's
    modules = {n for n in names if n.endswith(".py") and n != "main.py"}
    assert modules == {p.relative_to(repo / "shared").as_posix() for p in found.modules.values()}
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc") or n[0] == "/"]
    assert {info.date_time for info in infos} == {ZIP_TIME}
    assert {info.external_attr >> 16 for info in infos} == {0o100644}


def test_the_hash_changes_only_for_the_functions_that_ship_the_change(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    before = {a.function: a.object_name for a in build(repo, tmp_path / "a")}
    main = repo / "functions" / "select" / "main.py"
    main.write_text(main.read_text() + "\n# changed\n")
    after = {a.function: a.object_name for a in build(repo, tmp_path / "b")}
    assert {f for f in before if before[f] != after[f]} == {"select"}
    routes = repo / "shared" / "klair" / "http" / "webhook_routes.py"
    routes.write_text(routes.read_text() + "\n# changed\n")
    (repo / "shared" / "klair" / "newmodule.py").write_text('"""Imported by nothing."""\n')
    again = {a.function: a.object_name for a in build(repo, tmp_path / "c")}
    shipping = {
        f for f, zipped in zips(tmp_path / "c").items() if "klair/http/webhook_routes.py" in zipped
    }
    assert "webhooks" in shipping and not {"api", "analyze", "sweeper"} & shipping
    assert {f for f in after if again[f] != after[f]} == shipping


def test_the_manifest_names_every_archive_by_content(repo: Path, tmp_path: Path) -> None:
    archives = build(repo, tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["runtime"] == RUNTIME
    assert set(manifest["functions"]) == set(load_topology().functions)
    for archive in archives:
        entry = manifest["functions"][archive.function]
        assert entry["object"] == f"functions/{archive.function}/{entry['sha256'][:20]}.zip"
        assert entry["bytes"] == archive.path.stat().st_size
        assert entry["entry_point"] == load_topology().functions[archive.function].entry_point


def test_closure_rules(tmp_path: Path) -> None:
    """Relative and lazy imports are followed, TYPE_CHECKING's body is not (its else is),
    and functions deployed code never runs are skipped."""
    src = tmp_path / "shared"
    (src / "klair" / "p").mkdir(parents=True)
    for name in ("__init__", "a", "b", "c", "d", "e"):
        (src / "klair" / "p" / f"{name}.py").write_text('"""M."""\n')
    (src / "klair" / "__init__.py").write_text("")
    (src / "klair" / "bootstrap.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from klair.p import a\n"
        "else:\n    from .p import b\ndef f():\n    from klair.p import c\n"
        "def for_tests():\n    from klair.p import d\n"
    )
    main = tmp_path / "main.py"
    main.write_text("import klair.bootstrap\nfrom klair.p.e import thing\n")
    found = closure(src, main)
    assert set(found.modules) == {"klair", "klair.bootstrap", "klair.p", "klair.p.b",
                                  "klair.p.c", "klair.p.e"}  # fmt: skip


def test_mistakes_are_refused_before_anything_is_written(repo: Path, tmp_path: Path) -> None:
    with pytest.raises(PackagingError, match="not functions of the topology: nope"):
        build(repo, tmp_path, only=["nope"])
    other = next((r for r in RUNTIMES if r != RUNTIME), None)
    if other is not None:
        with pytest.raises(PackagingError, match="package from a Python"):
            build(repo, tmp_path, runtime=other)
    broken = copy_repo(tmp_path / "broken")
    (broken / "functions" / "fail" / "main.py").write_text('"""No entry point."""\n')
    with pytest.raises(PackagingError, match=r"fail: main.py defines no fail\(\)"):
        build(broken, tmp_path / "dist")
    assert not list(tmp_path.rglob("*.zip")) and not list(tmp_path.rglob("manifest.json"))


def test_klair_package_writes_archives_manifest_and_tfvars(tmp_path: Path) -> None:
    tfvars = tmp_path / "sources.auto.tfvars.json"
    result = CliRunner().invoke(
        app, ["package", "--out", str(tmp_path / "dist"), "--only", "api", "--tfvars", str(tfvars)]
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "dist" / "manifest.json").read_text())
    assert json.loads(tfvars.read_text()) == {
        "source_objects": {"api": manifest["functions"]["api"]["object"]}
    }
    assert (tmp_path / "dist" / "api.zip").is_file()
    bad = CliRunner().invoke(app, ["package", "--out", str(tmp_path / "x"), "--only", "nope"])
    assert bad.exit_code == 2


def test_packaging_and_terraform_agree_on_the_runtime() -> None:
    runtime = config(KLAIR)["variable"]["runtime"]
    default = inspect.signature(build).parameters["runtime"].default
    assert runtime["default"] == default
    (validation,) = runtime["validation"]
    allowed = set(re.findall(r'"(python\d+)"', validation["condition"]))
    assert allowed == set(RUNTIMES)


def zips(out: Path) -> dict[str, dict[str, bytes]]:
    """function => {name in its zip: content}."""
    found = {}
    for path in sorted(out.glob("*.zip")):
        with zipfile.ZipFile(path) as zipped:
            found[path.stem] = {name: zipped.read(name) for name in zipped.namelist()}
    return found
