"""The offline ingest pipeline: read -> validate -> chunk -> embed (cached) -> write index + DB rows."""
