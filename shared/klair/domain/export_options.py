"""What an export renders: aspect ratios, caption styles, loudness, reframing, and the sizes
a variant crops and scales to under a tier's resolution cap."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from klair.domain.errors import InvalidInput
from klair.domain.media import MediaInfo
from klair.domain.transcript import Word

# Tallest to widest: 4:5 is the portrait feed post (Instagram, LinkedIn, Facebook feeds).
Aspect = Literal["source", "9:16", "4:5", "1:1", "16:9"]
ASPECTS: tuple[str, ...] = get_args(Aspect)
CaptionStyle = Literal["clean", "bold", "karaoke"]
CAPTION_STYLES: tuple[str, ...] = get_args(CaptionStyle)
# "auto": local face tracking (centre/saliency without a face); "center": a fixed centre
# crop; "sieve": Sieve's autocrop service (when configured).
ReframeMode = Literal["auto", "center", "sieve"]
REFRAME_MODES: tuple[str, ...] = get_args(ReframeMode)
# Sieve reframes one cropped aspect per export (one autocrop job per clip), and only those
# its autocrop documents and our stub contract covers: 4:5 is reframed locally ("auto",
# "center"); asking Sieve for it is a 400 that lists these.
SIEVE_ASPECTS: tuple[str, ...] = ("9:16", "1:1")
DEFAULT_LOUDNESS_LUFS = -14.0
# Short side of an exported video when the tier does not say ("1080p").
DEFAULT_MAX_SHORT_SIDE = 1080


def parse_aspects(values: Iterable[str]) -> tuple[str, ...]:
    """The asked aspect ratios, de-duplicated in order; an unknown one is a 400 that lists
    the allowed values."""
    asked = tuple(dict.fromkeys(values))
    unknown = [value for value in asked if value not in ASPECTS]
    if unknown or not asked:
        raise InvalidInput(
            f"unknown aspect ratio {', '.join(unknown) or '(none given)'}",
            code="unknown_aspect_ratio",
            allowed=list(ASPECTS),
        )
    return asked


def parse_caption_style(value: str) -> str:
    if value not in CAPTION_STYLES:
        raise InvalidInput(
            f"unknown caption style {value!r}",
            code="unknown_caption_style",
            allowed=list(CAPTION_STYLES),
        )
    return value


def check_sieve_aspects(aspects: Iterable[str]) -> None:
    """Sieve autocrop makes one cropped variant per export: exactly one of SIEVE_ASPECTS."""
    asked = tuple(aspects)
    if len(asked) != 1 or asked[0] not in SIEVE_ASPECTS:
        raise InvalidInput(
            'reframe "sieve" renders exactly one cropped aspect ratio per export',
            code="sieve_aspect_ratios",
            asked=list(asked),
            allowed=list(SIEVE_ASPECTS),
        )


def variant_key(aspect: str, caption_style: str | None) -> str:
    """The name of a rendered variant: its aspect, `+style` when captions are burned in."""
    return aspect if caption_style is None else f"{aspect}+{caption_style}"


def variant_stem(key: str) -> str:
    """A file name stem for a variant key: `9:16+bold` → `9x16-bold`."""
    return key.replace(":", "x").replace("+", "-")


class CaptionSafeArea(BaseModel):
    """Where a platform's own buttons and text cover the bottom of the picture: burned
    captions of the `aspects` variants sit at least `bottom` (a fraction of the output's
    height) above its lower edge. Other variants keep the placement for their shape."""

    model_config = ConfigDict(frozen=True)

    aspects: tuple[str, ...]
    bottom: Annotated[float, Field(ge=0, le=0.5)]


def _even(value: float) -> int:
    return max(2, int(value) // 2 * 2)


class Geometry(BaseModel):
    """A variant's crop window in source pixels and the size it is scaled to."""

    model_config = ConfigDict(frozen=True)

    source_width: int
    source_height: int
    crop_width: int
    crop_height: int
    width: int
    height: int

    @property
    def crops(self) -> bool:
        return (self.crop_width, self.crop_height) != (self.source_width, self.source_height)

    @property
    def scales(self) -> bool:
        return (self.width, self.height) != (self.crop_width, self.crop_height)


def geometry(aspect: str, width: int, height: int, max_short_side: int) -> Geometry:
    """The largest even window of `aspect` inside a `width`×`height` frame, scaled down (never
    up) so its short side is at most `max_short_side`."""
    ratio = Fraction(width, height)
    if aspect == "source":
        crop_w, crop_h = _even(width), _even(height)
    else:
        w, h = (int(part) for part in aspect.split(":"))
        ratio = Fraction(w, h)
        crop_w = _even(float(min(Fraction(width), height * ratio)))
        crop_h = _even(float(min(Fraction(height), width / ratio)))
    out_w, out_h = crop_w, crop_h
    if min(crop_w, crop_h) > max_short_side:
        short = _even(max_short_side)
        if crop_w <= crop_h:
            out_w, out_h = short, _even(float(short / ratio))
        else:
            out_w, out_h = _even(float(short * ratio)), short
    return Geometry(
        source_width=width,
        source_height=height,
        crop_width=crop_w,
        crop_height=crop_h,
        width=out_w,
        height=out_h,
    )


class RenderSpec(BaseModel):
    """Everything one clip's export renders, decided by the handler from the job's options,
    its tier and its transcript."""

    model_config = ConfigDict(frozen=True)

    aspects: tuple[str, ...] = ("source",)
    caption_style: str | None = None  # None: no burned captions
    words: tuple[Word, ...] = ()  # the clip's words, absolute seconds (captions, speaker)
    loudness_lufs: Annotated[float, Field(ge=-40, le=-5)] = DEFAULT_LOUDNESS_LUFS
    max_short_side: Annotated[int, Field(ge=144, le=4320)] = DEFAULT_MAX_SHORT_SIDE
    reframe: str = "auto"
    sidecars: bool = True  # SRT and VTT of the clip's words, when it has any
    source_name: str = ""  # what the edit list names as the media (the source object)
    # When the media was reframed elsewhere (Sieve's output, already cut and cropped): where
    # it starts in the source, and the edit list's reframe label for its variants.
    source_offset: float = 0.0
    reframed_by: str | None = None
    # A low-resolution copy of the source (the transcode's proxy, or its chunk's), a local
    # file or a URL read by ranges: the renderer analyses its frames instead of decoding the
    # source twice. `proxy_offset`: the source time of the proxy's time 0 (a chunk's start).
    proxy: Path | str | None = None
    proxy_offset: Annotated[float, Field(ge=0)] = 0.0
    # The source's probe as ingest recorded it on the job (the media rendered is that
    # source): the renderer then does not probe the file again. None: it probes.
    media: MediaInfo | None = None
    safe_area: CaptionSafeArea | None = None  # a platform preset's (klair.domain.presets)

    @property
    def variants(self) -> dict[str, str]:
        """Variant key → aspect, in the order asked."""
        return {variant_key(a, self.caption_style): a for a in self.aspects}

    def caption_bottom(self, aspect: str) -> float | None:
        """The safe area's bottom margin for `aspect`'s captions; None: its shape's default."""
        area = self.safe_area
        return area.bottom if area is not None and aspect in area.aspects else None


class ExportRequest(BaseModel):
    """The choices of one export of a clip, the job's own or a re-export's
    (`POST /api/klair/export`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    aspect_ratios: tuple[Aspect, ...] = ("source",)
    caption_style: CaptionStyle | None = None  # None: no burned captions
    loudness_lufs: Annotated[float, Field(ge=-30, le=-8)] = DEFAULT_LOUDNESS_LUFS
    reframe: ReframeMode = "auto"
    safe_area: CaptionSafeArea | None = None  # None: captions placed for their shape

    def spec(self, words: tuple[Word, ...], max_short_side: int, source_name: str) -> RenderSpec:
        return RenderSpec(
            aspects=self.aspect_ratios,
            caption_style=self.caption_style,
            words=words,
            loudness_lufs=self.loudness_lufs,
            max_short_side=max_short_side,
            reframe=self.reframe,
            source_name=source_name,
            safe_area=self.safe_area,
        )
