"""Klair touches yt-dlp only through its public surface: no private module or name is
imported, and the hooks the guard relies on exist with the shapes it uses. A yt-dlp release
that moves them fails here (the weekly bump runs this) instead of silently unguarding."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import yt_dlp
from yt_dlp.networking import RequestHandler

import klair

SOURCE = Path(klair.__file__).parent


def _yt_dlp_imports() -> list[tuple[str, str, str]]:
    """(file, module, name) for every import from yt_dlp in Klair's production code."""
    found = []
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("yt_dlp"):
                found += [(path.name, node.module or "", a.name) for a in node.names]
            elif isinstance(node, ast.Import):
                found += [
                    (path.name, a.name, "") for a in node.names if a.name.startswith("yt_dlp")
                ]
    return found


def test_no_private_yt_dlp_module_or_name_is_imported() -> None:
    imports = _yt_dlp_imports()
    assert any(module == "yt_dlp.networking" for _, module, _ in imports)  # the scan works
    private = [
        (file, module, name)
        for file, module, name in imports
        if any(part.startswith("_") for part in module.split(".")) or name.startswith("_")
    ]
    assert private == []


def test_the_request_handler_hooks_the_guard_overrides_still_exist() -> None:
    for hook in ("_send", "_check_extensions", "_prepare_headers", "_get_headers",
                 "_get_cookiejar", "_calculate_timeout", "close"):  # fmt: skip
        assert callable(getattr(RequestHandler, hook, None)), hook
    assert "request" in inspect.signature(RequestHandler._send).parameters
    director = inspect.signature(yt_dlp.YoutubeDL.build_request_director).parameters
    assert list(director)[:3] == ["self", "handlers", "preferences"]
    assert RequestHandler.__abstractmethods__ == frozenset({"_send"})
