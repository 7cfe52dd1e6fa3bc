"""How the downloader reaches sites: values from the operator's configuration, read by the
composition root and handed to the yt-dlp adapter (which never reads settings itself)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ProxyUse = Literal["blocked", "always"]


@dataclass(frozen=True)
class SiteAccess:
    """`proxy`: the operator's egress proxy URL (trusted configuration; the SSRF guard still
    judges every target before a request goes through it), used for every download
    (`proxy_use="always"`) or only to retry one a site refused as a bot (`"blocked"`).
    `cookies`: a Netscape cookie file's text, for sites that need a signed-in session.
    `js_runtime`: the JavaScript runtime yt-dlp solves YouTube's challenges with (a path);
    None finds the one the `deno` package installs."""

    socket_timeout: float = 30.0
    proxy: str | None = None
    proxy_use: ProxyUse = "blocked"
    cookies: str | None = None
    js_runtime: str | None = None

    def __repr__(self) -> str:  # the proxy URL and cookies are secrets
        shown = {
            "socket_timeout": self.socket_timeout,
            "proxy": "***" if self.proxy else None,
            "proxy_use": self.proxy_use,
            "cookies": "***" if self.cookies else None,
            "js_runtime": self.js_runtime,
        }
        return "SiteAccess(" + ", ".join(f"{k}={v!r}" for k, v in shown.items()) + ")"
