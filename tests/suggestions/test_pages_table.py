"""Every path of the state table from the pages too (issue 7 "Done when"): for each state, each event the table
allows is offered on the detail page to the one actor who takes it, and posting its form moves the suggestion to
one of the event's targets; every event the table refuses is not offered, and posting it anyway changes nothing
and comes back as a message, never an error page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import transaction
from django.test import Client

from renda.suggestions import services, workflow
from renda.suggestions.models import Kind, Status

pytestmark = pytest.mark.django_db

STATES = [(Kind.SUGGESTION, st) for st in workflow.SUGGESTION_TABLE if st not in workflow.FINAL_STATUSES] + [
    (Kind.BILL, Status.SUBMITTED)]


def _form(world, s, event):
    t = world.tree
    data = {
        "review": {"decision": "accept", "reason": "", "note": ""},
        "decide": {"decision": "as_suggestion", "decided_by": "presidium", "reason": "宜作为建议办理"},
        "assign": {"lead_unit": t.unit_county.pk, "co_units": [t.unit_other.pk]},
        "return": {"reason": "不属于本单位职责"},
        "contact": {"method": "meeting", "note": "到村查看"},
        "opinion": {"text": "同意主办单位意见"},
        "extend": {"deadline": str((s.deadline or services.today()) + timedelta(days=30)), "reason": "情况复杂"},
        "reply": {"result_class": "A", "text": "已解决"},
        "evaluate": {"satisfaction": "satisfied"},
        "merge": {"members": [world.member.pk]},
        "remind": {"note": "请抓紧"},
    }.get(event, {})
    return {"version": s.version, **data}


@pytest.mark.parametrize(("kind", "state"), STATES, ids=[f"{k}-{s}" for k, s in STATES])
def test_every_event_the_table_allows_is_offered_and_works_from_the_page(world, kind, state):
    s = world.build(state, kind=kind)
    world.member = world.build(Status.ACCEPTED)
    clients = {}
    for relation, user in world.users.items():
        clients[relation] = Client()
        clients[relation].force_login(user)
    pages = {relation: client.get(f"/suggestions/{s.pk}/") for relation, client in clients.items()}
    failures = []
    for event, actor in workflow.EVENTS.items():
        client = clients[actor.relation]
        allowed = workflow.allowed(kind, state, event)
        page = pages[actor.relation]
        offered = page.status_code == 200 and f'data-testid="form-{event}"' in page.content.decode()
        if offered != allowed:
            failures.append(f"{state}: {event} offered={offered}, allowed={allowed}")
        with transaction.atomic():
            s.refresh_from_db()
            response = client.post(f"/suggestions/{s.pk}/{event}/", _form(world, s, event))
            s.refresh_from_db()
            if allowed:
                moved = s.status in workflow.table(kind)[state][event]
                if response.status_code != 302 or not moved:
                    texts = [m.message for m in get_messages(response.wsgi_request)]
                    failures.append(f"{state} --{event}--> {response.status_code} {s.status} {texts}")
            # refused: back to the page (302), or the page again with what was typed to copy (422), or not found
            elif response.status_code not in (302, 404, 422) or s.status != state:
                failures.append(f"{state} --{event}--> refused pair answered {response.status_code}, {s.status}")
            transaction.set_rollback(True)
    assert not failures, "\n".join(failures)
