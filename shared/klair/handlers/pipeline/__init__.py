"""One use case per pipeline stage, each run by its function's event: admit, ingest,
transcode, analyze, select, export, the dead-letter fail handler and the sweeper."""
