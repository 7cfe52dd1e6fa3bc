"""The dependencies every handler receives; `klair.bootstrap` builds one per mode."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from klair.ports.accounts import (
    ApiKeyStore,
    RateLimiter,
    Revocations,
    UsageEraser,
    UsageLedger,
    UserStore,
)
from klair.ports.health import DependencyProbe
from klair.ports.jobs import Clock, JobStore, StatusReads
from klair.ports.media import (
    Analyzer,
    CaptionWriter,
    ClipRenderer,
    Downloader,
    MediaProbe,
    ModelAnalyzer,
    SourceGuard,
    Transcoder,
    Transcriber,
)
from klair.ports.messaging import Bus, TaskQueue
from klair.ports.notify import DeliveryLog, WebhookSender, WebhookStore
from klair.ports.reframe import Reframer
from klair.ports.storage import Blobs

if TYPE_CHECKING:  # the settings' module loads with bootstrap, on the first call
    from klair.config import Settings


@dataclass(frozen=True)
class Deps:
    settings: Settings
    store: JobStore
    # The store's reads that status polls repeat, possibly recent (bootstrap: cached_reads).
    status_reads: StatusReads
    usage: UsageLedger
    blobs: Blobs
    bus: Bus
    tasks: TaskQueue
    clock: Clock
    probe: MediaProbe
    downloader: Downloader
    transcoder: Transcoder
    analyzer: Analyzer
    renderer: ClipRenderer
    users: UserStore
    captions: CaptionWriter
    # No limits (embedded, tests): adapters.nulls.NoRateLimits; the API's limits read it.
    rate_limiter: RateLimiter
    # Usage books to forget when Clerk deletes a user (nothing to forget: NoUsageBooks).
    usage_eraser: UsageEraser
    # Sieve autocrop (`reframe: "sieve"`); adapters.nulls.NoReframer where it is not configured.
    reframer: Reframer
    # The SSRF policy judged at submit (before any job exists): adapters.ssrf.Guard.
    source_guard: SourceGuard
    # Users deleted by this process, refused by its API at once (adapters.revocations).
    revocations: Revocations
    # Users' API keys (the API's second credential beside Clerk sessions; handlers/api/api_keys).
    api_keys: ApiKeyStore
    # Speech: None runs analysis without transcripts (the unit tests' fakes, `transcriber=none`).
    transcriber: Transcriber | None = None
    # A model (Gemini) on top of the offline analyzer; None analyses offline only.
    model_analyzer: ModelAnalyzer | None = None
    # Outbound webhooks (klair.handlers.outbound.notify): None means none are kept or sent.
    webhooks: WebhookStore | None = None
    deliveries: DeliveryLog | None = None
    sender: WebhookSender | None = None
    # What `GET /api/health` probes (adapters.health_probes): each dependency of the mode.
    health: tuple[DependencyProbe, ...] = ()
