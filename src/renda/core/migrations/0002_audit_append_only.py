"""The audit log is append-only at the database level.

On PostgreSQL a row-level BEFORE UPDATE OR DELETE trigger refuses any change to core_auditentry, whoever sends
the SQL (a raw query, a console session, a bug). There is deliberately no TRUNCATE trigger: the test runner
empties tables with TRUNCATE, and TRUNCATE needs the table owner's privilege, which the application's database
role should not have in production. On SQLite there is no such trigger; there the model and its queryset refuse
updates and deletes (renda.core.models.AuditEntry / AppendOnlyQuerySet), and `manage.py audit_verify` finds
whatever was changed behind their back.

The chain head row is also created here, so the first two writers of a fresh install do not race to create it.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION renda_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % on core_auditentry refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
CREATE TRIGGER core_auditentry_append_only
    BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION renda_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
DROP FUNCTION IF EXISTS renda_audit_append_only();
"""


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def remove_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


def create_head(apps, schema_editor):
    AuditHead = apps.get_model("core", "AuditHead")
    AuditHead.objects.using(schema_editor.connection.alias).get_or_create(id=1)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(add_trigger, remove_trigger),
        migrations.RunPython(create_head, migrations.RunPython.noop),
    ]
