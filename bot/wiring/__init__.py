"""The adapter construction of the composition root (bot/bootstrap.py), one module per area: each turns
Settings into concrete adapters and core services. Only bootstrap, the CLI and tests call these."""
