"""Checks of an uploaded file before it is stored: its suffix is one of the allowed kinds, its size within the
limit, and its first bytes are those of that kind (a renamed file is refused, not stored). The error names the
form field, so a page and the API show it where the file was chosen."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from renda.core.errors import Invalid

PDF = b"%PDF"
ZIP = b"PK\x03\x04"  # DOCX, XLSX, PPTX
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # DOC, XLS, PPT
JPEG = b"\xff\xd8\xff"
PNG = b"\x89PNG\r\n\x1a\n"


def suffix_of(name: str | None) -> str:
    name = (name or "").lower()
    return name[name.rfind("."):] if "." in name else ""


def check_upload(upload: Any, *, kinds: Mapping[str, bytes], max_bytes: int, field: str, what: str,
                 kinds_text: str) -> None:
    """Invalid (with fields[field]) when the file's suffix is not in `kinds`, it is larger than `max_bytes`, or its
    content does not start as its suffix says. `kinds_text` names the allowed kinds for a person ("PDF 或 DOCX")."""
    suffix = suffix_of(upload.name)
    if suffix not in kinds:
        raise Invalid(f"{what}须为 {kinds_text} 文件", fields={field: [f"仅支持 {' 和 '.join(kinds)}"]})
    if upload.size and upload.size > max_bytes:
        raise Invalid(f"{what}不能超过 {max_bytes // (1024 * 1024)} MB", fields={field: ["文件过大"]})
    head = upload.read(len(kinds[suffix]))
    upload.seek(0)
    if not head.startswith(kinds[suffix]):
        raise Invalid(f"{what}的内容与其文件类型不符", fields={field: ["文件已损坏或类型不符"]})
