"""Tracking codes: what a constituent holds instead of an account, and the plain-text hygiene of what they send."""

from __future__ import annotations

import re
import secrets

# No 0/O, 1/I/L: a code read out over the phone or copied by hand by an older person is not misread.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12  # 31^12 ≈ 7.9e17: not guessable, even at the throttle's pace
CODE_RE = re.compile(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def new_tracking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """ABCD-EFGH-JKMN: easier to read out and to copy."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def normalize_code(raw: str) -> str:
    return re.sub(r"[\s\-]", "", raw or "").upper()


def is_code(code: str) -> bool:
    return bool(CODE_RE.fullmatch(code))


def clean_text(raw: str | None) -> str:
    """Trimmed, without control characters (NUL and the like are not text, and PostgreSQL refuses NUL)."""
    return CONTROL_RE.sub("", raw or "").strip()
