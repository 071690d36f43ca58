"""A sealed vote result is never edited: on PostgreSQL a trigger refuses UPDATE and DELETE of
meetings_voteresult whoever sends the SQL; on SQLite the model and its queryset refuse, and
`vote_verify` finds whatever was changed behind their back (the seal is also in the hash-chained audit log)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION renda_vote_result_sealed() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'a sealed vote result is never edited: % on meetings_voteresult refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS meetings_voteresult_sealed ON meetings_voteresult;
CREATE TRIGGER meetings_voteresult_sealed
    BEFORE UPDATE OR DELETE ON meetings_voteresult
    FOR EACH ROW EXECUTE FUNCTION renda_vote_result_sealed();
"""

DROP = """
DROP TRIGGER IF EXISTS meetings_voteresult_sealed ON meetings_voteresult;
DROP FUNCTION IF EXISTS renda_vote_result_sealed();
"""


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def remove_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("meetings", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(add_trigger, remove_trigger),
    ]
