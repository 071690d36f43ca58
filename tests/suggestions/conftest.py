"""A township congress with deputies, staff of both townships and the county, and three handling units; and
`world.build(state)` which drives a suggestion to any state through the services themselves."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from renda.core.roles import Role
from renda.suggestions import services
from renda.suggestions.models import Status, Suggestion
from renda.workdays.services import calendar_seed_from_package
from tests.factories import DistrictFactory, MandateFactory, OrgTree, PersonFactory, UnitFactory, UserFactory

# The path each state is reached by (after the draft is written).
PATHS: dict[str, list[str]] = {
    Status.DRAFT: [],
    Status.SUBMITTED: ["submit"],
    Status.RETURNED: ["submit", "review_return"],
    Status.WITHDRAWN: ["withdraw"],
    Status.ACCEPTED: ["submit", "review_accept"],
    Status.ASSIGNED: ["submit", "review_accept", "assign"],
    Status.HANDLING: ["submit", "review_accept", "assign", "accept"],
    Status.REPLIED: ["submit", "review_accept", "assign", "accept", "reply_A"],
    Status.REHANDLING: ["submit", "review_accept", "assign", "accept", "reply_A", "unsatisfied"],
    Status.EVALUATED: ["submit", "review_accept", "assign", "accept", "reply_A", "satisfied"],
    Status.FOLLOW_UP: ["submit", "review_accept", "assign", "accept", "reply_B", "satisfied"],
    Status.CLOSED: ["submit", "review_accept", "assign", "accept", "reply_A", "satisfied", "close"],
}
BILL_PATHS: dict[str, list[str]] = {
    Status.DRAFT: ["confirm_all"],
    Status.SUBMITTED: ["confirm_all", "submit"],
    Status.WITHDRAWN: ["withdraw"],
    Status.ON_AGENDA: ["confirm_all", "submit", "decide_agenda"],
}


@dataclass
class World:
    tree: OrgTree
    lead: Any  # the lead deputy's account
    cosigner: Any  # an invited co-signer's account
    other_deputy: Any
    deputies: list[Any]  # Person rows of more deputies of town A, for bills
    clerk_a: Any
    clerk_b: Any
    county_clerk: Any
    unit_lead: Any  # account of the lead unit (县交通运输局)
    unit_co: Any  # account of the co-unit (县教育局)
    unit_third: Any  # an unrelated unit's account
    third_unit: Any
    users: dict[str, Any] = field(default_factory=dict)

    def create(self, *, kind: str = "suggestion", channel: str = "recess", title: str = "修缮甲村道路",
               co_signers: list[Any] | None = None) -> Suggestion:
        people = [self.cosigner.person] if co_signers is None else co_signers
        return services.suggestion_create(actor=self.lead, congress=self.tree.congress_a, kind=kind,
                                          channel=channel, title=title, content="甲村至镇道路破损，请予修缮。",
                                          category="城建交通", co_signers=people)

    def step(self, s: Suggestion, step: str) -> Suggestion:
        s.refresh_from_db()
        t = self.tree
        actions = {
            "submit": lambda: services.suggestion_submit(actor=self.lead, suggestion=s),
            "withdraw": lambda: services.suggestion_withdraw(actor=self.lead, suggestion=s),
            "review_accept": lambda: services.suggestion_review(actor=self.clerk_a, suggestion=s, decision="accept"),
            "review_return": lambda: services.suggestion_review(actor=self.clerk_a, suggestion=s, decision="return",
                                                                reason="no_content"),
            "assign": lambda: services.suggestion_assign(actor=self.clerk_a, suggestion=s, lead_unit=t.unit_county,
                                                         co_units=[t.unit_other]),
            "accept": lambda: services.suggestion_accept(actor=self.unit_lead, suggestion=s),
            "reply_A": lambda: services.suggestion_reply(actor=self.unit_lead, suggestion=s, result_class="A",
                                                         text="已修缮完毕。"),
            "reply_B": lambda: services.suggestion_reply(actor=self.unit_lead, suggestion=s, result_class="B",
                                                         text="正在修缮。"),
            "satisfied": lambda: services.suggestion_evaluate(actor=self.lead, suggestion=s,
                                                              satisfaction="satisfied"),
            "unsatisfied": lambda: services.suggestion_evaluate(actor=self.lead, suggestion=s,
                                                                satisfaction="unsatisfied", comment="路面仍未修好"),
            "close": lambda: services.suggestion_close(actor=self.clerk_a, suggestion=s),
            "confirm_all": lambda: self._confirm_all(s),
            "decide_agenda": lambda: services.bill_decide(actor=self.clerk_a, suggestion=s, decision="agenda",
                                                          decided_by="presidium", reason="属于本级人大职权"),
        }
        return actions[step]()

    def _confirm_all(self, s: Suggestion) -> Suggestion:
        for user in self.signer_accounts(s):
            services.suggestion_cosign(actor=user, suggestion=s)
        s.refresh_from_db()
        return s

    def signer_accounts(self, s: Suggestion) -> list[Any]:
        from renda.accounts.models import User

        return list(User.objects.filter(person__cosigned__suggestion=s))

    def build(self, state: str, kind: str = "suggestion") -> Suggestion:
        if kind == "bill":
            s = self.create(kind="bill", channel="session", co_signers=list(self.deputies[:4]))
            path = BILL_PATHS[state]
        else:
            s = self.create()
            path = PATHS[state]
        for step in path:
            s = self.step(s, step)
        s.refresh_from_db()
        assert s.status == state, (state, s.status)
        return s


def deputy_account(tree: OrgTree, name: str, username: str) -> Any:
    person = PersonFactory(region=tree.village_a, name=name)
    MandateFactory(person=person, term=tree.term_a, district=DistrictFactory(congress=tree.congress_a,
                                                                             region=tree.village_a))
    return UserFactory(username=username, role=Role.DEPUTY, region=tree.town_a, person=person,
                       display_name=name)


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Any) -> None:
    """Reply letters uploaded by the tests go to a temporary directory."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def calendar_years(db: None) -> None:
    calendar_seed_from_package(actor=None, years=[2025, 2026])


@pytest.fixture
def world(tree: OrgTree, calendar_years: None) -> World:
    lead = deputy_account(tree, "李领衔", "lead")
    cosigner = deputy_account(tree, "王附议", "cosigner")
    other = deputy_account(tree, "赵其他", "other")
    extra = [deputy_account(tree, f"代表{i}", f"d{i}") for i in range(4)]
    third = UnitFactory(region=tree.county, name="县水利局")
    w = World(
        tree=tree, lead=lead, cosigner=cosigner, other_deputy=other, deputies=[u.person for u in [cosigner, *extra]],
        clerk_a=UserFactory(username="clerk_a", role=Role.TOWNSHIP_STAFF, region=tree.town_a),
        clerk_b=UserFactory(username="clerk_b", role=Role.TOWNSHIP_STAFF, region=tree.town_b),
        county_clerk=UserFactory(username="county", role=Role.COUNTY_STAFF, region=tree.county),
        unit_lead=UserFactory(username="unit_lead", role=Role.UNIT_USER, region=tree.county, unit=tree.unit_county),
        unit_co=UserFactory(username="unit_co", role=Role.UNIT_USER, region=tree.county, unit=tree.unit_other),
        unit_third=UserFactory(username="unit_third", role=Role.UNIT_USER, region=tree.county, unit=third),
        third_unit=third,
    )
    w.users = {"lead_deputy": w.lead, "co_signer": w.cosigner, "staff": w.clerk_a, "lead_unit": w.unit_lead,
               "co_unit": w.unit_co}
    return w
