"""Captions for a rendered variant: an ASS file (pysubs2) in one of the styles — clean,
bold highlight of the word being said, karaoke fill — sized and placed for the output's
shape (above the bottom fifth that vertical players cover with their buttons) or above a
platform preset's safe area, and the sidecar SRT and WebVTT of the clip."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pysubs2

from klair.adapters.pysubs2_captions import Pysubs2CaptionWriter
from klair.adapters.render.fonts import FAMILY
from klair.domain.caption_events import CaptionEvent
from klair.domain.captions import cues
from klair.domain.transcript import Word

WHITE = pysubs2.Color(255, 255, 255)
BLACK = pysubs2.Color(0, 0, 0)
HIGHLIGHT = pysubs2.Color(255, 214, 0)  # a warm yellow
FONT = FAMILY  # shipped in adapters/render/fonts; libass is pointed there (cut.py)


def shape_bottom(width: int, height: int) -> float:
    """Where captions sit without a platform's safe area (fraction of the height above the
    lower edge): above the bottom fifth full-screen vertical players cover (9:16), a little
    up in feed shapes (4:5, 1:1) whose players draw only their controls, low in wide ones."""
    full_screen, feed = height > width * 1.5, height >= width * 0.8
    return 0.22 if full_screen else 0.12 if feed else 0.08


def _style(name: str, width: int, height: int, bottom: float) -> pysubs2.SSAStyle:
    tall = height >= width * 0.8  # vertical, portrait and square: sized by the width
    size = round(width * 0.07) if tall else round(height * 0.055)
    return pysubs2.SSAStyle(
        fontname=FONT,
        fontsize=size,
        bold=name != "clean",
        primarycolor=HIGHLIGHT if name == "karaoke" else WHITE,
        secondarycolor=WHITE,
        outlinecolor=BLACK,
        backcolor=pysubs2.Color(0, 0, 0, 128),
        outline=max(2, round(size * 0.08)),
        shadow=max(1, round(size * 0.03)),
        alignment=pysubs2.Alignment.BOTTOM_CENTER,
        marginl=round(width * 0.08),
        marginr=round(width * 0.08),
        marginv=round(height * bottom),
    )


def _ms(seconds: float) -> int:
    return max(0, round(seconds * 1000))


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("{", "(").replace("}", ")")


def _bold_events(event: CaptionEvent) -> list[pysubs2.SSAEvent]:
    """One event per word: the whole line, the current word coloured."""
    found = []
    texts = [_escaped(w.text) for w in event.words]
    for i, word in enumerate(event.words):
        end = event.words[i + 1].start if i + 1 < len(event.words) else event.end
        line = " ".join(
            f"{{\\c&H00D6FF&}}{text}{{\\r}}" if j == i else text for j, text in enumerate(texts)
        )
        start = event.start if i == 0 else word.start
        found.append(pysubs2.SSAEvent(start=_ms(start), end=_ms(max(end, start + 0.05)), text=line))
    return found


def _karaoke_text(event: CaptionEvent) -> str:
    parts = []
    for i, word in enumerate(event.words):
        until = event.words[i + 1].start if i + 1 < len(event.words) else word.end
        lead = word.start - event.start if i == 0 else 0.0
        centis = max(1, round((until - word.start + lead) * 100))
        parts.append(f"{{\\kf{centis}}}{_escaped(word.text)}")
    return " ".join(parts)


def write_ass(
    path: Path, events: Sequence[CaptionEvent], style: str, width: int, height: int,
    bottom: float | None = None,
) -> Path:  # fmt: skip
    """`bottom`: the fraction of the height the captions' lowest line stays above (None:
    the shape's default)."""
    subs = pysubs2.SSAFile()
    subs.info.update({"PlayResX": str(width), "PlayResY": str(height), "WrapStyle": "0"})
    if bottom is None:
        bottom = shape_bottom(width, height)
    subs.styles["Default"] = _style(style, width, height, bottom)
    for event in events:
        if style == "bold":
            subs.events.extend(_bold_events(event))
            continue
        text = _karaoke_text(event) if style == "karaoke" else _escaped(event.text)
        subs.append(pysubs2.SSAEvent(start=_ms(event.start), end=_ms(event.end), text=text))
    subs.save(str(path), format_="ass")
    return path


def write_sidecars(
    out_dir: Path, words: Sequence[Word], start: float, end: float
) -> dict[str, Path]:
    """`captions.srt` and `captions.vtt` of the words inside the clip, timed from its start."""
    inside = [w for w in words if w.start >= start - 1e-6 and w.end <= end + 1e-6]
    if not inside:
        return {}
    lines = cues(inside, offset=start)
    writer = Pysubs2CaptionWriter()
    files = {}
    for fmt in ("srt", "vtt"):
        path = out_dir / f"captions.{fmt}"
        path.write_text(writer.write(lines, fmt), encoding="utf-8")
        files[fmt] = path
    return files
