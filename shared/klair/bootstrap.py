"""The one composition root: wires adapters to ports for a mode (cloud, emulator, embedded)
and for tests (the in-memory fakes). Nothing else builds `Deps`."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

from klair.config import Mode, Settings
from klair.handlers.deps import Deps as Deps
from klair.ports.jobs import Clock, JobStore, StatusReads
from klair.ports.media import (
    Analyzer,
    CaptionWriter,
    ClipRenderer,
    Downloader,
    MediaProbe,
    ModelAnalyzer,
    Transcoder,
    Transcriber,
)
from klair.ports.messaging import Bus, TaskQueue
from klair.ports.notify import WebhookSender
from klair.ports.reframe import Reframer
from klair.ports.storage import Blobs

if TYPE_CHECKING:
    from klair.adapters.gemini.options import GeminiOptions
    from klair.adapters.local.bus import InProcessBus
    from klair.adapters.ssrf import Guard

MediaAdapters = tuple[MediaProbe, Downloader, Transcoder, Analyzer, ClipRenderer]


def media_adapters(settings: Settings) -> MediaAdapters:
    """ffmpeg, yt-dlp and the offline analyzer: the same in every mode. The downloader and
    the renderer are made on first use (their libraries are large imports)."""
    from klair.adapters.deferred_download import DeferredDownloader
    from klair.adapters.deferred_render import DeferredRenderer
    from klair.adapters.ffmpeg_probe import FfprobeMediaProbe
    from klair.adapters.ffmpeg_transcode import FfmpegTranscoder
    from klair.adapters.site_access import SiteAccess

    s = settings
    access = SiteAccess(s.download_socket_timeout, s.egress_proxy, s.egress_proxy_use,
                        s.ytdlp_cookies, s.ytdlp_js_runtime)  # fmt: skip
    return (
        FfprobeMediaProbe(),
        DeferredDownloader(url_guard(settings).policy, access),
        FfmpegTranscoder(
            proxy_height=settings.proxy_height, proxy_fps=settings.proxy_fps, ffmpeg=settings.ffmpeg
        ),
        analyzer_for(settings),
        DeferredRenderer(),
    )


def analyzer_for(settings: Settings) -> Analyzer:
    """The analyzer `settings.analyzer` names: "offline" (default) or "signals"."""
    from klair.adapters.offline_analyzer import OfflineAnalyzer
    from klair.adapters.signals_analyzer import SignalsAnalyzer

    if settings.analyzer == "signals":
        return SignalsAnalyzer()
    return OfflineAnalyzer(settings.score_weights)


def speech_adapters(settings: Settings) -> tuple[Transcriber | None, CaptionWriter]:
    """The transcriber (Whisper, loaded on first use, or none) and the caption writer."""
    from klair.adapters.pysubs2_captions import Pysubs2CaptionWriter
    from klair.adapters.whisper_transcriber import WhisperTranscriber

    transcriber = None
    if settings.transcriber == "whisper":
        transcriber = WhisperTranscriber(
            settings.whisper_model,
            threads=settings.whisper_threads,
            beam_size=settings.whisper_beam_size,
        )
    return transcriber, Pysubs2CaptionWriter()


def model_analyzer_for(settings: Settings) -> ModelAnalyzer | None:
    """Gemini on Vertex AI when `settings.model_analyzer` is "gemini" (its client is made on
    the first chunk it analyses), else None: offline analysis only."""
    if settings.model_analyzer == "none":
        return None
    from klair.adapters.gemini.analyzer import GeminiAnalyzer

    bucket = settings.bucket
    return GeminiAnalyzer(gemini_options(settings), lambda n: f"gs://{bucket}/{n}")


def gemini_options(settings: Settings) -> GeminiOptions:
    """The Gemini adapter's own defaults and tables, with the overrides `settings` carries."""
    from klair.adapters.gemini.options import GeminiOptions

    s, prices = settings, settings.gemini_prices
    chosen = {"media_resolution": s.gemini_media_resolution, "fps": s.gemini_fps,
              "two_stage": s.gemini_two_stage}  # fmt: skip
    return GeminiOptions(
        project=settings.project,
        location=settings.gemini_location,
        base_url=settings.gemini_base_url,
        models=settings.gemini_models,
        prices={m: tuple(p if isinstance(p, list) else [p]) for m, p in prices.items()},
        job_ceiling_usd=settings.gemini_job_ceiling_usd,
        score_weights=settings.score_weights,
        **{name: value for name, value in chosen.items() if value is not None},
    )


def reframer_for(settings: Settings) -> Reframer:
    """Sieve autocrop when its key, callback secret and webhooks URL are set, else the null
    reframer (nothing is sent to Sieve)."""
    if not settings.sieve_configured or settings.sieve_api_key is None:
        from klair.adapters.nulls import NoReframer

        return NoReframer()
    from klair.adapters.sieve_reframer import SieveReframer

    return SieveReframer(
        settings.sieve_api_url,
        settings.sieve_api_key,
        function=settings.sieve_function,
        timeout=settings.sieve_timeout_seconds,
    )


def url_guard(settings: Settings) -> Guard:
    """The SSRF guard on the settings' allow-list; its DNS wait at submit is bounded."""
    from klair.adapters.ssrf import Guard
    from klair.domain.url_policy import UrlPolicy

    policy = UrlPolicy.from_settings(settings.ssrf_allowed_hosts, settings.ssrf_allowed_ports)
    return Guard(policy, timeout=settings.url_check_timeout_seconds)


def webhook_sender(settings: Settings) -> WebhookSender:
    """Outbound webhooks behind the same SSRF guard (and allow-list) as media downloads."""
    from klair.adapters.webhook_sender import GuardedWebhookSender

    return GuardedWebhookSender(url_guard(settings), timeout=settings.webhook_timeout_seconds)


def status_reads(settings: Settings, store: JobStore, clock: Clock) -> StatusReads:
    """The reads status polls repeat, kept per instance over `store` (positions for
    `settings.queue_cache_seconds`)."""
    from klair.adapters.cached_reads import CachedStatusReads

    return CachedStatusReads(store, clock, queue_seconds=settings.queue_cache_seconds)


def _overridden(deps: Deps, overrides: dict[str, Any]) -> Deps:
    """`deps` with `overrides`; unless they name their own, the status reads go through the
    final store (a test's fake, counted or not) and clock."""
    deps = replace(deps, **overrides)
    if "status_reads" in overrides or not overrides.keys() & {"store", "clock", "settings"}:
        return deps
    return replace(deps, status_reads=status_reads(deps.settings, deps.store, deps.clock))


def bootstrap(settings: Settings, **overrides: Any) -> Deps:
    """THE composition root: the ports for `settings.mode` (cloud, emulator or embedded);
    `overrides` replace ports by name (a test's fake, a run's own bus).

    Clients are created lazily by the adapters, so building Deps does no network I/O.
    """
    if settings.mode is Mode.EMBEDDED:
        deps = _embedded(settings, overrides.get("bus"))
    else:
        deps = _deployed(settings)
    return _overridden(deps, overrides)


def for_tests(settings: Settings | None = None, **overrides: Any) -> Deps:
    """Deps on the in-memory fakes (store, usage, users, blobs, bus, tasks) with the real,
    lazily loaded media adapters; `overrides` replace any port."""
    from klair.adapters.clock import SystemClock
    from klair.adapters.local.bus import InProcessBus
    from klair.adapters.memory.blobs import MemoryBlobs
    from klair.adapters.pysubs2_captions import Pysubs2CaptionWriter

    settings = settings or Settings()
    clock = overrides.get("clock") or SystemClock()
    bus = overrides.get("bus") or InProcessBus()
    deps = _in_process(settings, clock, bus, MemoryBlobs(), Pysubs2CaptionWriter())
    return _overridden(deps, overrides)


def _embedded(settings: Settings, bus: Bus | None) -> Deps:
    """`klair run`: an in-process bus, filesystem blobs that announce what they finalize,
    the in-memory store; no cloud, no emulator, no key."""
    from klair.adapters.clock import SystemClock
    from klair.adapters.local.blobs import LocalBlobs
    from klair.adapters.local.bus import InProcessBus

    local_bus = bus if isinstance(bus, InProcessBus) else InProcessBus()
    blobs = LocalBlobs(settings.local_root / "blobs", on_finalize=local_bus.publish)
    transcriber, captions = speech_adapters(settings)
    deps = _in_process(settings, SystemClock(), local_bus, blobs, captions)
    return replace(deps, transcriber=transcriber, model_analyzer=model_analyzer_for(settings))


def _in_process(
    settings: Settings, clock: Clock, bus: InProcessBus, blobs: Blobs, captions: CaptionWriter
) -> Deps:
    """What `klair run` and the tests share: the in-memory books, the in-process task queue
    on `bus`, the media adapters, and no rate limits, usage erasure or Sieve."""
    from klair.adapters.health_probes import port_probes
    from klair.adapters.local.bus import InProcessTaskQueue
    from klair.adapters.memory.api_keys import MemoryApiKeyStore
    from klair.adapters.memory.store import MemoryJobStore
    from klair.adapters.memory.usage import MemoryUsageLedger
    from klair.adapters.memory.users import MemoryUserStore
    from klair.adapters.nulls import NoRateLimits, NoReframer, NoUsageBooks
    from klair.adapters.revocations import LocalRevocations

    probe, downloader, transcoder, analyzer, renderer = media_adapters(settings)
    store = MemoryJobStore(clock)
    return Deps(
        settings=settings, store=store, status_reads=status_reads(settings, store, clock),
        usage=MemoryUsageLedger(), blobs=blobs, bus=bus, tasks=InProcessTaskQueue(bus), clock=clock,
        probe=probe, downloader=downloader, transcoder=transcoder, revocations=LocalRevocations(),
        analyzer=analyzer, renderer=renderer, users=MemoryUserStore(clock), captions=captions,
        rate_limiter=NoRateLimits(), usage_eraser=NoUsageBooks(), api_keys=MemoryApiKeyStore(),
        source_guard=url_guard(settings), health=port_probes(store, blobs), reframer=NoReframer(),
    )  # fmt: skip


def _deployed(settings: Settings) -> Deps:
    """A deployed function (cloud) or one started by `klair dev` (emulator)."""
    from google.cloud import firestore, pubsub_v1

    from klair.adapters.clock import SystemClock
    from klair.adapters.firestore.accounts import FirestoreUsageEraser
    from klair.adapters.firestore.api_keys import FirestoreApiKeyStore
    from klair.adapters.firestore.notify import FirestoreDeliveryLog, FirestoreWebhookStore
    from klair.adapters.firestore.rate_limit import FirestoreRateLimiter
    from klair.adapters.firestore.store import FirestoreJobStore
    from klair.adapters.firestore.usage import FirestoreUsageLedger
    from klair.adapters.firestore.users import FirestoreUserStore
    from klair.adapters.gcs_blobs import GcsBlobs, storage_client
    from klair.adapters.gcs_signing import signer_for
    from klair.adapters.health_wiring import ProbeTargets, deployed_probes
    from klair.adapters.pubsub_bus import PubSubBus
    from klair.adapters.revocations import LocalRevocations

    db = firestore.Client(project=settings.project, database=settings.firestore_database)
    tasks = _task_queue(settings)
    probe, downloader, transcoder, analyzer, renderer = media_adapters(settings)
    transcriber, captions = speech_adapters(settings)
    store, clock = FirestoreJobStore(db), SystemClock()
    emulator, gemini = settings.mode is Mode.EMULATOR, settings.model_analyzer == "gemini"
    storage = partial(storage_client, settings.project, anonymous=emulator)
    return Deps(
        settings=settings, store=store, status_reads=status_reads(settings, store, clock),
        usage=FirestoreUsageLedger(db), api_keys=FirestoreApiKeyStore(db),
        blobs=GcsBlobs(settings.bucket, storage,
                       signer=signer_for(settings.signing_key_file, settings.signer_email)),
        bus=PubSubBus(settings.project, pubsub_v1.PublisherClient), revocations=LocalRevocations(),
        tasks=tasks, clock=clock, probe=probe, downloader=downloader,
        transcoder=transcoder, analyzer=analyzer, renderer=renderer,
        users=FirestoreUserStore(db), transcriber=transcriber, captions=captions,
        model_analyzer=model_analyzer_for(settings), rate_limiter=FirestoreRateLimiter(db),
        usage_eraser=FirestoreUsageEraser(db), reframer=reframer_for(settings),
        source_guard=url_guard(settings), webhooks=FirestoreWebhookStore(db),
        deliveries=FirestoreDeliveryLog(db), sender=webhook_sender(settings),
        health=deployed_probes(ProbeTargets(
            settings.project, settings.bucket, settings.region, settings.webhook_queue,
            settings.health_timeout_seconds, dispatcher_url=settings.dispatcher_url if emulator
            else None, gemini_location=settings.gemini_location if gemini else None,
            gemini_base_url=settings.gemini_base_url,
            gemini_stub=emulator and settings.gemini_base_url is not None,
            sieve_api_url=settings.sieve_api_url if settings.sieve_configured else None,
            sieve_api_key=settings.sieve_api_key,
        ), db, storage),
    )  # fmt: skip


def _task_queue(settings: Settings) -> TaskQueue:
    """Cloud Tasks in the cloud; the local dispatcher on the emulator stack."""
    from klair.adapters.cloud_tasks import CloudTasksQueue

    if settings.mode is Mode.EMULATOR:
        return _emulator_task_queue(settings)
    if settings.tasks_service_account:
        return CloudTasksQueue(settings.project, settings.region, settings.tasks_service_account)
    raise ValueError("KLAIR_TASKS_SERVICE_ACCOUNT is required in cloud mode (OIDC tokens)")


def _emulator_task_queue(settings: Settings) -> TaskQueue:
    """The local stack's dispatcher (never on a deployed path: `klair package` leaves it out)."""
    from klair.adapters.local.dispatcher_queue import DispatcherTaskQueue

    return DispatcherTaskQueue(settings.dispatcher_url)
