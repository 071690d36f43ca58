"""The timeline of a suggestion formed from constituents' opinions named their tracking codes ("由3条群众意见形成
（ABCD…、…）"). The handling units read the timeline, and a code opens the portal's 评价 of their own answer: the
codes are taken out of the notes already written, as the conversion no longer writes them."""

import re

from django.db import migrations

# written after the paper entry's own words: "纸质建议，由张涛代录。由3条群众意见形成（ABCD…、EFGH…）"
FORMED = re.compile(r"(由\d+条群众意见形成)（[A-Z2-9、]+）")


def drop_codes(apps, schema_editor):
    SuggestionEvent = apps.get_model("suggestions", "SuggestionEvent")
    for event in SuggestionEvent.objects.filter(note__contains="条群众意见形成（").only("note"):
        note = FORMED.sub(r"\1", event.note)
        if note != event.note:
            SuggestionEvent.objects.filter(pk=event.pk).update(note=note)


class Migration(migrations.Migration):
    dependencies = [("suggestions", "0005_paper_entry")]
    operations = [migrations.RunPython(drop_codes, migrations.RunPython.noop)]
