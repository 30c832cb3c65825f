"""The deployment's pseudonym key: the secret under which citizens are named in the audit log.

    from bot.storage.keys import pseudonym_key
    key = pseudonym_key(settings)        # bytes, at least 32

Where it comes from, in this order:
1. `privacy.pseudonym_key` (config.yaml reads `${PSEUDONYM_KEY:}`): required when several hosts share one
   database, since each host's key file would name the same citizen differently;
2. otherwise `<app.data_dir>/secrets/pseudonym.key`, 32 random bytes (hex) made on first use with mode 0600,
   created exclusively so that two processes starting together agree on one key.
Losing the key only means old audit entries can no longer be matched to a citizen; it never exposes anyone.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Settings

KEY_FILE = Path("secrets") / "pseudonym.key"
MIN_CONFIGURED = 16  # characters of a configured key (a passphrase is stretched by HMAC's own hashing)


def key_file(settings: Settings) -> Path:
    return settings.path(settings.app.data_dir) / KEY_FILE


def pseudonym_key(settings: Settings) -> bytes:
    configured = settings.privacy.pseudonym_key.get_secret_value()
    if configured:
        if len(configured) < MIN_CONFIGURED:
            raise ValueError(f"privacy.pseudonym_key: at least {MIN_CONFIGURED} characters")
        return configured.encode()
    return _file_key(key_file(settings))


def _file_key(path: Path) -> bytes:
    try:
        text = path.read_text().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32) + "\n")
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)  # atomic and exclusive: the first process to link wins, the others read its key
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
        text = path.read_text().strip()
    if len(text) < 32:
        raise ValueError(f"{path}: the pseudonym key file is damaged (expected 64 hex characters)")
    return text.encode()
