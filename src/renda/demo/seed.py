"""Loading the demo county 示范县 (`manage.py seed_demo`): deterministic, idempotent, only where allowed.

Organisation writes go through the organisation and account services (each audited). People, mandates,
districts and body members are bulk-inserted for speed (Person.id_number and phone are still encrypted: bulk_create
prepares every value through the field), and one `demo.seed` audit entry records what was loaded.

Every deputy gets an account (see docs/demo.md for the usernames). All demo accounts share one password; hashing it
with Argon2 takes ~50–100 ms, so it is hashed once and that hash is given to every deputy account — one salt for
all of them, which is acceptable only because every demo password is published anyway.
"""

from __future__ import annotations

import hashlib
import random
import re
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from pypinyin import lazy_pinyin

from renda.accounts.models import User
from renda.accounts.services import user_create
from renda.core import audit
from renda.core.errors import DomainError
from renda.core.roles import Role
from renda.deputies.models import ElectoralDistrict, Mandate, MandateStatus, Person
from renda.organizations import services as org_services
from renda.organizations.models import Body, BodyMember, Congress, HandlingUnit, Region, RegionLevel

from . import names
from . import org as org_builder
from .identity import unique_username
from .people import ELECTION_DAY, Draft, People
from .plan import Plan, make_plan
from .story import seed_story

SEED = 20211015
DEMO_PASSWORD = "Renda-demo-2026"
TOWNSHIP_LOGINS = {"township": "青山镇", "township2": "柳河镇"}
UNIT_LOGIN = "县交通运输局"
ADMIN_LOGINS = [("admin", Role.SYSTEM_ADMIN), ("security", Role.SECURITY_ADMIN), ("auditor", Role.AUDIT_ADMIN)]
LEVEL_WORDS: dict[str, str] = {RegionLevel.COUNTY: "县人大代表", RegionLevel.TOWNSHIP: "乡镇人大代表"}
NAMED_LOGINS = ["admin", "security", "auditor", "county", "township", "township2", "deputy", "unit"]


class DemoNotAllowed(DomainError):
    code = "demo_not_allowed"
    status = 403
    default_message = ("只有在调试模式（RENDA_DEBUG=1）或设置 RENDA_DEMO=1 时才能载入演示数据 / "
                       "The demo county can only be loaded with RENDA_DEBUG=1 or RENDA_DEMO=1.")


@dataclass
class SeedReport:
    created: bool
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)


def demo_exists() -> bool:
    return Region.objects.filter(level=RegionLevel.COUNTY, name=org_builder.COUNTY_NAME,
                                 parent__name="示范市").exists()


def seed_demo(*, seed: int = SEED) -> SeedReport:
    """Load the demo county unless it is there already (then nothing is written)."""
    if not settings.DEMO_ALLOWED:
        raise DemoNotAllowed()
    started = time.perf_counter()
    with transaction.atomic():
        if demo_exists():
            return SeedReport(created=False, seconds=time.perf_counter() - started)
        taken = sorted(User.objects.filter(username__in=NAMED_LOGINS).values_list("username", flat=True))
        if taken:
            raise DemoNotAllowed(f"账户 {'、'.join(taken)} 已存在，演示县未载入 / "
                                 f"the demo logins {', '.join(taken)} exist already: the demo county was not loaded",
                                 code="demo_logins_taken")
        rng = random.Random(seed)
        org = org_builder.build(rng)
        people = People(rng)
        plan = make_plan(rng, people, org)
        people.finalize()
        _write_people(people, plan)
        _write_bodies(plan)
        deputy = _pick_deputy_login(plan)
        _write_logins(rng, org, deputy, seed)
        hashed = make_password(DEMO_PASSWORD)
        _write_deputy_accounts(people, plan, skip=deputy, hashed=hashed)
        assert deputy.person is not None
        seed_story(rng=rng, org=org, deputy=deputy.person, hashed=hashed, seed=seed)
        counts = _counts(org.county)
        audit.record(actor=None, action="demo.seed", object_type="organizations.region",
                     object_id=org.county.pk, object_repr=org.county.name, after={"seed": seed, **counts})
    return SeedReport(created=True, seconds=time.perf_counter() - started, counts=counts)


def _write_people(people: People, plan: Plan) -> None:
    districts = ElectoralDistrict.objects.bulk_create([
        ElectoralDistrict(congress=d.congress, name=d.name, region=d.region, seats=d.seats) for d in plan.districts])
    through = ElectoralDistrict.villages.through
    links = []
    for district, obj in zip(plan.districts, districts, strict=True):
        district.obj = obj
        links += [through(electoraldistrict_id=obj.pk, region_id=v.pk) for v in district.villages]
    through.objects.bulk_create(links)
    persons = Person.objects.bulk_create([d.to_person() for d in people.drafts], batch_size=500)
    for d, p in zip(people.drafts, persons, strict=True):
        d.person = p
    Mandate.objects.bulk_create([
        Mandate(person=s.draft.person, congress=s.congress, term=s.term, district=s.district.obj,
                elected_on=ELECTION_DAY, status=s.status, status_date=s.status_date, status_reason=s.status_reason)
        for s in plan.seats], batch_size=500)


def _write_bodies(plan: Plan) -> None:
    members = []
    for b in plan.bodies:
        body = org_services.body_create(actor=None, kind=b.kind, name=b.name, region=b.region,
                                        congress=b.congress, term=b.term)
        members += [BodyMember(body=body, person=d.person, post=post, since=b.term.start_date)
                    for d, post in b.members]
    BodyMember.objects.bulk_create(members)


def _pick_deputy_login(plan: Plan) -> Draft:
    """A deputy of the `township` clerk's township who also sits in the county congress, not a leader."""
    duals = plan.duals[TOWNSHIP_LOGINS["township"]]
    return next((d for d in duals if not d.appointed), duals[0])


def _write_logins(rng: random.Random, org: org_builder.Org, deputy: Draft, seed: int) -> None:
    areas = {a.name: a.region for a in org.areas}
    unit = HandlingUnit.objects.get(region=org.county, name=UNIT_LOGIN)
    for username, role in ADMIN_LOGINS:
        user = user_create(actor=None, username=username, password=DEMO_PASSWORD, role=role, region=org.county,
                           display_name=Role(role).label)
        TOTPDevice.objects.create(user=user, name="演示动态口令", key=totp_key(seed, username), confirmed=True)
        audit.record(actor=None, action="auth.otp_enrolled", obj=user)
    staff: list[tuple[str, Role, Region, HandlingUnit | None]] = [("county", Role.COUNTY_STAFF, org.county, None)]
    staff += [(u, Role.TOWNSHIP_STAFF, areas[t], None) for u, t in TOWNSHIP_LOGINS.items()]
    staff += [("unit", Role.UNIT_USER, org.county, unit)]
    for username, role, region, handling_unit in staff:
        user_create(actor=None, username=username, password=DEMO_PASSWORD, role=role, region=region,
                    unit=handling_unit, display_name=names.person_name(rng, rng.choice(("male", "female"))))
    assert deputy.person is not None
    user_create(actor=None, username="deputy", password=DEMO_PASSWORD, role=Role.DEPUTY, person=deputy.person,
                region=deputy.region.parent)


def totp_key(seed: int, username: str) -> str:
    """A TOTP key derived from the seed (40 hex digits): the same secret on every machine, so the printed secret
    can be kept in an authenticator app across reloads of the demo."""
    return hashlib.sha256(f"renda-demo:{seed}:totp:{username}".encode()).hexdigest()[:40]


def deputy_username(name: str, taken: set[str]) -> str:
    return unique_username(re.sub(r"[^a-z]", "", "".join(lazy_pinyin(name)).lower()) or "d", taken)


def _write_deputy_accounts(people: People, plan: Plan, *, skip: Draft, hashed: str) -> None:
    """One account per deputy, username the pinyin of the name; all with the one precomputed password hash."""
    area_of: dict[int, Region] = {}
    for s in plan.seats:
        area_of.setdefault(id(s.draft), s.district.region)
    taken = set(User.objects.values_list("username", flat=True))
    ids = []
    for d in people.drafts:
        if d is skip:
            continue
        user = user_create(actor=None, username=deputy_username(d.name, taken), password=None, role=Role.DEPUTY,
                           person=d.person, region=area_of[id(d)])
        ids.append(user.pk)
    for i in range(0, len(ids), 500):
        User.objects.filter(pk__in=ids[i:i + 500]).update(password=hashed)


def _counts(county: Region) -> dict[str, int]:
    path = county.path
    mandates = Mandate.objects.filter(congress__region__path__startswith=path)
    return {
        "regions": Region.objects.filter(path__startswith=path).count(),
        "congresses": Congress.objects.filter(region__path__startswith=path).count(),
        "districts": ElectoralDistrict.objects.filter(congress__region__path__startswith=path).count(),
        "people": Person.objects.filter(mandates__in=mandates).distinct().count(),
        "mandates": mandates.count(),
        "active_mandates": mandates.filter(status=MandateStatus.ACTIVE).count(),
        "bodies": Body.objects.filter(region__path__startswith=path).count(),
        "units": HandlingUnit.objects.filter(region__path__startswith=path).count(),
        "users": User.objects.filter(region__path__startswith=path).count(),
        **_story_counts(path),
    }


def _story_counts(path: str) -> dict[str, int]:
    from renda.insights.models import ArchivedCase
    from renda.liaison.models import Opinion, Reception, Station
    from renda.meetings.models import Meeting, Session, Vote
    from renda.suggestions.models import Suggestion

    return {
        "suggestions": Suggestion.objects.filter(region_path__startswith=path).count(),
        "sessions": Session.objects.filter(congress__region__path__startswith=path).count(),
        "meetings": Meeting.objects.filter(congress__region__path__startswith=path).count(),
        "votes": Vote.objects.filter(meeting__congress__region__path__startswith=path).count(),
        "stations": Station.objects.filter(region__path__startswith=path).count(),
        "receptions": Reception.objects.filter(station__region__path__startswith=path).count(),
        "opinions": Opinion.objects.filter(region__path__startswith=path).count(),
        "archived_cases": ArchivedCase.objects.filter(congress__region__path__startswith=path).count(),
    }


def portal_codes() -> list[tuple[str, str]]:
    """Two tracking codes of the demo's constituents for the public portal (empty without the demo county)."""
    from .constituents import portal_codes as codes

    county = Region.objects.filter(level=RegionLevel.COUNTY, name=org_builder.COUNTY_NAME,
                                   parent__name="示范市").first()
    return codes(county) if county else []


def login_rows() -> list[dict[str, Any]]:
    """The named demo logins as they are in the database now (also after a run that created nothing)."""
    from base64 import b32encode

    users = {u.username: u for u in User.objects.filter(username__in=NAMED_LOGINS)
             .select_related("region", "unit", "person")}
    rows = []
    for username in NAMED_LOGINS:
        user = users.get(username)
        if user is None:
            rows.append({"username": username, "missing": True})
            continue
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        where = user.unit.name if user.unit else (user.region.name if user.region else "")
        if user.person:
            levels = set(user.person.mandates.filter(status=MandateStatus.ACTIVE)
                         .values_list("congress__region__level", flat=True))
            where = f"{user.person.name}，{where}（{'、'.join(LEVEL_WORDS.get(lv, lv) for lv in sorted(levels))}）"
        rows.append({"username": username, "missing": False, "role": Role(user.role).label, "where": where,
                     "totp": b32encode(device.bin_key).decode() if device else ""})
    return rows
