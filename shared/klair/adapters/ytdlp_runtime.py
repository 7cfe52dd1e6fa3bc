"""What yt-dlp runs beside its requests: the JavaScript runtime that solves YouTube's signature
and n challenges (a local binary running the solver scripts of the `yt-dlp-ejs` package, never
code fetched at run time) and the operator's cookies, handed over in memory."""

from __future__ import annotations

import io
from functools import cache
from pathlib import PurePath
from typing import Any

import deno

# Imported so a deployment without the solver scripts fails at start rather than downloading
# nothing from YouTube, and so `klair package` pins it (yt-dlp imports it only if present).
import yt_dlp_ejs  # noqa: F401

from klair.adapters.site_access import SiteAccess

# yt-dlp's name for each runtime, by the executable's name.
_RUNTIMES = {"deno": "deno", "node": "node", "nodejs": "node", "bun": "bun", "qjs": "quickjs"}


@cache
def packaged_deno() -> str | None:
    """The deno binary the `deno` package installed (in a venv, a user site or a `--target`
    directory, as Cloud Functions' build installs it), or None."""
    try:
        return str(deno.find_deno_bin())
    except FileNotFoundError:
        return None


def js_runtimes(path: str | None) -> dict[str, dict[str, str]]:
    """yt-dlp's `js_runtimes` param: the configured runtime (a path; its kind from its name,
    deno unless it is node, bun or qjs), else the packaged deno, else deno from PATH."""
    if path:
        name = PurePath(path).name.lower().removesuffix(".exe")
        return {_RUNTIMES.get(name, "deno"): {"path": path}}
    found = packaged_deno()
    return {"deno": {"path": found} if found else {}}


def cookie_stream(text: str | None) -> io.StringIO | None:
    """yt-dlp's `cookiefile` param: a stream of the checked text, one per YoutubeDL (which
    writes its jar back into it on close), so the cookies never touch the disk."""
    return io.StringIO(text) if text else None


class RuntimeParams:
    """The YoutubeDL params this module decides, from the operator's `SiteAccess` (whose
    cookies were checked when it was made): each call gives a fresh cookie stream, for one
    YoutubeDL."""

    def __init__(self, access: SiteAccess) -> None:
        self._cookies = access.cookies
        self._runtimes = js_runtimes(access.js_runtime)

    def __call__(self) -> dict[str, Any]:
        return {
            # YouTube's challenges: solved by this local runtime with the packaged solver
            # scripts; `remote_components` stays empty, so no code is fetched at run time.
            "js_runtimes": {name: dict(config) for name, config in self._runtimes.items()},
            "remote_components": [],
            "cookiefile": cookie_stream(self._cookies),
        }
