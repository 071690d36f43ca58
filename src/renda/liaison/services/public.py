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
from renda.liaison.models import Opinion, Station
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


def public_opinion_evaluate(*, ip: str | None, opinion: Opinion, satisfaction: str, comment: str = "",
                            now: datetime | None = None) -> Opinion:
    check_ip(ip, scope="evaluate")
    return opinion_evaluate(opinion=opinion, satisfaction=satisfaction, comment=comment, now=now)


def public_view_text(opinion: Opinion, text: str) -> str:
    """Text shown to the public about an opinion, with the constituent's own name and phone masked and anything
    that looks like a phone or ID number masked too: a reply letter often begins with the person's name."""
    return opinion.masked(text)


def client_ip(request: Any) -> str | None:
    from renda.core.middleware import client_ip as ip

    return ip(request)
