"""In-memory fakes of every port; they pass the same contract tests as the real adapters."""
