"""Invitation tokens: 192 random bits, shown once, stored only as a SHA-256 hash."""

from __future__ import annotations

import hashlib
import re
import secrets

TOKEN_BYTES = 24  # 192 bits, 32 URL-safe characters
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,128}$")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """The stored form of a token. Tokens are long random strings, so a plain hash suffices."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def well_formed(token: str) -> bool:
    return bool(_TOKEN_SHAPE.match(token))
