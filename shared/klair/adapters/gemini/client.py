"""The google-genai client for Vertex AI, created on first use (never at import or bootstrap),
with retries on 429 and 5xx."""

from __future__ import annotations

import threading

import google.auth.credentials
from google import genai
from google.genai import types

from klair.adapters.gemini.options import GeminiOptions

RETRIED_STATUSES = (408, 429, 500, 502, 503, 504)


def http_options(options: GeminiOptions) -> types.HttpOptions:
    return types.HttpOptions(
        base_url=options.base_url,
        timeout=round(options.timeout_seconds * 1000),  # milliseconds
        retry_options=types.HttpRetryOptions(
            attempts=options.retry_attempts,
            initial_delay=options.retry_initial_delay,
            max_delay=options.retry_max_delay,
            http_status_codes=list(RETRIED_STATUSES),
        ),
    )


class LazyClient:
    """Builds one `genai.Client(vertexai=True, project, location)` when first called.

    `credentials` None means Application Default Credentials (the function's service
    account); tests pass static credentials and a stub `base_url`.
    """

    def __init__(
        self,
        options: GeminiOptions,
        credentials: google.auth.credentials.Credentials | None = None,
    ) -> None:
        self._options = options
        self._credentials = credentials
        self._client: genai.Client | None = None
        self._lock = threading.Lock()

    def __call__(self) -> genai.Client:
        with self._lock:
            if self._client is None:
                self._client = genai.Client(
                    vertexai=True,
                    project=self._options.project,
                    location=self._options.location,
                    credentials=self._credentials,
                    http_options=http_options(self._options),
                )
            return self._client
