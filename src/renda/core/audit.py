"""Writing and verifying the audit log.

`record()` is called by every service that changes state, inside the service's transaction, as its last write.
The log is CHAINS interleaved hash chains: a thread always writes to the same chain, whose head row it locks from
the write to the commit, so each chain is in commit order; requests served by other threads or processes use
other chains and commit in parallel. The verifier walks every chain and each chain's head.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from renda.core.middleware import current_request
from renda.core.models import AuditEntry, AuditHead

GENESIS = "0" * 64
CHAINS = 16
_next_chain = itertools.count(os.getpid())
_local = threading.local()


def current_chain() -> int:
    """This thread's chain (1..CHAINS): fixed per thread, so one transaction only ever locks one head."""
    chain = getattr(_local, "chain", None)
    if chain is None:
        chain = _local.chain = next(_next_chain) % CHAINS + 1
    return chain


def canonical(data: Any) -> str:
    if data is None or data == "":
        return ""
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The fields of obj as plain values (foreign keys as ids) for before → after."""
    out: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        attname = getattr(field, "attname", name)
        value = getattr(obj, attname) if field.is_relation and not field.many_to_many else getattr(obj, name)
        if field.many_to_many:
            value = sorted(value.values_list("pk", flat=True))
        out[name] = value
    return json.loads(canonical(out)) if out else {}


def _entry_hash(entry: AuditEntry) -> str:
    payload = "\x1f".join([
        entry.prev_hash,
        entry.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        str(entry.actor_id or ""),
        entry.actor_username,
        entry.actor_role,
        entry.ip,
        entry.action,
        entry.object_type,
        entry.object_id,
        entry.object_repr,
        entry.before,
        entry.after,
    ])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(*, actor: Any, action: str, obj: models.Model | None = None, object_type: str = "",
           object_id: str | int = "", object_repr: str = "", before: Any = None, after: Any = None) -> AuditEntry:
    """Append one entry. `actor` is a user, or None for the system (background jobs)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    meta = current_request()
    chain = current_chain()
    # No savepoint: the entry is the service's last write and fails with it (two statements fewer per write).
    with transaction.atomic(savepoint=False):
        last_hash, count = _lock_head(chain)
        entry = AuditEntry(
            chain=chain,
            at=timezone.now(),
            actor_id=getattr(actor, "pk", None),
            actor_username=getattr(actor, "username", "") or ("system" if actor is None else ""),
            actor_role=getattr(actor, "role", "") or "",
            ip=(meta.ip or "") if meta else "",
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            object_repr=object_repr[:200],
            before=canonical(before),
            after=canonical(after),
            prev_hash=last_hash,
        )
        entry.hash = _entry_hash(entry)
        entry.save(force_insert=True)
        with connection.cursor() as cursor:
            cursor.execute(_HEAD_UPDATE, [entry.seq, entry.hash, count + 1, chain])
    return entry


# The head's lock and update in plain SQL: they run on every audited write, where the ORM's query building cost
# more CPU than the database's work (the entry itself is still saved by the ORM, which formats its columns).
_HEAD_SELECT = "SELECT last_hash, count FROM core_audithead WHERE id = %s"
_HEAD_SELECT_FOR_UPDATE = "SELECT last_hash, count FROM core_audithead WHERE id = %s FOR UPDATE"
_HEAD_UPDATE = "UPDATE core_audithead SET last_seq = %s, last_hash = %s, count = %s WHERE id = %s"


def _lock_head(chain: int) -> tuple[str, int]:
    """(last hash, count) of the chain's head, locked until commit; the head row is created on first use."""
    sql = _HEAD_SELECT_FOR_UPDATE if connection.features.has_select_for_update else _HEAD_SELECT
    with connection.cursor() as cursor:
        cursor.execute(sql, [chain])
        row = cursor.fetchone()
    if row is None:
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=chain)
        return head.last_hash, head.count
    return row[0], row[1]


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str = ""


def verify_chain(chunk_size: int = 5000) -> ChainReport:
    """Walk the log in order; name the first entry whose content or link does not hold."""
    prev_hash: dict[int, str] = {}
    last_seq: dict[int, int] = {}
    counts: dict[int, int] = {}
    checked = 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=chunk_size):
        chain = entry.chain
        if entry.prev_hash != prev_hash.get(chain, GENESIS):
            before = f"（第 {last_seq[chain]} 条）" if chain in last_seq else ""
            return ChainReport(False, checked, entry.seq,
                               f"第 {entry.seq} 条的前序哈希与第 {chain} 链上一条{before}不符：其前有条目被删除或改动")
        if _entry_hash(entry) != entry.hash:
            return ChainReport(False, checked, entry.seq, f"第 {entry.seq} 条的内容与其哈希不符：该条被改动")
        prev_hash[chain] = entry.hash
        last_seq[chain] = entry.seq
        counts[chain] = counts.get(chain, 0) + 1
        checked += 1
    for head in AuditHead.objects.order_by("id"):
        if head.last_hash != prev_hash.get(head.id, GENESIS) or head.count != counts.get(head.id, 0):
            return ChainReport(False, checked, max(head.last_seq, last_seq.get(head.id, 0) + 1),
                               f"第 {head.id} 链的链尾与记录的链头不符（应有 {head.count} 条，"
                               f"实有 {counts.get(head.id, 0)} 条）：末尾条目被删除")
    return ChainReport(True, checked)
