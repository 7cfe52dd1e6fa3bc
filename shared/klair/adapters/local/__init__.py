"""Local adapters for the embedded mode and the local stack (filesystem, in-process)."""
