"""Build a completed job's zip (`ClipSelected` with `archive`, in the `export` function):
streamed from each object, read by ranges, into the archive's object through
`Blobs.open_write`, so no clip is held whole and the zip never sits in memory. Entries
carry ZIP64 records (a job's files may pass 4 GiB). Built once per key: an existing object,
or a key that is no longer the job's set (a re-export added files: the API asks for the
new one), builds nothing. A failure leaves no object; the API asks again later."""

from __future__ import annotations

import zipfile
from typing import BinaryIO

import structlog

from klair.domain import naming
from klair.domain.archive import archive_files, archive_key, stored
from klair.domain.errors import KlairError
from klair.domain.events import ClipSelected
from klair.domain.status import JobStatus
from klair.handlers.deps import Deps

log = structlog.get_logger(__name__)

READ_BYTES = 8 * 1024 * 1024
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the same files make the same bytes


def build_archive(deps: Deps, event: ClipSelected) -> bool:
    """True when this call stored the archive."""
    job = deps.store.get(event.job_id)
    files = archive_files(deps.store.clips(job.id))
    key = event.archive or ""
    name = naming.archive(job.id, key)
    if job.status is not JobStatus.COMPLETED or not files or archive_key(files) != key:
        return False
    if deps.blobs.exists(name):
        return False
    try:
        with deps.blobs.open_write(name, "application/zip") as sink:
            _write_zip(deps, sink, files)
    except KlairError as error:
        if error.retryable:
            raise
        log.warning("archive not built", job_id=job.id, key=key, code=error.code)
        return False
    log.info("archive built", job_id=job.id, key=key, files=len(files))
    return True


def _write_zip(deps: Deps, sink: BinaryIO, files: list[tuple[str, str]]) -> None:
    with zipfile.ZipFile(sink, "w", allowZip64=True) as archive:
        for arcname, name in files:
            entry = zipfile.ZipInfo(arcname, FIXED_TIME)
            entry.compress_type = zipfile.ZIP_STORED if stored(name) else zipfile.ZIP_DEFLATED
            with archive.open(entry, "w", force_zip64=True) as out:
                offset = 0
                while True:
                    data = deps.blobs.read_range(name, offset, offset + READ_BYTES)
                    out.write(data)
                    offset += len(data)
                    if len(data) < READ_BYTES:
                        break
