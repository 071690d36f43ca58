"""Every (state, event) pair of the state table (workflow.py), for suggestions and bills: an allowed pair moves
to one of its targets; a refused pair is 409 invalid_transition for an actor who can see the suggestion, and 404
for one who cannot (a unit before assignment, staff on a draft) — whose service call is refused by the table too."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction

from renda.core.errors import InvalidTransition
from renda.suggestions import selectors, services, workflow
from renda.suggestions.models import Kind, Status
from tests.helpers import api_client

pytestmark = pytest.mark.django_db


def _body(world, s, event):
    t = world.tree
    return {
        "review": {"decision": "accept"},
        "decide": {"decision": "as_suggestion", "decided_by": "presidium", "reason": "宜作为建议办理"},
        "assign": {"lead_unit": t.unit_county.pk, "co_units": [t.unit_other.pk]},
        "return": {"reason": "不属于本单位职责"},
        "contact": {"method": "meeting", "note": "到村查看"},
        "opinion": {"text": "同意主办单位意见"},
        "extend": {"deadline": str((s.deadline or s.assigned_on or services.today()) + timedelta(days=30)),
                   "reason": "涉及多个部门，情况复杂"},
        "reply": {"result_class": "A", "text": "已解决"},
        "evaluate": {"satisfaction": "satisfied"},
        "merge": {"members": [world.member.pk]},
        "remind": {"note": "请加快办理"},
    }.get(event, {})


def _service_call(world, s, event, actor):
    t = world.tree
    calls = {
        "submit": lambda: services.suggestion_submit(actor=actor, suggestion=s),
        "cosign": lambda: services.suggestion_cosign(actor=actor, suggestion=s),
        "withdraw": lambda: services.suggestion_withdraw(actor=actor, suggestion=s),
        "revise": lambda: services.suggestion_revise(actor=actor, suggestion=s),
        "review": lambda: services.suggestion_review(actor=actor, suggestion=s, decision="accept"),
        "decide": lambda: services.bill_decide(actor=actor, suggestion=s, decision="agenda", decided_by="presidium",
                                               reason="x"),
        "assign": lambda: services.suggestion_assign(actor=actor, suggestion=s, lead_unit=t.unit_county),
        "merge": lambda: services.suggestion_merge(actor=actor, primary=s, members=[world.member]),
        "remind": lambda: services.suggestion_remind(actor=actor, suggestion=s),
        "extend": lambda: services.suggestion_extend(actor=actor, suggestion=s, deadline=services.today(),
                                                     reason="x"),
        "close": lambda: services.suggestion_close(actor=actor, suggestion=s),
        "accept": lambda: services.suggestion_accept(actor=actor, suggestion=s),
        "return": lambda: services.suggestion_return(actor=actor, suggestion=s, reason="x"),
        "contact": lambda: services.suggestion_contact(actor=actor, suggestion=s, method="phone"),
        "reply": lambda: services.suggestion_reply(actor=actor, suggestion=s, result_class="A", text="x"),
        "opinion": lambda: services.suggestion_opinion(actor=actor, suggestion=s, text="x"),
        "evaluate": lambda: services.suggestion_evaluate(actor=actor, suggestion=s, satisfaction="satisfied"),
    }
    return calls[event]()


STATES = [(Kind.SUGGESTION, st) for st in workflow.SUGGESTION_TABLE if st != Status.ON_AGENDA] + [
    (Kind.BILL, st) for st in workflow.BILL_TABLE]


def test_the_table_covers_every_status_and_every_event_has_an_actor():
    assert set(workflow.SUGGESTION_TABLE) == set(Status.values)
    used = {e for tbl in workflow.TABLES.values() for events in tbl.values() for e in events}
    assert used == set(workflow.EVENTS) == set(workflow.EVENT_LABELS)
    for status in workflow.FINAL_STATUSES:
        assert workflow.SUGGESTION_TABLE[status] == {}
    for tbl in workflow.TABLES.values():
        for events in tbl.values():
            for targets in events.values():
                assert set(targets) <= set(Status.values)


@pytest.mark.parametrize(("kind", "state"), STATES, ids=[f"{k}-{s}" for k, s in STATES])
def test_every_event_from_this_state_is_allowed_or_refused_as_the_table_says(world, kind, state):
    s = world.build(state, kind=kind)
    world.member = world.build(Status.ACCEPTED)  # what a merge takes into the suggestion under test
    failures = []
    clients = {relation: api_client(user) for relation, user in world.users.items()}
    for event in workflow.EVENTS:
        actor = world.users[workflow.EVENTS[event].relation]
        allowed = workflow.allowed(kind, state, event)
        with transaction.atomic():
            s.refresh_from_db()
            visible = selectors.visible(user=actor).filter(pk=s.pk).exists()
            client = clients[workflow.EVENTS[event].relation]
            response = client.post(f"/api/v1/suggestions/{s.pk}/{event}", _body(world, s, event),
                                   content_type="application/json")
            body = response.json()
            if allowed:
                targets = workflow.table(kind)[state][event]
                if response.status_code != 200 or body["status"] not in targets:
                    failures.append(f"{state} --{event}--> {response.status_code} {body}")
            elif visible:
                if response.status_code != 409 or body["code"] != "invalid_transition":
                    failures.append(f"{state} --{event}--> expected 409, got {response.status_code} {body}")
            else:
                if response.status_code != 404:
                    failures.append(f"{state} --{event}--> hidden from the actor: expected 404, got "
                                    f"{response.status_code}")
                try:
                    _service_call(world, s, event, actor)
                    failures.append(f"{state} --{event}--> the service accepted a refused pair")
                except InvalidTransition:
                    pass
            transaction.set_rollback(True)
        s.refresh_from_db()
        assert s.status == state, "each attempt was rolled back"
    assert not failures, "\n".join(failures)
