"""Platform presets (`preset: tiktok | reels | shorts | linkedin`): the aspect, clip lengths,
caption safe area and loudness a platform's feed expects, as defaults under the options a
request gives itself (an explicit option wins), and the platform's longest video as a cap.

Sources (checked 2026-12; platforms change their players, so these are data, not code):
- TikTok: 9:16 1080×1920; uploads up to 10 min. Its caption, sound and username rows cover
  roughly the bottom 320–420 px of 1920 (TikTok's safe-zone overlays for creatives).
- Instagram Reels: 9:16; up to 3 min since January 2025. Meta's Reels safe zone keeps the
  bottom 35 % (and top 14 %) free of text (Meta Business Help Center).
- YouTube Shorts: 9:16, square or taller; up to 3 min since 15 October 2024 (YouTube
  blog). Title, channel and subscribe rows cover about the bottom 300–380 px of 1920.
- LinkedIn feed video: 4:5 (1080×1350) or 1:1 is what fills a phone's feed; 3 s to 10
  min. The feed draws only the player's controls over the picture.
- Loudness: YouTube plays back at -14 LUFS integrated and turns louder uploads down;
  TikTok, Instagram and LinkedIn publish no target; -14 LUFS is the delivery level
  commonly used for all of them, and Klair's default already.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict

from klair.domain.errors import InvalidInput
from klair.domain.export_options import CaptionSafeArea

Preset = Literal["tiktok", "reels", "shorts", "linkedin"]
PRESETS_ALLOWED: tuple[str, ...] = get_args(Preset)


class PlatformPreset(BaseModel):
    """`min_seconds`..`max_seconds`: the clip lengths detection aims for (what each feed
    keeps watched); `cap_seconds`: the platform's longest video, which no clip exported
    for it may exceed; `caption_bottom`: the fraction of the height burned captions stay
    above, on the preset's aspect."""

    model_config = ConfigDict(frozen=True)

    name: str
    aspect: str
    min_seconds: float
    max_seconds: float
    cap_seconds: float
    caption_bottom: float
    loudness_lufs: float

    @property
    def safe_area(self) -> CaptionSafeArea:
        return CaptionSafeArea(aspects=(self.aspect,), bottom=self.caption_bottom)


PRESETS: dict[str, PlatformPreset] = {
    p.name: p
    for p in (
        PlatformPreset(
            name="tiktok", aspect="9:16", min_seconds=15, max_seconds=60, cap_seconds=600,
            caption_bottom=0.22, loudness_lufs=-14,
        ),
        PlatformPreset(
            name="reels", aspect="9:16", min_seconds=15, max_seconds=90, cap_seconds=180,
            caption_bottom=0.35, loudness_lufs=-14,
        ),
        PlatformPreset(
            name="shorts", aspect="9:16", min_seconds=15, max_seconds=60, cap_seconds=180,
            caption_bottom=0.20, loudness_lufs=-14,
        ),
        PlatformPreset(
            name="linkedin", aspect="4:5", min_seconds=15, max_seconds=90, cap_seconds=600,
            caption_bottom=0.10, loudness_lufs=-14,
        ),
    )
}  # fmt: skip


def parse_preset(name: object) -> PlatformPreset:
    """The named preset; any other value is a 400 listing the allowed ones."""
    preset = PRESETS.get(name) if isinstance(name, str) else None
    if preset is None:
        raise InvalidInput(
            f"unknown preset {str(name)[:40]!r}", code="unknown_preset", allowed=list(PRESETS)
        )
    return preset


def check_cap(preset: PlatformPreset, seconds: float, **details: Any) -> None:
    """A clip longer than the platform takes is a 400 naming the cap."""
    if seconds > preset.cap_seconds + 1e-6:
        raise InvalidInput(
            f"{preset.name} takes videos up to {preset.cap_seconds:g} s",
            code="clip_length_over_preset",
            preset=preset.name,
            max_seconds=preset.cap_seconds,
            **details,
        )


def _number(value: object) -> float | None:
    """A JSON number as given (anything else is left to the field's own validation)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def with_preset(data: Mapping[str, Any]) -> dict[str, Any]:
    """Job options as given, with the preset's aspect, loudness and clip lengths filled in
    where the request says nothing: an explicit option wins, except a longest clip over
    the platform's cap (`clip_length_over_preset`). Lengths stay ordered around an
    explicit one (a given `min_clip_seconds` above the preset's longest raises it)."""
    filled = dict(data)
    if filled.get("preset") is None:
        return filled
    preset = parse_preset(filled["preset"])
    filled.setdefault("aspect_ratios", [preset.aspect])
    filled.setdefault("loudness_lufs", preset.loudness_lufs)
    given_min, given_max = (_number(data.get(k)) for k in ("min_clip_seconds", "max_clip_seconds"))
    if "max_clip_seconds" not in data:
        longest = max(preset.max_seconds, given_min or 0.0)
        filled["max_clip_seconds"] = min(longest, preset.cap_seconds)
    if "min_clip_seconds" not in data:
        filled["min_clip_seconds"] = min(preset.min_seconds, given_max or preset.min_seconds)
    if given_max is not None:
        check_cap(preset, given_max, option="max_clip_seconds")
    return filled


def safe_area_of(name: str | None) -> CaptionSafeArea | None:
    """The caption safe area of a stored preset name (None: no preset)."""
    return PRESETS[name].safe_area if name in PRESETS else None
