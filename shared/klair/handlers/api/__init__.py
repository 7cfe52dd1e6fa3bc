"""Use cases the HTTP API calls: submit, cancel, delete, list, status and results, usage,
webhook settings, re-export, health."""
