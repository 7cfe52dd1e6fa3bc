#!/usr/bin/env bash
# Idempotent setup on Debian (root): system packages, a venv, Klair and its dev tools.
# Usage: scripts/setup.sh [--dev]
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v ffmpeg >/dev/null || need+=(ffmpeg)
command -v espeak-ng >/dev/null || need+=(espeak-ng)
if [[ "${1:-}" == "--dev" ]]; then
  command -v java >/dev/null || need+=(openjdk-17-jre-headless)
  # headless Chromium renders report.html in tests/e2e/test_report_render.py; wrk drives
  # the status endpoint's throughput in bench/load.py
  command -v chromium >/dev/null || need+=(chromium)
  command -v wrk >/dev/null || need+=(wrk)
fi
if ((${#need[@]})); then
  echo "installing ${need[*]} (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
if [[ ! -x .venv/bin/python ]]; then
  "$PY" -m venv .venv
fi
extra=""
[[ "${1:-}" == "--dev" ]] && extra="[dev]"
.venv/bin/pip install -q -e ".${extra}" 2>&1 | grep -v -E '^WARNING: (Location|Skipping)' || true
.venv/bin/python -c "import klair" >/dev/null
