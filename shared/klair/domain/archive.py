"""The "download all" zip of a job: which files it holds and under which names, and its
key, the digest of the set of rendered files, so it is built once per set (a re-export
that adds variants makes a new key, hence a new archive)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import PurePosixPath

from klair.domain.clip import Clip

# A build request that produced nothing (its message lost, its function killed) is asked
# for again after this long; within it, polls ask for nothing.
REBUILD_SECONDS = 600
POLL_SECONDS = 5  # the Retry-After of a 202 `archive_building`
# Already compressed media is stored as it is; text (captions, edit lists) is deflated.
STORED_SUFFIXES = frozenset({".mp4", ".m4a", ".mp3", ".jpg", ".jpeg", ".png", ".webm"})


def archive_files(clips: Iterable[Clip]) -> list[tuple[str, str]]:
    """(name in the zip, object name) of every exported file, one folder per clip in rank
    order (`01-clip_01/…`), each object once."""
    files: dict[str, str] = {}
    for clip in sorted(clips, key=lambda c: c.rank):
        for name in sorted(set(clip.exports.values())):
            files.setdefault(name, f"{clip.rank:02d}-{clip.id}/{PurePosixPath(name).name}")
    return sorted(((arc, name) for name, arc in files.items()), key=lambda pair: pair[0])


def archive_key(files: Iterable[tuple[str, str]]) -> str:
    digest = hashlib.sha256("\n".join(sorted(name for _, name in files)).encode())
    return digest.hexdigest()[:20]


def stored(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() in STORED_SUFFIXES
