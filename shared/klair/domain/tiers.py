"""Tiers are data: what a plan allows and how its queue dispatches.

`emulator-config/topology.yaml` declares one Cloud Tasks queue per tier with the tier's
`queue_rate_per_second` and `queue_max_concurrency` (terraform creates them from there);
`tests/unit/test_tiers.py` keeps the two equal.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from klair.domain.rate_limit import RateRule


class Tier(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9-]*$")  # queue names are `klair-{name}`
    monthly_minutes: float = Field(ge=0)  # source minutes per UTC calendar month
    max_source_minutes: float = Field(gt=0)  # longest source one job may bring
    max_concurrent_jobs: int = Field(ge=1)  # jobs in flight at once, awaiting uploads included
    requests_per_minute: int = Field(gt=0)  # API requests per user, on average
    burst: int = Field(ge=1)  # API requests per user at once
    priority: int  # a queued job's position counts the older ones of equal or higher priority
    queue_rate_per_second: float = Field(gt=0)  # the tier queue's dispatch rate
    queue_max_concurrency: int = Field(ge=1)  # the tier queue's concurrent dispatches
    export_variants: tuple[str, ...]  # aspect ratios a job may ask for ("source" always)
    # Exported clips are scaled down (never up) to this short side: 720 is "720p".
    max_export_short_side: int = Field(default=1080, ge=144, le=4320)
    analyzer_model: str  # model class of the analysis (see klair.domain.cost)
    # Largest source file (download or upload); the ingest function must hold it in memory
    # (Cloud Functions' /tmp is RAM), so `KLAIR_MAX_DOWNLOAD_BYTES` caps every tier.
    max_source_bytes: int = 2 * 1024**3

    @property
    def queue(self) -> str:
        return f"klair-{self.name}"

    @property
    def request_rule(self) -> RateRule:
        return RateRule(per_minute=self.requests_per_minute, burst=self.burst)


DEFAULT_TIERS: dict[str, Tier] = {
    t.name: t
    for t in (
        Tier(
            name="free",
            max_source_bytes=1 * 1024**3,
            monthly_minutes=60,
            max_source_minutes=30,
            max_concurrent_jobs=1,
            # A status poll a second stays within the sustained rate.
            requests_per_minute=60,
            burst=20,
            priority=0,
            queue_rate_per_second=0.5,
            queue_max_concurrency=2,
            export_variants=("source", "9:16"),
            max_export_short_side=720,
            analyzer_model="offline",
        ),
        Tier(
            name="creator",
            max_source_bytes=2 * 1024**3,
            monthly_minutes=600,
            max_source_minutes=120,
            max_concurrent_jobs=3,
            requests_per_minute=120,
            burst=30,
            priority=1,
            queue_rate_per_second=2,
            queue_max_concurrency=10,
            export_variants=("source", "9:16", "4:5", "1:1", "16:9"),
            analyzer_model="gemini-3-flash",
        ),
        Tier(
            name="pro",
            max_source_bytes=4 * 1024**3,
            monthly_minutes=3000,
            max_source_minutes=240,
            max_concurrent_jobs=10,
            requests_per_minute=600,
            burst=100,
            priority=2,
            queue_rate_per_second=10,
            queue_max_concurrency=50,
            export_variants=("source", "9:16", "4:5", "1:1", "16:9"),
            analyzer_model="gemini-3-flash",
        ),
        Tier(
            name="enterprise",
            max_source_bytes=8 * 1024**3,
            monthly_minutes=30000,
            max_source_minutes=600,
            max_concurrent_jobs=50,
            requests_per_minute=3000,
            burst=500,
            priority=3,
            queue_rate_per_second=50,
            queue_max_concurrency=200,
            export_variants=("source", "9:16", "4:5", "1:1", "16:9"),
            max_export_short_side=2160,
            analyzer_model="gemini-3-pro",
        ),
    )
}
