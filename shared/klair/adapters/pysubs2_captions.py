"""Caption files (SRT, WebVTT, ASS) from cues, written by pysubs2."""

from __future__ import annotations

from collections.abc import Sequence

from klair.domain.captions import Cue
from klair.domain.errors import InvalidInput

FORMATS = ("srt", "vtt", "ass")


def _escaped(text: str, fmt: str) -> str:
    """WebVTT reads `&` and `<` as markup; spoken text must not turn into tags."""
    if fmt != "vtt":
        return text
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Pysubs2CaptionWriter:
    """Times are rounded to milliseconds; ASS gets pysubs2's default style, which the export
    stage may restyle before burning captions in."""

    def write(self, cues: Sequence[Cue], fmt: str) -> str:
        import pysubs2

        if fmt not in FORMATS:
            raise InvalidInput(f"unknown caption format {fmt!r}", formats=list(FORMATS))
        subs = pysubs2.SSAFile()
        for cue in cues:
            text = _escaped(cue.text, fmt).replace("\n", r"\N")
            subs.append(
                pysubs2.SSAEvent(
                    start=round(cue.start * 1000), end=round(cue.end * 1000), text=text
                )
            )
        return str(subs.to_string(fmt))
