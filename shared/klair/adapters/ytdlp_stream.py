"""One progressive media file streamed from the site into a sink, through yt-dlp's guarded
request handler (`YoutubeDL.urlopen`), a chunk at a time: nothing of it is kept locally, the
size limit is enforced as the bytes arrive, and a connection dropped mid-file is resumed
with a `Range` request."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, BinaryIO

from yt_dlp.networking import Request
from yt_dlp.networking.exceptions import TransportError

from klair.adapters.ytdlp_errors import TooLarge
from klair.ports.media import DownloadProgress

# One read from the site, handed on to the sink at once; a read the connection breaks in
# is lost, so the resumed request starts at most this far back.
READ_BYTES = 64 * 1024
_DIRECT = ("http", "https")
_log = logging.getLogger(__name__)

Report = Callable[[DownloadProgress], None]


def streamable(info: dict[str, Any]) -> bool:
    """Whether yt-dlp chose one file fetched by a plain HTTP GET: no merge of separate video
    and audio, no HLS or DASH fragments to join."""
    return (
        not info.get("requested_formats")
        and info.get("protocol") in _DIRECT
        and bool(info.get("url"))
    )


def too_large(max_bytes: int) -> TooLarge:
    return TooLarge(f"the source is larger than {max_bytes / 1e6:.0f} MB")


class FormatStream:
    """Copies the chosen format's bytes into `sink`, reporting progress as they arrive."""

    def __init__(
        self, ydl: Any, info: dict[str, Any], max_bytes: int, retries: int, report: Report | None
    ) -> None:
        self._ydl, self._info = ydl, info
        self._max_bytes, self._retries, self._report = max_bytes, retries, report
        self.done = 0
        self.total: int | None = info.get("filesize") or info.get("filesize_approx")
        self._end: int | None = None  # where this response's body ends, when it says

    def copy_to(self, sink: BinaryIO) -> int:
        attempts = 0
        while True:
            try:
                with self._open() as response:
                    self._pump(response, sink)
                if self._report is not None:  # done: the size is now known exactly
                    self._report(
                        DownloadProgress(downloaded_bytes=self.done, total_bytes=self.done)
                    )
                return self.done
            except TransportError:
                attempts += 1
                if attempts > self._retries:
                    raise
                _log.info("download interrupted at %d bytes; resuming", self.done)

    def _open(self) -> Any:
        headers = dict(self._info.get("http_headers") or {})
        if self.done:
            headers["Range"] = f"bytes={self.done}-"
        response = self._ydl.urlopen(Request(self._info["url"], headers=headers))
        if self.done and response.status != 206:
            response.close()
            raise TransportError("the site cannot resume the download")
        length = response.headers.get("Content-Length")
        self._end = self.done + int(length) if length and length.isdigit() else None
        if self._end is not None:
            self.total = self._end
            if self._end > self._max_bytes:
                response.close()
                raise too_large(self._max_bytes)
        return response

    def _pump(self, response: Any, sink: BinaryIO) -> None:
        """Read until the response ends; a body shorter than it said is an interruption."""
        while chunk := response.read(READ_BYTES):
            self.done += len(chunk)
            if self.done > self._max_bytes:
                raise too_large(self._max_bytes)
            sink.write(chunk)
            if self._report is not None:
                self._report(DownloadProgress(downloaded_bytes=self.done, total_bytes=self.total))
        if self._end is not None and self.done < self._end:
            raise TransportError(f"the connection closed after {self.done} of {self._end} bytes")
