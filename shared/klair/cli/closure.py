"""What one Cloud Function runs, read statically (ast) from the sources: the `klair` modules
its `functions/<name>/main.py` reaches and the third-party modules those import. `klair
package` ships exactly these modules and pins only what provides those imports.

The rule:

1. Start at main.py and follow every `klair` import, transitively, whether at module level
   or inside a function body: a lazy import runs on the first call that reaches it, and the
   first call must work. Only the body of an `if TYPE_CHECKING:` is skipped (it never runs).
2. Imports inside the functions of NEVER_RUN_DEPLOYED are not followed: deployed code never
   calls them (the test fakes, `klair run`'s embedded wiring).
3. Dev-only code (NEVER_SHIPPED: the CLI, the local stack, the fakes) is never shipped; any
   other import of it is an error.
4. Each shipped module brings its parent packages' `__init__.py`; `klair/py.typed` ships.
5. Third-party imports: one at module level always counts (it runs at import). One inside
   a function body counts too, unless its module is in LAZY_BY_PORT and no handler or http
   module of the closure reads that port of `Deps`: the adapter is built by the bootstrap
   in every function, but only a function that uses the port runs the code that imports.
"""

from __future__ import annotations

import ast
import importlib.metadata
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from packaging.utils import canonicalize_name

NEVER_SHIPPED = ("klair.cli", "klair.devstack", "klair.adapters.memory", "klair.adapters.local")
# (module, function): deployed code never calls these, so their imports are not followed.
NEVER_RUN_DEPLOYED = frozenset(
    {
        ("klair.bootstrap", "for_tests"),
        ("klair.bootstrap", "_embedded"),
        ("klair.bootstrap", "_in_process"),
        ("klair.bootstrap", "_emulator_task_queue"),
    }
)
# (importer, function, dev-only module) shipped because a deployed path imports it.
# Adapter module => the `Deps` port it implements: its lazy third-party imports run only
# in a function whose handlers read that port (bootstrap builds it everywhere, lazily).
LAZY_BY_PORT = {
    "klair.adapters.whisper_transcriber": "transcriber",
    "klair.adapters.deferred_download": "downloader",
    "klair.adapters.deferred_render": "renderer",
    "klair.adapters.offline_analyzer": "analyzer",
}
PORT_READERS = ("klair.handlers", "klair.http")


class ClosureError(Exception):
    """The sources reach code that must not be deployed."""


@dataclass(frozen=True)
class Use:
    """One import statement's target, as it appears in `importer`."""

    importer: str
    name: str
    lazy: bool
    function: str  # the outermost enclosing definition of a lazy import, else ""


@dataclass(frozen=True)
class Closure:
    """The shipped `klair` modules (name => file) and every import they (and main) make."""

    modules: dict[str, Path]
    uses: tuple[Use, ...]

    def third_party(self) -> list[Use]:
        """The third-party imports that run in this function (rule 5)."""
        readers = [p for n, p in self.modules.items() if n.startswith(PORT_READERS)]
        used = {port for port in LAZY_BY_PORT.values() if _reads(readers, port)}
        return [
            use
            for use in self.uses
            if not _first_party(use.name)
            and (not use.lazy or LAZY_BY_PORT.get(use.importer, "") in used | {""})
        ]


def _first_party(name: str) -> bool:
    top = name.partition(".")[0]
    return top in sys.stdlib_module_names or top in {"klair", "__future__"}


def _reads(paths: list[Path], port: str) -> bool:
    """Whether any of these modules reads an attribute named `port`."""
    return any(
        isinstance(node, ast.Attribute) and node.attr == port
        for path in paths
        for node in ast.walk(ast.parse(path.read_bytes()))
    )


def imports(module: str, source: bytes, package: bool = False) -> Iterator[Use]:
    """Every import a module makes, with where it sits; `from a import b` gives `a.b` (b may
    be a module or a name in `a`). Relative imports are made absolute."""
    yield from _visit(module, ast.parse(source), package, (), False)


def _visit(
    module: str, node: ast.AST, package: bool, scope: tuple[str, ...], lazy: bool
) -> Iterator[Use]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
            orelse = ast.Module(body=child.orelse, type_ignores=[])
            yield from _visit(module, orelse, package, scope, lazy)
            continue
        inner, deeper = scope, lazy
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            inner = (*scope, child.name)
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            deeper = True
        for name in _targets(module, child, package):
            yield Use(module, name, deeper, ".".join(inner[:1]) if deeper else "")
        yield from _visit(module, child, package, inner, deeper)


def _targets(module: str, node: ast.AST, package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:
        parts = module.split(".")[: len(module.split(".")) - node.level + package]
        base = ".".join([*parts, *([base] if base else [])])
    names = [alias.name for alias in node.names if alias.name != "*"]
    return [f"{base}.{name}" for name in names] or [base]


def module_file(src: Path, name: str) -> Path | None:
    """The file of module `name` under `src`, or None if there is no such module."""
    base = src.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _parents(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def closure(src: Path, main: Path) -> Closure:
    """The closure of `main` over the `klair` package in `src` (rules 1-5): a lazy import
    made by a LAZY_BY_PORT module is followed only once a handler or http module of the
    closure reads that port."""
    modules: dict[str, Path] = {}
    uses = list(imports("main", main.read_bytes()))
    pending, waiting, released = list(uses), list[Use](), set[Use]()
    while pending:
        _follow(src, pending, modules, uses, (waiting, released))
        readers = [p for n, p in modules.items() if n.startswith(PORT_READERS)]
        pending = [u for u in waiting if _reads(readers, LAZY_BY_PORT[u.importer])]
        waiting = [u for u in waiting if u not in pending]
        released.update(pending)
    return Closure(dict(sorted(modules.items())), tuple(uses))


def _follow(
    src: Path,
    pending: list[Use],
    modules: dict[str, Path],
    uses: list[Use],
    deferred: tuple[list[Use], set[Use]],
) -> None:
    waiting, released = deferred
    while pending:
        use = pending.pop()
        klair = use.name.partition(".")[0] == "klair"
        if not klair or (use.importer, use.function) in NEVER_RUN_DEPLOYED:
            continue
        if use.lazy and use.importer in LAZY_BY_PORT and use not in released:
            waiting.append(use)
            continue
        for name in (*_parents(use.name), use.name):
            path = module_file(src, name)
            if path is None or name in modules:
                continue
            _check_deployable(use, name)
            modules[name] = path
            found = list(imports(name, path.read_bytes(), path.name == "__init__.py"))
            uses += found
            pending += found


def _check_deployable(use: Use, name: str) -> None:
    never = [p for p in NEVER_SHIPPED if f"{name}.".startswith(f"{p}.")]
    if not never:
        return
    where = f"{use.importer}.{use.function}()" if use.function else use.importer
    raise ClosureError(f"{where} imports {name}, which is never deployed ({never[0]})")


@lru_cache(maxsize=1)
def _owners() -> dict[str, frozenset[str]]:
    """Module name => the installed distributions whose files hold it (canonical names)."""
    owners: dict[str, set[str]] = {}
    for dist in importlib.metadata.distributions():
        key = canonicalize_name(dist.metadata["Name"])
        for file in dist.files or ():
            if file.suffix not in {".py", ".so", ".pyd"} or ".." in file.parts:
                continue
            stem = file.parts[-1].split(".")[0]
            parts = [*file.parts[:-1], *([stem] if stem != "__init__" else [])]
            if parts and all(part.isidentifier() for part in parts):
                owners.setdefault(".".join(parts), set()).add(key)
    return {name: frozenset(dists) for name, dists in owners.items()}


def providers(name: str) -> frozenset[str]:
    """The installed distributions that provide module (or name) `name`: those holding its
    longest dotted prefix (namespace packages like `google` are split by subpackage)."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        if found := _owners().get(".".join(parts[:end])):
            return found
    by_top = importlib.metadata.packages_distributions().get(parts[0], [])
    return frozenset(canonicalize_name(dist) for dist in by_top)
