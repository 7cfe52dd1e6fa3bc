"""Tiers are data: what a plan allows and how its queue dispatches."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Tier(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    monthly_minutes: float
    max_source_minutes: float
    max_concurrent_jobs: int
    requests_per_minute: int
    burst: int
    priority: int
    queue_rate_per_second: float
    queue_max_concurrency: int
    export_variants: tuple[str, ...]
    analyzer_model: str
    # Largest source file (download or upload); the ingest function must hold it in memory
    # (Cloud Functions' /tmp is RAM), so `KLAIR_MAX_DOWNLOAD_BYTES` caps every tier.
    max_source_bytes: int = 2 * 1024**3

    @property
    def queue(self) -> str:
        return f"klair-{self.name}"


DEFAULT_TIERS: dict[str, Tier] = {
    t.name: t
    for t in (
        Tier(
            name="free",
            max_source_bytes=1 * 1024**3,
            monthly_minutes=60,
            max_source_minutes=30,
            max_concurrent_jobs=1,
            requests_per_minute=30,
            burst=10,
            priority=0,
            queue_rate_per_second=0.5,
            queue_max_concurrency=2,
            export_variants=("source", "9:16"),
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
            export_variants=("source", "9:16", "1:1", "16:9"),
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
            export_variants=("source", "9:16", "1:1", "16:9"),
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
            export_variants=("source", "9:16", "1:1", "16:9"),
            analyzer_model="gemini-3-pro",
        ),
    )
}
