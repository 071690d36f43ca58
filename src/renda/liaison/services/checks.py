"""The yearly check that every deputy received constituents at least N times [setting
`liaison.min_receptions_per_year`, 1]: on 1 December the staff learn who has not yet (a month is left to put them on
duty), and on 2 January who did not in the year just ended."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from renda.liaison.models import Station
from renda.liaison.selectors import yearly_reception_check
from renda.notifications.services import notify
from renda.organizations.models import Congress


def reception_yearly_check(*, now: datetime | None = None) -> dict[str, int]:
    """Run by a daily job; acts on 1 December (this year, so far) and 2 January (last year, final)."""
    from renda.accounts.selectors import congress_staff

    today = timezone.localdate(now or timezone.now())
    if (today.month, today.day) == (12, 1):
        year, stage = today.year, "interim"
    elif (today.month, today.day) == (1, 2):
        year, stage = today.year - 1, "final"
    else:
        return {"congresses": 0, "short": 0}
    counts = {"congresses": 0, "short": 0}
    for congress in Congress.objects.filter(pk__in=Station.objects.values("congress")).select_related("region"):
        short = [r for r in yearly_reception_check(year=year, congress=congress) if r.short]
        counts["congresses"] += 1
        counts["short"] += len(short)
        if not short:
            continue
        names = "、".join(f"{r.person.name}（{r.attended}/{r.required}）" for r in short)
        staff = congress_staff(congress)
        title = (f"{year}年尚有 {len(short)} 名进站代表未达到接待要求，请在12月安排" if stage == "interim"
                 else f"{year}年有 {len(short)} 名进站代表未达到每年接待要求")
        notify(users=staff, kind=f"liaison.reception_check_{stage}", title=title, body=names, link="/liaison/check/"
               f"?year={year}", dedupe_key=f"liaison:reception_check:{congress.pk}:{year}:{stage}")
    return counts
