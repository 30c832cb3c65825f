"""Cross-cutting adapters: small readers and renderers that several features share."""
