#!/usr/bin/env bash
# The whole test suite from a clean clone: setup, lint, types, import contracts, tests.
# Tests start the Firestore/Pub/Sub emulators and fake-gcs-server themselves and stop them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev
if ! command -v gcloud >/dev/null; then
  echo "gcloud (Google Cloud SDK with the pubsub and firestore emulators) is required" >&2
  exit 1
fi
. .venv/bin/activate
echo "== ruff";          ruff check shared functions tests bench clients
echo "== ruff format";   ruff format --check shared functions tests bench clients
echo "== mypy";          mypy
echo "== import-linter"; lint-imports
echo "== pytest";        pytest -q -p no:cacheprovider "$@"
