"""What a constituent does on the portal without an account: leave an opinion (throttled per address and per
phone, with a honeypot and length limits) and judge the answer with the tracking code."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Case, F, Value, When
from django.utils import timezone

from renda.core import crypto, masking
from renda.core.errors import Invalid, Throttled
from renda.core.settings_registry import platform_setting
from renda.liaison import throttle
from renda.liaison.models import Opinion, OpinionStatus, Satisfaction, Station
from renda.liaison.services.opinions import (
    PUBLIC_ACTOR,
    new_tracking_code,
    normalize_phone,
    opinion_evaluate,
    opinion_register,
)
from renda.organizations.models import Region
from renda.organizations.services import congress_setting

HOUR, DAY = 3600, 86400


@dataclass(frozen=True)
class Submitted:
    tracking_code: str
    stored: bool  # False when the honeypot caught a robot: it gets a code that leads nowhere


def check_ip(ip: str | None, *, scope: str = "submit") -> None:
    throttle.hit(scope, ip or "unknown", limit=int(platform_setting("liaison.throttle_per_ip_hour")), window=HOUR,
                 message="您提交得太频繁了，请一小时后再试。如有急事，请直接拨打联络站电话。")


def public_opinion_submit(*, ip: str | None, station: Station, content: str, name: str = "", phone: str = "",
                          region: Region | None = None, category: str = "", honeypot: str = "",
                          now: datetime | None = None) -> Submitted:
    check_ip(ip)
    if honeypot.strip():
        return Submitted(new_tracking_code(), stored=False)
    if congress_setting(station.congress, "liaison.require_contact"):
        missing = {f: ["本地要求实名留言，请填写"] for f, v in (("name", name), ("phone", phone)) if not v.strip()}
        if missing:
            raise Invalid("请填写姓名和联系电话，以便工作人员联系您", fields=missing)
    phone = normalize_phone(phone)
    if phone:
        throttle.hit("phone", crypto.keyed_hash(phone), limit=int(platform_setting("liaison.throttle_per_phone_day")),
                     window=DAY, message="这个手机号今天的留言已达上限，请明天再试。如有急事，请直接拨打联络站电话。",
                     now=now.timestamp() if now else None)
    opinion = opinion_register(actor=PUBLIC_ACTOR, channel="online", station=station, region=region,
                               content=content, name=name, phone=phone, category=category, now=now)
    return Submitted(opinion.tracking_code, stored=True)


def asks_phone(opinion: Opinion) -> bool:
    """Whether judging the answer asks for the phone the constituent left. The tracking code alone is not proof
    enough: the staff and the station's deputies see it, and so did the handling unit, which must not be able to
    close its own opinion as 满意. Pages show the number masked with at least four digits hidden (138****5678,
    core.masking.mask_phone), and a unit reads the code masked as well (selectors.reads_code_masked). A clerk who
    writes the number into the hand-over note for the unit (请联系… 138…) gives it away; that note is the clerk's
    to write. A constituent who left no phone holds only the code."""
    return len(_digits(opinion.constituent_phone)) >= 5


def _digits(text: str) -> str:
    """The digits of a phone as typed: full-width digits read as digits, spaces, dashes, brackets and + dropped."""
    return "".join(c for c in (text or "").translate(masking.HALF_WIDTH) if c.isascii() and c.isdigit())


def _canonical(text: str) -> str:
    """A mobile without its country code (+86 / 86 / 0086 138…), anything else as its digits."""
    digits = _digits(text)
    for prefix in ("0086", "86"):
        rest = digits[len(prefix):]
        if digits.startswith(prefix) and len(rest) == 11 and rest.startswith("1"):
            return rest
    return digits


def same_phone(given: str, stored: str) -> bool:
    """The number typed is the one left: the same digits, a mobile with or without its country code on either side,
    a landline with or without its area code (010-12345678 left, 12345678 typed, or the other way)."""
    typed, left = _canonical(given), _canonical(stored)
    if not typed or not left:
        return False
    if hmac.compare_digest(typed, left):
        return True
    short, long = sorted((typed, left), key=len)
    return long.startswith("0") and 3 <= len(long) - len(short) <= 4 and len(short) >= 7 and long.endswith(short)


def _count_try(opinion: Opinion, now: datetime | None, limit: int) -> int:
    """One more try at the phone today (local day) for this opinion, counted in its row in one statement, whatever
    the address or worker; the count of today's tries after it."""
    today = timezone.localdate(now or timezone.now())
    # counted no further once past the limit: a flood of tries would otherwise overflow the column
    Opinion.objects.filter(pk=opinion.pk).exclude(judge_tries_on=today, judge_tries__gt=limit).update(
        judge_tries=Case(When(judge_tries_on=today, then=F("judge_tries") + 1), default=Value(1)),
        judge_tries_on=today)
    return int(Opinion.objects.values_list("judge_tries", flat=True).get(pk=opinion.pk))


def public_opinion_evaluate(*, ip: str | None, opinion: Opinion, satisfaction: str, comment: str = "",
                            phone: str = "", now: datetime | None = None) -> Opinion:
    check_ip(ip, scope="evaluate")
    if satisfaction not in Satisfaction.values:  # said before the phone is counted as a try
        raise Invalid("请选择满意、基本满意或不满意", fields={"satisfaction": ["无效"]})
    if asks_phone(opinion) and opinion.status == OpinionStatus.REPLIED:  # otherwise the state refuses it
        # Every try counts, the right one too: pages hide only four digits of a mobile (138****5678), so whoever
        # holds the code guesses at those, and a limit that let the right guess through would stop none.
        limit = int(platform_setting("liaison.evaluate_tries_day"))
        if _count_try(opinion, now, limit) > limit:
            local = timezone.localtime(now or timezone.now())
            midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
            raise Throttled("这条意见今天的评价尝试次数已达上限，请明天再试，或直接拨打联络站电话",
                            retry_after=int((midnight - local).total_seconds()) + 1, limit=limit)
        if not same_phone(phone, opinion.constituent_phone):
            raise Invalid("联系电话与留言时登记的不一致", fields={"phone": ["与您留言时登记的联系电话不一致"]})
    return opinion_evaluate(opinion=opinion, satisfaction=satisfaction, comment=comment, now=now)


def public_view_text(opinion: Opinion, text: str) -> str:
    """Text shown to the public about an opinion, with the constituent's own name and phone masked and anything
    that looks like a phone or ID number masked too: a reply letter often begins with the person's name."""
    return opinion.masked(text)


def client_ip(request: Any) -> str | None:
    from renda.core.middleware import client_ip as ip

    return ip(request)
