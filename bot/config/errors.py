"""The one configuration error."""


class ConfigError(Exception):
    """A configuration problem, with a one-line message that names the key (the CLI prints it, no traceback)."""
