"""Data for portal tests: a station with a daily schedule around today, duties inside and outside the
publication window, and opinions in several states — with personal data planted where it must never leak."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta
from typing import Any

from django.utils import timezone

from renda.liaison.models import Opinion
from renda.liaison.services import opinions as opinion_services
from renda.liaison.services import stations as station_services

PLANTED_NAME = "欧阳翠花"
PLANTED_PHONE = "13987654321"
DEPUTY_PHONE = "13700001111"
DEPUTY_ID = "11010119900307451X"
STAFF_NAME = "上官秘书"


@dataclass
class PortalData:
    schedule: Any
    today: Any
    near_day: Any
    far_day: Any
    received: Opinion
    replied: Opinion
    rejected: Opinion
    published: Opinion


def build_portal_data(liaison) -> PortalData:
    today = timezone.localdate()
    for person in [*liaison.deputies, liaison.county_deputy]:
        person.phone, person.id_number = DEPUTY_PHONE, DEPUTY_ID
        person.save()
    liaison.clerk.display_name = STAFF_NAME
    liaison.clerk.save()
    schedule = station_services.schedule_create(
        actor=liaison.clerk, station=liaison.central, rule="FREQ=DAILY", starts_on=today - timedelta(days=1),
        start_time=time(9), end_time=time(11, 30), note="镇党委书记带队")
    near_day, far_day = today + timedelta(days=1), today + timedelta(days=10)
    station_services.duty_set(actor=liaison.clerk, schedule=schedule, day=near_day, people=liaison.deputies[:2])
    station_services.duty_set(actor=liaison.clerk, schedule=schedule, day=far_day, people=liaison.deputies[2:])

    def new(**kw: Any) -> Opinion:
        return opinion_services.opinion_register(
            actor=liaison.clerk, channel="reception", station=liaison.central, name=PLANTED_NAME,
            phone=PLANTED_PHONE, content=f"我是{PLANTED_NAME}，电话{PLANTED_PHONE}，村里路灯坏了。", **kw)

    received = new()
    replied = opinion_services.opinion_reply(
        actor=liaison.clerk, opinion=new(), text=f"{PLANTED_NAME}您好：路灯已修复。如有问题请拨{PLANTED_PHONE}。")
    rejected = opinion_services.opinion_reject(actor=liaison.clerk, opinion=new(), reason="arbitration",
                                               note=f"{PLANTED_NAME}反映的劳动争议已进入仲裁程序。")
    published = opinion_services.opinion_reply(actor=liaison.clerk, opinion=new(),
                                                text=f"已答复{PLANTED_NAME}：路灯本月修复。")
    published = opinion_services.opinion_publish(actor=liaison.clerk, opinion=published,
                                                  summary=f"村民反映路灯损坏（联系电话{PLANTED_PHONE}）")
    return PortalData(schedule=schedule, today=today, near_day=near_day, far_day=far_day, received=received,
                      replied=replied, rejected=rejected, published=published)
