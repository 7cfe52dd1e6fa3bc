"""The caption fonts, shipped inside every function package that renders (DejaVu Sans regular
and bold, 2.37, under the Bitstream Vera licence in LICENSE): libass is pointed at this
directory (the subtitles filter's `fontsdir`), so a clip's captions look the same on the
Cloud Functions runtime, whose image lists no such font, as on a laptop."""

from __future__ import annotations

from pathlib import Path

# Only font files in here: libass tries to load every file of its `fontsdir`.
FONTS_DIR = Path(__file__).resolve().parent / "ttf"
FAMILY = "DejaVu Sans"
