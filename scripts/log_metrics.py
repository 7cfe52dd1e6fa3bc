"""Writes terraform/modules/monitoring/log_metrics.json from klair.domain.telemetry (the one
list of log events and metrics): run it after changing that module."""

from __future__ import annotations

import json
from pathlib import Path

from klair.domain.telemetry import terraform_metrics

TARGET = Path(__file__).resolve().parents[1] / "terraform/modules/monitoring/log_metrics.json"


def rendered() -> str:
    return json.dumps(terraform_metrics(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    TARGET.write_text(rendered())
