"""A throwaway service-account key file, so V4 signed URLs work against fake-gcs-server."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

TOKEN_URI = "https://oauth2.googleapis.com/token"  # noqa: S105 (an endpoint, not a secret)


def write_signing_key(path: Path, project: str) -> str:
    """Write the key file (mode 0600) unless it exists; return its `client_email`.

    The shape is a real service-account key's, so `google.oauth2.service_account` loads it;
    production signs through IAM signBlob instead and never sees a key.
    """
    if path.exists():
        return str(json.loads(path.read_text())["client_email"])
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    email = f"klair-dev-signer@{project}.iam.gserviceaccount.com"
    info = {
        "type": "service_account",
        "project_id": project,
        "private_key_id": secrets.token_hex(20),
        "private_key": pem,
        "client_email": email,
        "client_id": str(secrets.randbelow(10**20)),
        "token_uri": TOKEN_URI,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(json.dumps(info, indent=2))
    return email
