"""Media tests' Settings trust the stand-in video sites they submit (see tests/conftest.py)."""

from __future__ import annotations

import pytest

from tests.conftest import trust_source_hosts


@pytest.fixture(autouse=True)
def source_hosts_trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    trust_source_hosts(monkeypatch)
