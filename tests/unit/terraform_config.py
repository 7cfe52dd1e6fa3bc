"""The terraform configuration as data (python-hcl2), for tests that check it without a cloud:
where each directory is, its blocks merged per kind, and expression helpers."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import hcl2

ROOT = Path(__file__).resolve().parents[2]
TERRAFORM = ROOT / "terraform"
MODULES = TERRAFORM / "modules"
KLAIR = MODULES / "klair"
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
        "provider": {},
    }
    for path in sorted(directory.glob("*.tf")):
        parsed = plain(hcl2.loads(path.read_text()))
        for block in parsed.get("locals", []):
            merged["locals"].update(block)
        for kind in ("variable", "output", "module", "provider"):
            for block in parsed.get(kind, []):
                merged[kind].update(block)
        for kind in ("resource", "data"):
            for block in parsed.get(kind, []):
                for rtype, named in block.items():
                    for name, body in named.items():
                        merged[kind][(rtype, name)] = body
    return merged


def resources(directory: Path, rtype: str) -> dict[str, Any]:
    """Name => body of every resource of one type in a directory."""
    return {name: body for (t, name), body in config(directory)["resource"].items() if t == rtype}


def source_text(directory: Path) -> str:
    """The directory's .tf text without comment lines."""
    lines = (line for p in sorted(directory.glob("*.tf")) for line in p.read_text().splitlines())
    return "\n".join(line for line in lines if not line.lstrip().startswith(("#", "//")))


def module_call(directory: Path, module: str) -> tuple[str, dict[str, Any]]:
    """The one call of modules/<module> in a directory (the klair module or an environment)."""
    target = (MODULES / module).resolve()
    calls = [
        (name, body)
        for name, body in config(directory)["module"].items()
        if (directory / body["source"]).resolve() == target
    ]
    assert len(calls) == 1, f"{directory.name}: expected one call of modules/{module}: {calls}"
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
