"""Personal data encrypted at rest with a key that lives outside the database.

Values are sealed with AES-256-GCM (the `cryptography` package) under RENDA_FIELD_KEY; a sibling column keeps
HMAC-SHA256(RENDA_HASH_KEY, value) so a record can be found by its exact ID number or phone without decrypting
the table. Rotating keys is a re-encryption job, not a schema change.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "v1:"
_TEST_KEY = base64.b64encode(b"renda-test-key-not-for-production"[:32].ljust(32, b"0")).decode()


def _key(setting_value: str, name: str) -> bytes:
    if not setting_value:
        if settings.DEBUG or getattr(settings, "TESTING", False):
            setting_value = _TEST_KEY
        else:
            raise ImproperlyConfigured(f"{name} is not set: personal data cannot be encrypted")
    raw = base64.b64decode(setting_value)
    if len(raw) != 32:
        raise ImproperlyConfigured(f"{name} must be 32 bytes, base64-encoded")
    return raw


@lru_cache(maxsize=4)
def _aead(key_b64: str) -> AESGCM:
    return AESGCM(_key(key_b64, "RENDA_FIELD_KEY"))


@lru_cache(maxsize=4)
def _hash_key(key_b64: str) -> bytes:
    return _key(key_b64, "RENDA_HASH_KEY")


def encrypt(plain: str) -> str:
    nonce = os.urandom(12)
    sealed = _aead(settings.FIELD_ENCRYPTION_KEY).encrypt(nonce, plain.encode("utf-8"), None)
    return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")


def decrypt(token: str) -> str:
    if not token.startswith(PREFIX):
        raise ValueError("not an encrypted value")
    raw = base64.b64decode(token[len(PREFIX):])
    return _aead(settings.FIELD_ENCRYPTION_KEY).decrypt(raw[:12], raw[12:], None).decode("utf-8")


def keyed_hash(value: str) -> str:
    """Deterministic, keyed: equal values give equal hashes, and without the key nothing can be guessed."""
    return hmac.new(_hash_key(settings.FIELD_HASH_KEY), value.encode("utf-8"), hashlib.sha256).hexdigest()


def new_key() -> str:
    return base64.b64encode(os.urandom(32)).decode("ascii")


class EncryptedCharField(models.TextField):
    """A text column whose value is stored sealed; Python code sees the plain value."""

    description = "Encrypted text"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value.startswith(PREFIX):
            return decrypt(value)
        return value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name not in {"isnull", "exact"}:
            return None  # ciphertext cannot be searched: use the keyed-hash column
        return super().get_lookup(lookup_name)
