"""The deputy's side of the liaison work: the clerk names the deputy who follows an opinion with its constituent
(跟进代表), and the deputy records, on their phone, what they did — a visit, a follow-up, a reception."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from renda.core import audit
from renda.core.errors import Forbidden, Invalid, NotFound
from renda.core.roles import Role
from renda.deputies.models import Mandate, Person
from renda.liaison.codes import clean_text
from renda.liaison.models import DeputyWork, Opinion, Station, StationDeputy, WorkKind
from renda.liaison.services.opinions import _check_staff, _locked, _save, _view
from renda.notifications.services import notify


def may_follow(person: Person, opinion: Opinion) -> bool:
    """A deputy in office of a congress whose area holds the opinion, or one stationed at its station."""
    if opinion.station_id and StationDeputy.objects.filter(station_id=opinion.station_id, person=person,
                                                           until__isnull=True).exists():
        return True
    return any(opinion.region.path.startswith(m.congress.region.path) for m in Mandate.objects.in_office().filter(
        person=person).select_related("congress__region"))


@transaction.atomic
def opinion_set_deputy(*, actor: Any, opinion: Opinion, person: Person | None,
                       version: int | None = None) -> Opinion:
    """Name (or clear) the deputy who follows this opinion with its constituent; the deputy is told."""
    _check_staff(actor)
    o = _locked(opinion, version)
    if person is not None and not may_follow(person, Opinion.objects.select_related("region").get(pk=o.pk)):
        raise Invalid("跟进代表须为该区域的在任代表或该联络站的进站代表", fields={"deputy": ["无效的代表"]})
    before = {**_view(o), "deputy": o.deputy_id}
    o.deputy = person
    _save(o, "deputy")
    audit.record(actor=actor, action="opinion.set_deputy", obj=o, before=before,
                 after={**_view(o), "deputy": o.deputy_id})
    if person is not None:
        accounts = get_user_model().objects.filter(is_active=True, role=Role.DEPUTY, person=person)
        notify(users=accounts, kind="opinion.follow", obj=o, link="/liaison/me/",
               title=f"请跟进群众意见 {o.code}（答复期限 {o.deadline:%Y年%m月%d日}）",
               dedupe_key=f"opinion:{o.pk}:deputy:{person.pk}")
    return o


def _deputy(actor: Any) -> Person:
    if getattr(actor, "role", None) != Role.DEPUTY or not getattr(actor, "person_id", None):
        raise Forbidden("只有代表本人可以记录履职情况")
    return actor.person


@transaction.atomic
def deputy_work_record(*, actor: Any, kind: str, day: date, text: str, opinion: Opinion | None = None,
                       station: Station | None = None) -> DeputyWork:
    """A deputy records what they did; an opinion named must be one they follow, a station one they are in
    (anything else is "not found", as if it did not exist)."""
    person = _deputy(actor)
    errors: dict[str, list[str]] = {}
    if kind not in WorkKind.values:
        errors["kind"] = ["类型无效"]
    if day > timezone.localdate():
        errors["date"] = ["不能晚于今天"]
    text = clean_text(text)
    if len(text) < 2:
        errors["text"] = ["请写明做了什么"]
    elif len(text) > 2000:
        errors["text"] = ["最多 2000 字"]
    if errors:
        raise Invalid(fields=errors)
    if opinion is not None and opinion.deputy_id != person.pk:
        raise NotFound()
    if station is not None and not StationDeputy.objects.filter(station=station, person=person).exists():
        raise NotFound()
    work = DeputyWork.objects.create(person=person, kind=kind, date=day, text=text, opinion=opinion,
                                     station=station or (opinion.station if opinion else None))
    audit.record(actor=actor, action="deputy_work.record", obj=work,
                 after={"person": person.pk, "kind": kind, "date": day, "opinion": opinion.pk if opinion else None,
                        "station": work.station_id})
    return work
