"""Klair's Python client. The operations (`generated.api.<tag>.<operation>`) and models
(`generated.models`) are generated from the API's OpenAPI document by `klair client
generate`; this package adds `unwrap`, which turns an error answer into a `KlairApiError`
carrying the API's `code`, and `wait_for_job`."""

from klair_client.calls import KlairApiError, unwrap, wait_for_job
from klair_client.generated.client import AuthenticatedClient, Client

__all__ = ["AuthenticatedClient", "Client", "KlairApiError", "unwrap", "wait_for_job"]
