"""How the downloader reaches sites: values from the operator's configuration, read by the
composition root and handed to the yt-dlp adapter (which never reads settings itself)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ProxyUse = Literal["blocked", "always"]
# Cookie files exported by browsers' extensions start with one of these; yt-dlp requires it.
_HEADERS = ("# Netscape HTTP Cookie File", "# HTTP Cookie File")
_FIELDS = 7  # domain, subdomains, path, https only, expires, name, value


@dataclass(frozen=True)
class SiteAccess:
    """`proxy`: the operator's egress proxy URL (trusted configuration; the SSRF guard still
    judges every target before a request goes through it), used for every download
    (`proxy_use="always"`) or only to retry one a site refused as a bot (`"blocked"`).
    `cookies`: a Netscape cookie file's text, for sites that need a signed-in session.
    `js_runtime`: the JavaScript runtime yt-dlp solves YouTube's challenges with (a path);
    None finds the one the `deno` package installs. Malformed cookies raise ValueError when the
    value is made (by the composition root, wiring a function), not at the first download."""

    socket_timeout: float = 30.0
    proxy: str | None = None
    proxy_use: ProxyUse = "blocked"
    cookies: str | None = None
    js_runtime: str | None = None

    def __post_init__(self) -> None:
        if self.cookies:
            object.__setattr__(self, "cookies", check_cookies(self.cookies))

    def __repr__(self) -> str:  # the proxy URL and cookies are secrets
        shown = {
            "socket_timeout": self.socket_timeout,
            "proxy": "***" if self.proxy else None,
            "proxy_use": self.proxy_use,
            "cookies": "***" if self.cookies else None,
            "js_runtime": self.js_runtime,
        }
        return "SiteAccess(" + ", ".join(f"{k}={v!r}" for k, v in shown.items()) + ")"


def check_cookies(text: str) -> str:
    """The cookie file's text as yt-dlp reads it (with the Netscape header it requires), or
    ValueError naming the first bad line: never its content, a secret."""
    lines = text.strip().splitlines()
    for number, line in enumerate(lines, 1):
        entry = line.removeprefix("#HttpOnly_")
        if entry.strip() and not entry.startswith("#") and len(entry.split("\t")) != _FIELDS:
            raise ValueError(
                f"the cookies (KLAIR_YTDLP_COOKIES) are not a Netscape cookie file: line "
                f"{number} does not have {_FIELDS} tab-separated fields"
            )
    if not lines or not lines[0].startswith(_HEADERS):
        lines.insert(0, _HEADERS[0])
    return "\n".join(lines) + "\n"
