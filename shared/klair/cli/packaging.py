"""`klair package`: one deterministic, content-hashed source zip per Cloud Function (its
`main.py`, the `klair` modules it imports and a `requirements.txt` pinning only what those
import) plus a manifest of hashes. What a function imports, and so what ships, is read from
the sources by klair.cli.closure, whose docstring states the rule."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import stat
import sys
import tomllib
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from klair.cli.closure import ClosureError, Use, closure, providers
from klair.devstack.topology import load_topology

MANIFEST = "manifest.json"
# Zip timestamps are DOS dates: 1980-01-01 is the earliest, and the same for every build.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# Non-Python files a package directory ships with its modules (fonts libass is pointed at).
DATA_SUFFIXES = frozenset({".ttf", ".otf"})
RUNTIMES = {"python311": "3.11", "python312": "3.12"}
# Where Cloud Functions builds and runs the sources: markers are evaluated for it.
TARGET_PLATFORM = {
    "os_name": "posix",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "x86_64",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
}
# Every function is served by it, though no klair module imports it.
FRAMEWORK = "functions-framework"
REQUIREMENTS_HEADER = (
    "# Pinned by `klair package` from pyproject.toml and the versions installed where it ran.\n"
)


class PackagingError(Exception):
    """The sources or the environment cannot make a deployable archive."""


@dataclass(frozen=True)
class Installed:
    """What an installed distribution is and what it requires."""

    name: str
    version: str
    requires: tuple[str, ...]


Lookup = Callable[[str], Installed | None]


def installed(name: str) -> Installed | None:
    """The distribution installed in this environment, or None."""
    try:
        dist = importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:
        return None
    return Installed(dist.metadata["Name"], dist.version, tuple(dist.requires or ()))


def _wanted(requirement: Requirement, env: dict[str, str], extras: Iterable[str]) -> bool:
    marker: Marker | None = requirement.marker
    if marker is None:
        return True
    return any(marker.evaluate({**env, "extra": extra}) for extra in ("", *extras))


def resolve(roots: Iterable[str], env: dict[str, str], lookup: Lookup = installed) -> list[str]:
    """`name[extras]==version` for the roots and everything they need on the target, sorted.

    Versions are the installed ones (what the tests ran against); a requirement that is not
    installed, or installed at a version its dependant refuses, is an error.
    """
    found: dict[str, tuple[Installed, set[str]]] = {}
    pending: list[tuple[Requirement, str, tuple[str, ...]]] = [
        (Requirement(text), "pyproject.toml", ()) for text in roots
    ]
    while pending:
        requirement, parent, parent_extras = pending.pop()
        if not _wanted(requirement, env, parent_extras):
            continue
        key = canonicalize_name(requirement.name)
        dist = found[key][0] if key in found else lookup(requirement.name)
        if dist is None:
            raise PackagingError(f"{requirement} (needed by {parent}) is not installed")
        if not requirement.specifier.contains(dist.version, prereleases=True):
            raise PackagingError(f"{parent} needs {requirement}, installed {dist.version}")
        extras = found[key][1] if key in found else set()
        new_extras = set(requirement.extras) - extras
        if key in found and not new_extras:
            continue
        extras |= new_extras
        found[key] = (dist, extras)
        pending += [(Requirement(text), dist.name, tuple(extras)) for text in dist.requires]
    return sorted(_pin(key, dist, extras) for key, (dist, extras) in found.items())


def _pin(key: str, dist: Installed, extras: set[str]) -> str:
    suffix = f"[{','.join(sorted(extras))}]" if extras else ""
    return f"{key}{suffix}=={dist.version}"


def target_environment(runtime: str) -> dict[str, str]:
    """Marker values of the Cloud Functions runtime; this Python must be the runtime's."""
    if runtime not in RUNTIMES:
        raise PackagingError(f"unknown runtime {runtime}; one of {sorted(RUNTIMES)}")
    python = RUNTIMES[runtime]
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    if here != python:
        raise PackagingError(
            f"requirements are pinned from this environment (Python {here}), but the "
            f"{runtime} runtime runs Python {python}: package from a Python {python} venv"
        )
    full = ".".join(str(part) for part in sys.version_info[:3])
    return {**TARGET_PLATFORM, "python_version": python, "python_full_version": full}


def requirements_text(
    root: Path, runtime: str, lookup: Lookup = installed, uses: Iterable[Use] | None = None
) -> str:
    """requirements.txt for the runtime, pinned: the pyproject dependencies that provide
    these imports (all of them without `uses`), functions-framework, and their dependencies.
    An import that no pin provides would fail at the function's first call: refused."""
    declared = tomllib.loads((root / "pyproject.toml").read_text())["project"]["dependencies"]
    needed = None if uses is None else list(uses)
    wanted = {FRAMEWORK} | {d for use in needed or () for d in providers(use.name)}
    roots = [
        text
        for text in declared
        if needed is None or canonicalize_name(Requirement(text).name) in wanted
    ]
    pins = resolve(roots, target_environment(runtime), lookup)
    pinned = {canonicalize_name(Requirement(pin).name) for pin in pins}
    if unpinned := sorted(
        {f"{u.importer} imports {u.name}" for u in needed or () if not providers(u.name) & pinned}
    ):
        raise PackagingError(
            f"no pinned requirement provides what these import: {'; '.join(unpinned)} "
            "(declare it in pyproject.toml dependencies)"
        )
    return REQUIREMENTS_HEADER + "".join(f"{pin}\n" for pin in pins)


def archive_entries(
    root: Path, function: str, runtime: str = "python311", lookup: Lookup = installed
) -> list[tuple[str, bytes]]:
    """(name in the archive, content) of one function's source archive, sorted by name:
    its main.py, the `klair` modules it imports (see klair.cli.closure) and the pinned
    requirements of what those import."""
    main = root / "functions" / function / "main.py"
    if not main.is_file():
        raise PackagingError(f"{function}: no {main.relative_to(root)}")
    src = root / "shared"
    try:
        found = closure(src, main)
    except ClosureError as error:
        raise PackagingError(f"{function}: {error}") from error
    requirements = requirements_text(root, runtime, lookup, found.third_party())
    modules = list(found.modules.values())
    files = [*modules, *package_data(modules), src / "klair" / "py.typed"]
    entries = [
        ("main.py", main.read_bytes()),
        ("requirements.txt", requirements.encode()),
        *((path.relative_to(src).as_posix(), path.read_bytes()) for path in files),
    ]
    return sorted(entries)


def package_data(modules: Iterable[Path]) -> list[Path]:
    """The data files of the shipped packages (under a package's directory, beside its
    `__init__.py`): the caption fonts and their licence."""
    dirs = {path.parent for path in modules if path.name == "__init__.py"}
    return sorted(
        {
            file
            for directory in dirs
            for file in directory.glob("**/*")
            if file.is_file()
            and (file.suffix in DATA_SUFFIXES or file.name == "LICENSE")
            and "__pycache__" not in file.parts
        }
    )


def content_digest(entries: Iterable[tuple[str, bytes]]) -> str:
    """sha256 over names and contents: the same sources give the same digest on any machine."""
    digest = hashlib.sha256()
    for name, data in sorted(entries):
        digest.update(f"{name}\0{hashlib.sha256(data).hexdigest()}\n".encode())
    return digest.hexdigest()


def write_zip(path: Path, entries: Iterable[tuple[str, bytes]]) -> None:
    """A reproducible zip: sorted entries, fixed timestamps, fixed permissions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".zip.partial")
    with zipfile.ZipFile(partial, "w") as archive:
        for name, data in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, so external_attr holds the mode
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            archive.writestr(info, data, compresslevel=9)
    partial.replace(path)


@dataclass(frozen=True)
class Archive:
    """One function's built source archive."""

    function: str
    entry_point: str
    path: Path
    digest: str

    @property
    def object_name(self) -> str:
        """Where the pipeline uploads it: a new name only when the content changed."""
        return f"functions/{self.function}/{self.digest[:20]}.zip"

    def describe(self) -> dict[str, str | int]:
        data = self.path.read_bytes()
        return {
            "archive": self.path.name,
            "entry_point": self.entry_point,
            "sha256": self.digest,
            "zip_sha256": hashlib.sha256(data).hexdigest(),
            "bytes": len(data),
            "object": self.object_name,
        }


def _entry_point_defined(main: bytes, entry_point: str) -> bool:
    return f"def {entry_point}(".encode() in main


def build(
    root: Path,
    out: Path,
    only: Iterable[str] = (),
    runtime: str = "python311",
    lookup: Lookup = installed,
) -> list[Archive]:
    """OUT/<function>.zip for every function of the topology (or `only` those) and
    OUT/manifest.json. Every function is checked before anything is written."""
    functions = load_topology(root / "emulator-config" / "topology.yaml").functions
    wanted = sorted(set(only) or set(functions))
    if unknown := sorted(set(wanted) - set(functions)):
        raise PackagingError(f"not functions of the topology: {', '.join(unknown)}")
    contents = {name: archive_entries(root, name, runtime, lookup) for name in wanted}
    for name, entries in contents.items():
        if not _entry_point_defined(dict(entries)["main.py"], functions[name].entry_point):
            raise PackagingError(f"{name}: main.py defines no {functions[name].entry_point}()")
    archives = []
    for name, entries in contents.items():
        write_zip(out / f"{name}.zip", entries)
        archive = Archive(
            name, functions[name].entry_point, out / f"{name}.zip", content_digest(entries)
        )
        archives.append(archive)
    requirements = {name: dict(entries)["requirements.txt"] for name, entries in contents.items()}
    write_manifest(out, archives, runtime, requirements)
    return archives


def write_manifest(
    out: Path, archives: list[Archive], runtime: str, requirements: dict[str, bytes]
) -> Path:
    """dist/manifest.json: runtime, a hash over every function's requirements.txt (function
    name and file hash) and each archive's hashes and object."""
    manifest = {
        "runtime": runtime,
        "requirements_sha256": content_digest(requirements.items()),
        "functions": {a.function: a.describe() for a in archives},
    }
    path = out / MANIFEST
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return path


def write_tfvars(path: Path, archives: list[Archive]) -> None:
    """terraform's `source_objects` (function => object name) as a tfvars JSON file."""
    objects = {a.function: a.object_name for a in archives}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"source_objects": objects}, indent=2, sort_keys=True) + "\n")
