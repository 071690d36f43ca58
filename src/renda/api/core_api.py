"""/auth/token, /me, /regions, /congresses (API.md "Resources every release keeps")."""


from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from renda.accounts import services as account_services
from renda.api.schemas import ERRORS, Error, Page, PageParams, paginate
from renda.core.access import endpoint
from renda.core.roles import ALL_ROLES
from renda.organizations import selectors as org_selectors

router = Router(tags=["core"])


class TokenIn(Schema):
    username: str
    password: str
    otp: str | None = None


class TokenOut(Schema):
    token: str
    expires_at: datetime


@router.post("/auth/token", auth=None, response={200: TokenOut, 400: Error, 401: Error, 422: Error, 429: Error},
             summary="Log in: a bearer token",
             description="401 `invalid_credentials` (the same for a wrong username and a wrong password), "
                         "`otp_required` / `otp_invalid` (administrators: the TOTP code); 429 `locked_out` after "
                         "too many failures. The token ends at `expires_at` or after 30 minutes unused.")
@endpoint(public=True)
def auth_token(request: HttpRequest, payload: TokenIn) -> TokenOut:
    raw, token = account_services.api_login(
        request=request, username=payload.username, password=payload.password, otp=payload.otp)
    return TokenOut(token=raw, expires_at=token.expires_at)


class RegionRef(Schema):
    id: int
    name: str
    level: str


class Ref(Schema):
    id: int
    name: str


class MeOut(Schema):
    id: int
    username: str
    name: str
    roles: list[str]
    region: RegionRef | None
    deputy: Ref | None
    unit: Ref | None


@router.get("/me", response={200: MeOut, **ERRORS})
@endpoint(*ALL_ROLES)
def me(request: HttpRequest) -> MeOut:
    user: Any = request.user
    region, person, unit = user.region, user.person, user.unit
    return MeOut(
        id=user.pk,
        username=user.get_username(),
        name=str(user),
        roles=[user.role],
        region=RegionRef(id=region.pk, name=region.name, level=region.level) if region else None,
        deputy=Ref(id=person.pk, name=person.name) if person else None,
        unit=Ref(id=unit.pk, name=unit.name) if unit else None,
    )


class RegionOut(Schema):
    id: int
    name: str
    level: str
    code: str
    parent: int | None


@router.get("/regions", response={200: Page[RegionOut], **ERRORS})
@endpoint(*ALL_ROLES)
def regions(request: HttpRequest, params: Query[PageParams], level: str | None = None,
            parent: int | None = None) -> dict[str, object]:
    qs = org_selectors.regions_visible(user=request.user)
    if level:
        qs = qs.filter(level=level)
    if parent is not None:
        qs = qs.filter(parent_id=parent)
    items, count = paginate(qs, params)
    return {"items": [RegionOut(id=r.pk, name=r.name, level=r.level, code=r.code, parent=r.parent_id)
                      for r in items], "count": count}


class CongressOut(Schema):
    id: int
    name: str
    level: str
    region: RegionRef
    term: int | None


@router.get("/congresses", response={200: Page[CongressOut], **ERRORS})
@endpoint(*ALL_ROLES)
def congresses(request: HttpRequest, params: Query[PageParams]) -> dict[str, object]:
    items, count = paginate(org_selectors.congresses_visible(user=request.user), params)
    out = []
    for c in items:
        term = c.current_terms[0].number if c.current_terms else None
        out.append(CongressOut(id=c.pk, name=c.name, level=c.region.level, term=term,
                               region=RegionRef(id=c.region.pk, name=c.region.name, level=c.region.level)))
    return {"items": out, "count": count}
