"""Where a test's download lands: `dest/source.<ext>`, kept only when the download ends
without an exception, as a Blobs writer keeps its object."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


class FileSink:
    def __init__(self, dest: Path) -> None:
        self.dest = dest
        self.path: Path | None = None
        self.opened: list[str] = []  # the extensions asked for, in order

    @contextmanager
    def __call__(self, ext: str) -> Iterator[BinaryIO]:
        self.opened.append(ext)
        path = self.dest / f"source.{ext}"
        try:
            with path.open("wb") as file:
                yield file
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        self.path = path

    def written(self) -> Path:
        assert self.path is not None, "nothing was written"
        return self.path
