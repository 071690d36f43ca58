"""A past case's digest names its year and number too (archive.digest since the twenty-first session): the same
suggestion raised again in a later year is another case. Computed here as archive.digest does, for the cases
imported before."""

import hashlib
import re

from django.db import migrations


def _digest(kind: str, year: int, number: str, title: str, content: str) -> str:
    compact = re.sub(r"\s+", "", f"{title}\x00{content}")
    return hashlib.sha256(f"{kind}\x00{year}\x00{number.strip()}\x00{compact}".encode()).hexdigest()


def forwards(apps, schema_editor):
    ArchivedCase = apps.get_model("insights", "ArchivedCase")
    changed = []
    for case in ArchivedCase.objects.only("kind", "year", "number", "title", "content", "digest").iterator():
        case.digest = _digest(case.kind, case.year, case.number, case.title, case.content)
        changed.append(case)
        if len(changed) >= 1000:
            ArchivedCase.objects.bulk_update(changed, ["digest"])
            changed = []
    ArchivedCase.objects.bulk_update(changed, ["digest"])


def backwards(apps, schema_editor):
    ArchivedCase = apps.get_model("insights", "ArchivedCase")
    changed = []
    for case in ArchivedCase.objects.only("kind", "title", "content", "digest").iterator():
        compact = re.sub(r"\s+", "", f"{case.title}\x00{case.content}")
        case.digest = hashlib.sha256(f"{case.kind}\x00{compact}".encode()).hexdigest()
        changed.append(case)
    ArchivedCase.objects.bulk_update(changed, ["digest"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("insights", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
