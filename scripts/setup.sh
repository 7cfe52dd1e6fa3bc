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
# The gcloud CLI with the Firestore and Pub/Sub emulators (the tests start them), from
# Google's apt repository, where the image has none (the pinned python image of cloudbuild.yaml).
cloud=()
if [[ "${1:-}" == "--dev" ]] && ! command -v gcloud >/dev/null; then
  cloud=(google-cloud-cli google-cloud-cli-firestore-emulator google-cloud-cli-pubsub-emulator)
fi
# KLAIR_SETUP_SYSTEM=0: the venv only (cloudbuild's install step; system packages installed
# in one build step do not reach the next).
if [[ "${KLAIR_SETUP_SYSTEM:-1}" == "0" ]]; then
  need=() cloud=()
fi
if ((${#need[@]} + ${#cloud[@]})); then
  echo "installing ${need[*]} ${cloud[*]} (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  if ((${#cloud[@]})); then
    apt-get install -y -qq --no-install-recommends ca-certificates curl gnupg >/dev/null
    curl -fsSL https://packages.cloud.google.com/apt/doc/apt-key.gpg \
      | gpg --dearmor --yes -o /usr/share/keyrings/cloud.google.gpg
    echo "deb [signed-by=/usr/share/keyrings/cloud.google.gpg] https://packages.cloud.google.com/apt cloud-sdk main" \
      > /etc/apt/sources.list.d/google-cloud-sdk.list
    apt-get update -qq
  fi
  apt-get install -y -qq --no-install-recommends "${need[@]}" "${cloud[@]}" >/dev/null
fi

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
if [[ ! -x .venv/bin/python ]]; then
  "$PY" -m venv .venv
fi
extra=""
[[ "${1:-}" == "--dev" ]] && extra="[dev]"
.venv/bin/pip install -q -e ".${extra}" 2>&1 | grep -v -E '^WARNING: (Location|Skipping)' || true
# The Python client (clients/python), editable: the tests import the repository's copy.
.venv/bin/pip install -q -e ./clients/python 2>&1 | grep -v -E '^WARNING: (Location|Skipping)' || true
.venv/bin/python -c "import klair, klair_client" >/dev/null
