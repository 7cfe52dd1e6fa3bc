"""Captions are burned with the fonts shipped in the package: libass (ffmpeg's subtitles
filter, as the renderer builds it) selects the DejaVu Sans files under
klair/adapters/render/fonts, never a substitute from the machine's fontconfig — the Cloud
Functions runtime image lists no DejaVu at all. Read from libass's own log (verbose level),
which names the file it selected for each face."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from klair.adapters.render.captions_burn import FONT, write_ass
from klair.adapters.render.cut import subtitles_filter
from klair.adapters.render.fonts import FAMILY, FONTS_DIR
from klair.cli.packaging import build
from klair.domain.caption_events import CaptionEvent, CaptionWord
from tests.unit.test_packaging import copy_repo

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs ffmpeg")

# libass: "fontselect: (DejaVu Sans, 700, 0) -> /path/DejaVuSans-Bold.ttf, 0, DejaVuSans-Bold"
SELECTED = re.compile(
    r"fontselect: \((?P<family>[^,]+), (?P<weight>\d+), \d+\) -> (?P<path>[^,]+),"
)


def burn(tmp_path: Path, style: str) -> tuple[list[re.Match[str]], str]:
    """Burn one caption onto a second of black video the way the renderer does (the ASS in
    the working directory, the filter from cut.py); libass's font choices."""
    words = (
        CaptionWord(start=0.1, end=0.5, text="Hello"),
        CaptionWord(start=0.5, end=0.9, text="there"),
    )
    event = CaptionEvent(start=0.1, end=0.9, text="Hello there", words=words)
    write_ass(tmp_path / "captions.ass", [event], style, 320, 240)
    run = subprocess.run(
        [
            "ffmpeg", "-hide_banner", "-nostdin", "-v", "verbose",
            "-f", "lavfi", "-i", "color=c=black:s=320x240:d=1:r=10",
            "-vf", subtitles_filter("captions.ass") + "null",
            "-frames:v", "5", "-f", "null", "-",
        ],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    return list(SELECTED.finditer(run.stderr)), run.stderr


@pytest.mark.parametrize(
    ("style", "face"), [("clean", "DejaVuSans.ttf"), ("bold", "DejaVuSans-Bold.ttf")]
)
def test_libass_renders_captions_with_the_shipped_font(
    tmp_path: Path, style: str, face: str
) -> None:
    chosen, log = burn(tmp_path, style)
    assert chosen, "libass logged no font selection"
    assert f"Loading font file '{FONTS_DIR / face}'" in log
    assert "Error opening memory font" not in log  # nothing but fonts in the fonts dir
    for match in chosen:
        assert match["family"] == FONT == FAMILY
        # A font from `fontsdir` is a memory font, named by its PostScript name; one found
        # through fontconfig would be a path (/usr/share/fonts/...).
        assert match["path"] == Path(face).stem, match[0]


def test_every_package_that_renders_ships_the_fonts_and_their_licence(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    build(repo, tmp_path / "dist", only=["export"])
    with zipfile.ZipFile(tmp_path / "dist" / "export.zip") as archive:
        names = set(archive.namelist())
    fonts = "klair/adapters/render/fonts/ttf/"
    assert {fonts + "DejaVuSans.ttf", fonts + "DejaVuSans-Bold.ttf"} <= names
    assert "klair/adapters/render/fonts/LICENSE" in names
    assert "Bitstream Vera" in (FONTS_DIR.parent / "LICENSE").read_text()
