"""Ports: the interfaces handlers depend on, in domain words, one module per area.
Adapters implement them; each has a fake in `adapters/memory` that passes the same
contract tests."""
