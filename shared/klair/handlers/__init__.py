"""Use cases: one module per thing Klair does, speaking only to ports."""
