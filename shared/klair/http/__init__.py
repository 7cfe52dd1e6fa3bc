"""HTTP: request parsing, auth, routing, JSON errors and the OpenAPI document."""
