"""The audit log is append-only and hash-chained; `manage.py audit_verify` names the first broken entry."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from renda.core import audit
from renda.core.models import AuditEntry, AuditHead
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _three_entries() -> list[AuditEntry]:
    actor = UserFactory(username="clerk")
    return [audit.record(actor=actor, action="thing.change", object_type="tests.thing", object_id=n,
                         before={"n": n - 1}, after={"n": n}) for n in (1, 2, 3)]


def _raw(sql: str, params: list[object]) -> None:
    """Change the log behind the application's back, as an intruder with database access would.

    On PostgreSQL the append-only trigger is disabled first; ALTER TABLE is transactional there, so the test's
    rollback brings the trigger back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only")
        cursor.execute(sql, params)


def _verify() -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("audit_verify", stdout=out)
    except CommandError as exc:
        return exc.returncode, str(exc)
    return 0, out.getvalue()


def test_intact_chain_passes_and_counts_entries():
    _three_entries()
    code, text = _verify()
    assert code == 0
    assert text.strip() == "审计链完整：3 条"


def test_empty_log_is_intact():
    code, text = _verify()
    assert (code, text.strip()) == (0, "审计链完整：0 条")


def test_altered_entry_is_named_by_its_seq():
    entries = _three_entries()
    _raw("UPDATE core_auditentry SET after = %s WHERE seq = %s", ['{"n":99}', entries[1].seq])
    code, text = _verify()
    assert code == 1
    assert f"序号 {entries[1].seq}" in text
    assert "被改动" in text
    assert audit.verify_chain().first_broken_seq == entries[1].seq


def test_deleted_middle_entry_is_detected_at_the_next_entry():
    entries = _three_entries()
    _raw("DELETE FROM core_auditentry WHERE seq = %s", [entries[1].seq])
    code, text = _verify()
    assert code == 1
    assert f"序号 {entries[2].seq}" in text
    assert audit.verify_chain().first_broken_seq == entries[2].seq


def test_deleted_last_entry_is_detected_through_the_chain_head():
    entries = _three_entries()
    _raw("DELETE FROM core_auditentry WHERE seq = %s", [entries[2].seq])
    report = audit.verify_chain()
    assert not report.ok
    assert report.first_broken_seq == entries[2].seq
    assert report.checked == 2
    code, text = _verify()
    assert code == 1
    assert "末尾条目被删除" in text


def test_entry_rewritten_with_a_fresh_hash_breaks_the_link_of_the_next_entry():
    entries = _three_entries()
    forged = entries[1]
    forged.after = audit.canonical({"n": 99})
    forged_hash = audit._entry_hash(forged)
    _raw("UPDATE core_auditentry SET after = %s, hash = %s WHERE seq = %s",
         [forged.after, forged_hash, forged.seq])
    assert audit.verify_chain().first_broken_seq == entries[2].seq


def test_model_and_queryset_refuse_update_and_delete_on_every_database():
    entry = _three_entries()[0]
    entry.after = "{}"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(seq=entry.seq).update(after="{}")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.count() == 3


@pytest.mark.postgres_only
@pytest.mark.parametrize("sql", ["UPDATE core_auditentry SET after = '{}' WHERE seq = %s",
                                 "DELETE FROM core_auditentry WHERE seq = %s"])
def test_database_trigger_refuses_raw_update_and_delete_on_postgresql(sql):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only; SQLite relies on the model's refusal")
    entry = _three_entries()[0]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as c:
        c.execute(sql, [entry.seq])
    assert AuditEntry.objects.get(seq=entry.seq).hash == entry.hash
    assert audit.verify_chain().ok


def test_entry_is_rolled_back_with_the_change_it_records():
    _three_entries()
    head_before = AuditHead.objects.get(id=audit.current_chain()).last_hash
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(actor=None, action="thing.change", object_type="tests.thing", object_id=9)
        raise RuntimeError("the service failed after writing")
    assert AuditEntry.objects.count() == 3
    assert AuditHead.objects.get(id=audit.current_chain()).last_hash == head_before
    assert audit.verify_chain().ok


def test_entry_records_time_with_zone_actor_role_and_before_after():
    actor = UserFactory(username="auditor_subject", role="county_staff")
    entry = audit.record(actor=actor, action="thing.change", object_type="tests.thing", object_id=7,
                         before={"a": 1}, after={"a": 2})
    stored = AuditEntry.objects.get(seq=entry.seq)
    assert stored.at.tzinfo is not None
    assert (stored.actor_id, stored.actor_username, stored.actor_role) == (actor.pk, "auditor_subject",
                                                                           "county_staff")
    assert (stored.before, stored.after) == ('{"a":1}', '{"a":2}')



def test_interleaved_chains_verify_and_a_deletion_in_one_chain_is_found(monkeypatch):
    """Each thread writes to its own chain so that parallel requests do not queue on one lock; the verifier
    follows every chain through the interleaved log and checks every chain's head."""
    written = []
    for i in range(12):
        monkeypatch.setattr(audit._local, "chain", i % 3 + 1, raising=False)
        written.append(audit.record(actor=None, action="thing.change", object_type="tests.thing", object_id=i))
    assert {e.chain for e in written} == {1, 2, 3}
    report = audit.verify_chain()
    assert report.ok and report.checked == 12
    victim = [e for e in written if e.chain == 2][1]
    _raw("DELETE FROM core_auditentry WHERE seq = %s", [victim.seq])
    report = audit.verify_chain()
    assert not report.ok
    next_in_chain = [e for e in written if e.chain == 2][2]
    assert report.first_broken_seq == next_in_chain.seq


@pytest.mark.django_db(transaction=True)
def test_parallel_threads_write_to_separate_chains_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises all writers; the parallel chains matter on PostgreSQL")
    import threading

    from django.db import connections

    def write(n: int) -> None:
        try:
            for i in range(5):
                audit.record(actor=None, action="thing.change", object_type="tests.thing", object_id=f"{n}-{i}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert AuditEntry.objects.count() == 20
    assert AuditEntry.objects.values("chain").distinct().count() == 4
    report = audit.verify_chain()
    assert report.ok and report.checked == 20
