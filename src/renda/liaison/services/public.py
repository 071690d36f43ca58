"""What a constituent does on the portal without an account: leave an opinion (throttled per address and per
phone, with a honeypot and length limits) and judge the answer with the tracking code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from renda.core import crypto
from renda.core.errors import Invalid
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


def asks_phone_tail(opinion: Opinion) -> bool:
    """Whether judging the answer asks for the last four digits of the phone the constituent left. The tracking
    code alone is not proof enough: the staff, the deputies of the station and the handling unit see it on their
    pages, and a unit must not be able to close its own opinion as 满意. A constituent who left no phone holds only
    the code (a unit sees it masked: selectors.shown_code)."""
    return len(phone_tail(opinion.constituent_phone)) == 4


def phone_tail(phone: str) -> str:
    digits = "".join(c for c in phone if c.isdigit())
    return digits[-4:]


def public_opinion_evaluate(*, ip: str | None, opinion: Opinion, satisfaction: str, comment: str = "",
                            tail: str = "", now: datetime | None = None) -> Opinion:
    check_ip(ip, scope="evaluate")
    if satisfaction not in Satisfaction.values:  # said before the digits are counted as a try
        raise Invalid("请选择满意、基本满意或不满意", fields={"satisfaction": ["无效"]})
    if asks_phone_tail(opinion) and opinion.status == OpinionStatus.REPLIED:  # otherwise the state refuses it
        # every try counts, per opinion and calendar day, whatever the address: four digits are ten thousand
        # guesses, and the constituent judges once
        throttle.hit("evaluate-tail", str(opinion.pk), limit=int(platform_setting("liaison.evaluate_tries_day")),
                     window=DAY, message="这条意见今天的评价尝试次数已达上限，请明天再试，或直接拨打联络站电话",
                     now=now.timestamp() if now else None)
        given = "".join(c for c in tail if c.isdigit())
        if len(given) != 4 or given != phone_tail(opinion.constituent_phone):
            raise Invalid("手机号后四位与留言时填写的不一致", fields={"tail": ["与您留言时所留手机号的后四位不一致"]})
    return opinion_evaluate(opinion=opinion, satisfaction=satisfaction, comment=comment, now=now)


def public_view_text(opinion: Opinion, text: str) -> str:
    """Text shown to the public about an opinion, with the constituent's own name and phone masked and anything
    that looks like a phone or ID number masked too: a reply letter often begins with the person's name."""
    return opinion.masked(text)


def client_ip(request: Any) -> str | None:
    from renda.core.middleware import client_ip as ip

    return ip(request)
