from django.db import migrations
from django.db.models import F

# Where a judgment was left behind by a new reply (services.opinions._judgment_cleared now clears it): an opinion
# reopened and answered again (已答复 with a judgment), or closed by the staff after that new reply with no new
# judgment (its last reply came after its last judgment). The judgment stays in the audit, which the page reads for
# "重新办理". An opinion reopened and not yet answered again keeps it: it is the judgment of the reply it shows.
JUDGED = ["opinion.reopen", "opinion.evaluate"]


def clear_earlier_judgments(apps, schema_editor):
    Opinion = apps.get_model("liaison", "Opinion")
    AuditEntry = apps.get_model("core", "AuditEntry")
    stale = set(Opinion.objects.exclude(satisfaction="").filter(status="replied").values_list("pk", flat=True))
    for pk in Opinion.objects.exclude(satisfaction="").filter(status="closed", reopen_count__gt=0).values_list(
            "pk", flat=True):
        last = AuditEntry.objects.filter(object_type="liaison.opinion", object_id=str(pk),
                                         action__in=[*JUDGED, "opinion.reply"]).order_by("-seq").first()
        if last is not None and last.action == "opinion.reply":
            stale.add(pk)
    Opinion.objects.filter(pk__in=stale).update(satisfaction="", satisfaction_comment="", judged_via="",
                                               version=F("version") + 1)


class Migration(migrations.Migration):

    dependencies = [
        ("liaison", "0006_opinion_judged_via"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(clear_earlier_judgments, migrations.RunPython.noop),
    ]
