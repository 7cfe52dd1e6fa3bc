"""Adapters: the I/O behind each port (cloud, emulator-compatible, local, in-memory)."""
