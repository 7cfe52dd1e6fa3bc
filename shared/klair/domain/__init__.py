"""Pure domain model of Klair: no I/O, no cloud SDKs."""
