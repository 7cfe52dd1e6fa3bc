"""yt-dlp's failures sorted into Klair errors: a specific permanent `code` with a message a
person understands, or `Transient` when trying again later can help."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager

from yt_dlp.networking.exceptions import CertificateVerifyError, HTTPError, TransportError
from yt_dlp.utils import ExtractorError, GeoRestrictedError, UnsupportedError, YoutubeDLError

from klair.adapters.ytdlp_guard import BlockedRequest
from klair.domain.errors import KlairError, SourceUnavailable, Transient


class TooLarge(Exception):
    """Raised from the progress hook when a download outgrows the size limit."""


# What each permanent code means to the person who sent the URL.
HUMAN = {
    "unsupported_site": "Klair cannot download videos from this site or page",
    "source_private": "the video is private, or only for the channel's members",
    "source_sign_in_required": "the site shows this video only to a signed-in account",
    "source_age_restricted": "the video is age-restricted and needs a signed-in account",
    "source_removed": "the video was removed or is no longer available",
    "source_not_found": "nothing was found at this URL",
    "source_forbidden": "the site refused access to the video",
    "source_geo_blocked": "the video is not available in the region Klair downloads from",
    "source_bot_blocked": "the site asked Klair to prove it is not a bot",
    "source_drm_protected": "the video is DRM protected",
    "source_not_available_yet": "the video is not available yet (a premiere or upcoming live)",
    "source_is_live": "the URL is a live stream; send it again once the stream has ended",
    "source_tls_error": "the site's HTTPS certificate is not valid",
    "source_host_not_found": "the URL's host name does not exist",
    "no_suitable_format": "the site offers no downloadable video format",
    "source_extraction_failed": "Klair could not read the video's page",
    "source_unavailable": "the video cannot be downloaded",
}

# Lower-cased fragments of yt-dlp's (and the sites') messages, checked in order: the specific
# ones first (YouTube's "Sign in to confirm you’re not a bot" or "... your age", "Private video.
# Sign in if ..."), the generic sign-in ones after them.
_MESSAGES: tuple[tuple[str, str], ...] = (
    ("not a bot", "source_bot_blocked"),
    ("captcha", "source_bot_blocked"),
    ("in your country", "source_geo_blocked"),
    ("from your location", "source_geo_blocked"),
    ("geo restrict", "source_geo_blocked"),
    ("drm", "source_drm_protected"),
    ("confirm your age", "source_age_restricted"),
    ("age-restricted", "source_age_restricted"),
    ("age restricted", "source_age_restricted"),
    ("inappropriate for some users", "source_age_restricted"),
    ("premieres in", "source_not_available_yet"),
    ("live event will begin", "source_not_available_yet"),
    ("is offline", "source_not_available_yet"),
    ("private", "source_private"),
    ("members-only", "source_private"),
    ("members only", "source_private"),
    ("channel's members", "source_private"),
    ("sign in", "source_sign_in_required"),
    ("log in", "source_sign_in_required"),
    ("login", "source_sign_in_required"),
    ("registered users", "source_sign_in_required"),
    # yt-dlp's own hint, which `raise_login_required` appends to whatever the site said
    ("for the authentication", "source_sign_in_required"),
    ("account credentials", "source_sign_in_required"),
    ("unsupported url", "unsupported_site"),
    ("requested format is not available", "no_suitable_format"),
    ("has been removed", "source_removed"),
    ("been terminated", "source_removed"),
    ("no longer available", "source_removed"),
    ("video unavailable", "source_removed"),
    ("has been deleted", "source_removed"),
    ("does not exist", "source_not_found"),
    ("not found", "source_not_found"),
    ("unavailable", "source_removed"),
)
# A site limiting how much this session may fetch (YouTube: "This content isn't available,
# try again later ... rate-limited by YouTube for up to an hour"): later can work.
_LATER = ("try again later", "rate-limited", "rate limited")
_NETWORK = ("timed out", "timeout", "connection", "temporar", "reset by peer", "network")


def causes(error: BaseException) -> Iterator[BaseException]:
    """The error and everything it wraps: yt-dlp keeps originals in `exc_info` and `cause`,
    requests and urllib3 in `__context__` and `reason`."""
    seen: set[int] = set()
    pending: list[object] = [error]
    while pending:
        current = pending.pop(0)
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        exc_info = getattr(current, "exc_info", None)
        if isinstance(exc_info, tuple) and len(exc_info) > 1:
            pending.append(exc_info[1])
        pending += [getattr(current, "cause", None), getattr(current, "reason", None)]
        pending += [current.__cause__, current.__context__, *current.args]


def refusal(code: str, site_message: str = "") -> SourceUnavailable:
    """A permanent download failure: our sentence, then what the site said (trimmed)."""
    said = _site_words(site_message)
    message = HUMAN.get(code, HUMAN["source_unavailable"])
    return SourceUnavailable(f"{message} ({said})" if said else message, code=code)


def _site_words(message: str) -> str:
    """yt-dlp's message without its prefix, extractor tag and command-line advice."""
    text = re.sub(r"^(ERROR: )?(\[[^\]]+\] )?([\w-]+: )?", "", message.strip())
    text = re.sub(r"\s*\(caused by .*\)$", "", text, flags=re.DOTALL)
    text = re.split(r"[;.] please report this issue", text, flags=re.IGNORECASE)[0]
    sentences = [
        s
        for s in re.split(r"(?<=[.!?])\s+", text)
        if not any(tool_talk in s for tool_talk in ("--", "http", "yt-dlp"))
    ]
    return " ".join(sentences)[:240].strip()


def _by_type(error: BaseException, message: str) -> KlairError | None:
    if isinstance(error, BlockedRequest):
        return error.refusal
    if isinstance(error, KlairError):
        return error
    if isinstance(error, TooLarge):
        return SourceUnavailable(str(error), code="source_too_large")
    if isinstance(error, GeoRestrictedError):
        return refusal("source_geo_blocked", message)
    if isinstance(error, UnsupportedError):
        return refusal("unsupported_site")
    if isinstance(error, HTTPError):
        return _http(error.status, message)
    if isinstance(error, CertificateVerifyError):
        return refusal("source_tls_error")
    if isinstance(error, socket.gaierror) and error.errno == socket.EAI_NONAME:
        return refusal("source_host_not_found")
    return None


def _http(status: int, message: str) -> KlairError:
    if status in (404, 410):
        return refusal("source_not_found", message)
    if status in (401, 403):
        return refusal("source_forbidden", message)
    if status == 451:
        return refusal("source_geo_blocked", message)
    return Transient(f"the site answered HTTP {status}; Klair will try again")  # 429, 5xx


def classify(error: BaseException) -> KlairError:
    """Map a yt-dlp failure (usually a `DownloadError`) to a `KlairError`."""
    message = str(error).removeprefix("ERROR: ").strip() or "download failed"
    found = list(causes(error))
    for cause in found:  # the most specific cause wins over the network error wrapping it
        mapped = _by_type(cause, message)
        if mapped is not None:
            return mapped
    if any(isinstance(c, TransportError | TimeoutError | ConnectionError) for c in found):
        return Transient(f"network error while downloading: {_site_words(message)}")
    lowered = message.lower()
    if any(fragment in lowered for fragment in _LATER):
        return Transient(f"the site limits downloads for now: {_site_words(message)}")
    for fragment, code in _MESSAGES:
        if fragment in lowered:
            return refusal(code, message)
    if any(word in lowered for word in _NETWORK):
        return Transient(f"network error while downloading: {_site_words(message)}")
    expected = any(isinstance(c, ExtractorError) and c.expected for c in found)
    return refusal("source_unavailable" if expected else "source_extraction_failed", message)


@contextmanager
def klair_errors() -> Iterator[None]:
    """yt-dlp's failures raised as `KlairError`s (`classify`); our own refusals, and the
    progress callback's or the sink's errors, pass unchanged."""
    try:
        yield
    except (YoutubeDLError, TooLarge, KlairError) as exc:
        mapped = classify(exc)
        if mapped is exc:
            raise
        raise mapped from exc
