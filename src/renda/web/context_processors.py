from typing import Any

from django.http import HttpRequest

from renda.web.nav import items_for


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": items_for(getattr(user, "role", None)), "current_url_name":
            getattr(getattr(request, "resolver_match", None), "view_name", "")}
