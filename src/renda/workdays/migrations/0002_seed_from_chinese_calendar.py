"""The years chinese-calendar knows, loaded at install; later years are entered by an administrator."""

from django.db import migrations


def forwards(apps, schema_editor):
    from renda.workdays.seed import seed_years

    seed_years(apps.get_model("workdays", "Holiday"), apps.get_model("workdays", "CalendarYear"))


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
