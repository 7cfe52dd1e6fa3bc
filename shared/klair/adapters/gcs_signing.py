"""Who signs the media bucket's V4 URLs: a service-account key file (the emulator stack's
throwaway key), or IAM signBlob as the runtime's account (deployed: no key anywhere)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from functools import cached_property
from pathlib import Path
from typing import Protocol

import google.auth
from google.auth.credentials import Credentials
from google.auth.transport.requests import Request
from google.oauth2 import service_account

from klair.domain.errors import KlairError

_SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)


class UrlSigner(Protocol):
    """What `generate_signed_url` needs to sign: key-file credentials, or IAM signBlob."""

    def signing_kwargs(self) -> Mapping[str, object]: ...


class KeyFileSigner:
    """Signs locally with a service-account key file (the emulator stack's throwaway key)."""

    def __init__(self, key_file: Path) -> None:
        self._key_file = key_file

    @cached_property
    def _credentials(self) -> service_account.Credentials:
        # google-auth leaves this constructor unannotated.
        loaded: service_account.Credentials = service_account.Credentials.from_service_account_file(  # type: ignore[no-untyped-call]
            str(self._key_file)
        )
        return loaded

    def signing_kwargs(self) -> Mapping[str, object]:
        return {"credentials": self._credentials}


def _default_credentials() -> Credentials:
    credentials, _ = google.auth.default(scopes=_SCOPES)
    return credentials


class IamSigner:
    """Signs through IAM signBlob as `email` (default: the runtime's service account).

    No key exists anywhere: the access token of the default credentials authorises the
    signBlob call, so the runtime account needs `iam.serviceAccountTokenCreator` on the
    signing account (itself, usually).
    """

    def __init__(
        self,
        email: str | None = None,
        credentials_factory: Callable[[], Credentials] = _default_credentials,
    ) -> None:
        self._email = email
        self._factory = credentials_factory
        self._credentials: Credentials | None = None
        self._lock = threading.Lock()

    def signing_kwargs(self) -> Mapping[str, object]:
        with self._lock:
            if self._credentials is None:
                self._credentials = self._factory()
            credentials = self._credentials
            if not credentials.valid:
                credentials.refresh(Request())  # type: ignore[no-untyped-call]
        email = self._email or getattr(credentials, "service_account_email", None)
        if not isinstance(email, str) or email in ("", "default"):
            raise KlairError("no service account to sign URLs as: set KLAIR_SIGNER_EMAIL")
        return {"service_account_email": email, "access_token": credentials.token}


def signer_for(key_file: Path | None, signer_email: str | None) -> UrlSigner:
    """The key file when one is configured (emulator stack), else IAM signBlob."""
    if key_file is not None:
        return KeyFileSigner(key_file)
    return IamSigner(signer_email)
