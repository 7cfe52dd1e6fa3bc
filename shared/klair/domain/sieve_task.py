"""A clip's pending Sieve autocrop: the export it finishes, the Sieve job that reframes it,
and the per-submission token that signs the callback URL Sieve is given (Sieve signs no
webhook and sends no header of ours, so the URL's path carries the proof: never its query
string, which request logs keep whole; Klair's own log lines cut the token short)."""

from __future__ import annotations

import hashlib
import hmac
from typing import Literal

from pydantic import BaseModel, ConfigDict

from klair.domain.export_options import ExportRequest

CALLBACK_PATH = "/webhooks/sieve/autocrop"  # + /{job}/{clip}/{nonce}/{token}
SieveState = Literal["submitting", "pending", "done", "fell_back"]


class SieveTask(BaseModel):
    """Stored on the clip (`Clip.sieve`) from before the push until the export is done."""

    model_config = ConfigDict(frozen=True)

    nonce: str  # names this submission; a callback of an older one is stale
    request: ExportRequest  # what the finished export renders (captions, loudness, aspect)
    reexport: bool = False  # a re-export adds variants; the pipeline's export counts the clip
    export_id: str | None = None  # the re-export run the clip counts toward
    state: SieveState = "submitting"
    sieve_job_id: str | None = None  # None until Sieve's push response is recorded
    error: str | None = None  # why Sieve's result was not used (local tracking instead)


def callback_token(secret: str, job_id: str, clip_id: str, nonce: str) -> str:
    """HMAC-SHA256 over the submission's identity, keyed with the callback secret."""
    message = f"sieve-autocrop\n{job_id}\n{clip_id}\n{nonce}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def token_valid(secret: str, job_id: str, clip_id: str, nonce: str, token: str) -> bool:
    expected = callback_token(secret, job_id, clip_id, nonce)
    return hmac.compare_digest(expected.encode(), token.encode())


def callback_url(base: str, secret: str, job_id: str, clip_id: str, nonce: str) -> str:
    """The URL Sieve POSTs when the job ends: `{base}/webhooks/sieve/autocrop/{job}/{clip}/
    {nonce}/{token}` (ids and the url-safe nonce need no quoting)."""
    token = callback_token(secret, job_id, clip_id, nonce)
    return f"{base.rstrip('/')}{CALLBACK_PATH}/{job_id}/{clip_id}/{nonce}/{token}"
