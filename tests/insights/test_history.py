"""The similar-case index of a scope is cached per process; what decides whether it still holds must tell a case
apart from an earlier one that had the same id (SQLite hands a rolled-back row's id out again, at version 1)."""

from __future__ import annotations

import pytest
from django.db import transaction

from renda.insights import history
from renda.liaison.services import opinions as svc
from tests.liaison.builders import build_liaison


class _Undo(Exception):
    pass


@pytest.mark.django_db
def test_an_id_handed_out_again_does_not_bring_back_the_old_index(tree) -> None:
    history.clear_caches()
    liaison = build_liaison(tree)
    congress = tree.congress_a

    def register(content: str):
        return svc.opinion_register(actor=liaison.clerk, channel="phone", content=content, station=liaison.central)

    with pytest.raises(_Undo), transaction.atomic():
        gone = register("东湖社区垃圾站臭气熏天，夏天蚊蝇成群，请尽快整改。")
        found = history.scoped_index(user=liaison.clerk, congress=congress).query(
            "垃圾站臭气", k=1, near_duplicate_threshold=0.8)
        assert [m.text[:7] for m in found] == ["东湖社区垃圾站"]
        raise _Undo
    fresh = register("幸福村村口道路破损严重，雨天积水，群众出行不便。")
    if fresh.pk == gone.pk:
        assert fresh.version == gone.version  # the collision the key must survive (SQLite)
    matches = history.scoped_index(user=liaison.clerk, congress=congress).query("村口道路破损", k=1,
                                                                                near_duplicate_threshold=0.8)
    assert [m.text for m in matches] == ["幸福村村口道路破损严重，雨天积水，群众出行不便。"]
    history.clear_caches()


@pytest.mark.django_db
def test_the_index_follows_an_edit_and_a_case_leaving_the_scope(tree) -> None:
    """The index is keyed by a fingerprint the database computes; an edited text and a case moved out of the
    scope (even by a bulk update that leaves its version and write time alone) must both be seen at once."""
    from renda.insights.services import similar_in_scope
    from renda.liaison.models import Opinion

    history.clear_caches()
    liaison = build_liaison(tree)
    first = svc.opinion_register(actor=liaison.clerk, channel="phone", station=liaison.central,
                                 content="东湖社区垃圾站臭气熏天，夏天蚊蝇成群，请尽快整改。")
    svc.opinion_register(actor=liaison.clerk, channel="phone", station=liaison.central,
                         content="幸福村村口道路破损严重，雨天积水，群众出行不便。")

    def found(text: str) -> list[str]:
        return [c.match.text for c in similar_in_scope(user=liaison.clerk, congress=tree.congress_a, text=text)]

    assert found("垃圾站臭气")[0].startswith("东湖社区垃圾站")
    first.content = "东湖社区公厕长期无人打扫，臭气熏天，请环卫所处理。"
    first.save()
    assert found("公厕无人打扫")[0].startswith("东湖社区公厕")
    Opinion.objects.filter(pk=first.pk).update(region=tree.town_b)
    assert all("东湖社区" not in text for text in found("公厕无人打扫 臭气"))
    history.clear_caches()


@pytest.mark.django_db
def test_a_scope_sharing_another_scopes_index_still_sees_only_its_own_cases(tree, monkeypatch) -> None:
    """Defence in depth: were two scopes' fingerprints ever equal, the second would be served the first's index;
    the matches are checked against the caller's scope before they are shown."""
    from renda.insights.services import similar_in_scope

    history.clear_caches()
    liaison = build_liaison(tree)
    svc.opinion_register(actor=liaison.clerk, channel="phone", station=liaison.central,
                         content="东湖社区垃圾站臭气熏天，夏天蚊蝇成群，请尽快整改。")
    monkeypatch.setattr(history, "_fingerprint", lambda cases, source: ("the same",))
    own = similar_in_scope(user=liaison.clerk, congress=tree.congress_a, text="垃圾站臭气")
    assert [c.match.text[:7] for c in own] == ["东湖社区垃圾站"]
    index = history.scoped_index(user=liaison.clerk_b, congress=tree.congress_a)
    assert len(index.query("垃圾站臭气", k=5, near_duplicate_threshold=0.8)) == 1  # the shared index holds it
    assert similar_in_scope(user=liaison.clerk_b, congress=tree.congress_a, text="垃圾站臭气") == []
    history.clear_caches()


def test_requests_arriving_while_an_index_is_built_wait_for_that_build(monkeypatch) -> None:
    """The form asks on every keystroke, so a scope's first requests come together: one builds its index, the
    others wait and use it, instead of each building its own."""
    import threading
    import time
    from types import SimpleNamespace

    from renda.insights.similar import SimilarIndex

    history.clear_caches()
    from tests.insights.synthetic import history as synthetic_history

    rows = [("opinion", k, (1, "t"), text, "") for k, (text, _) in enumerate(synthetic_history(per_class=3), 1)]
    monkeypatch.setattr(history, "_recent", lambda user, congress, source: None)
    monkeypatch.setattr(history, "_fingerprint", lambda cases, source: ("one state",))
    monkeypatch.setattr(history, "_texts", lambda user, congress: rows)
    monkeypatch.setattr(history, "region_names", lambda region: [])
    builds: list[int] = []

    def slow_index(*args, **kwargs):  # type: ignore[no-untyped-def]
        builds.append(1)
        time.sleep(0.3)
        return SimilarIndex(*args, **kwargs)

    monkeypatch.setattr(history, "SimilarIndex", slow_index)
    congress = SimpleNamespace(pk=1, region=None)
    got: list[object] = []
    threads = [threading.Thread(target=lambda: got.append(history.scoped_index(user=None, congress=congress)))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(builds) == 1 and len(got) == 4 and all(index is got[0] for index in got)
    assert history.scoped_index(user=None, congress=congress) is got[0] and len(builds) == 1
    history.clear_caches()


@pytest.mark.django_db
def test_the_congress_region_names_are_places_not_subjects(tree) -> None:
    from renda.insights.services import similar_in_scope

    history.clear_caches()
    tree.town_a.name = "青山镇"
    tree.town_a.save()
    liaison = build_liaison(tree)
    svc.opinion_register(actor=liaison.clerk, channel="phone", station=liaison.central,
                         content="测试县青山镇垃圾站臭气熏天，夏天蚊蝇成群，请尽快整改。")

    def found(text: str) -> list[str]:
        return [c.match.text for c in similar_in_scope(user=liaison.clerk, congress=tree.congress_a, text=text)]

    assert found("测试县青山镇的路灯坏了，请有关部门尽快解决") == []  # the county, the township and boilerplate
    assert found("青山垃圾站每天都很臭") == ["测试县青山镇垃圾站臭气熏天，夏天蚊蝇成群，请尽快整改。"]
    assert {"测试省", "测试市", "测试县", "青山镇", "甲村"} <= set(history.region_names(tree.congress_a.region))
    assert "乙镇" not in history.region_names(tree.congress_a.region)
    history.clear_caches()


@pytest.mark.django_db
def test_while_a_clerk_types_the_scope_is_checked_at_most_every_few_seconds(tree, monkeypatch) -> None:
    """The typing assistant's `recheck_after`: a second call within it gives the same index without the fingerprint
    queries; a case added meanwhile is found once it has passed; a case that left the scope is never shown, nor an
    edited case's old text, even from an index given again (each match is checked against the scope, and its stamp
    against the index's)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from renda.insights.services import similar_in_scope
    from renda.liaison.models import Opinion

    history.clear_caches()
    liaison = build_liaison(tree)
    clock = [1000.0]
    monkeypatch.setattr(history, "_now", lambda: clock[0])
    gone = svc.opinion_register(actor=liaison.clerk, channel="phone", station=liaison.central,
                                content="东湖社区垃圾站臭气熏天，夏天蚊蝇成群，请尽快整改。")

    def found(text: str) -> list[str]:
        return [c.match.text for c in similar_in_scope(user=liaison.clerk, congress=tree.congress_a, text=text,
                                                       recheck_after=2.0)]

    def index():
        return history.scoped_index(user=liaison.clerk, congress=tree.congress_a, recheck_after=2.0)

    assert found("垃圾站臭气")[0].startswith("东湖社区垃圾站")
    first = index()
    with CaptureQueriesContext(connection) as queries:
        assert index() is first
    assert len(queries) == 0, [q["sql"] for q in queries]
    with CaptureQueriesContext(connection) as queries:  # without it, as every other caller: checked
        history.scoped_index(user=liaison.clerk, congress=tree.congress_a)
    assert len(queries) >= 1

    svc.opinion_register(actor=liaison.clerk, channel="phone", station=liaison.central,
                         content="幸福村村口道路破损严重，雨天积水，群众出行不便。")
    clock[0] += 1.0
    assert "幸福村村口道路破损严重，雨天积水，群众出行不便。" not in found("村口道路破损"), "within 2 s: not yet"
    assert index() is first
    clock[0] += 1.5
    assert found("村口道路破损")[0] == "幸福村村口道路破损严重，雨天积水，群众出行不便。", "after 2 s: checked again"
    second = index()
    assert second is not first

    # edited within the 2 s: the index given again still holds the old text, which is never shown
    Opinion.objects.filter(pk=gone.pk).update(content="东湖社区垃圾站已搬走，但原址臭气仍在，请清理。",
                                              version=gone.version + 1)
    clock[0] += 0.5
    assert index() is second
    assert any(m.text.startswith("东湖社区垃圾站臭气熏天") for m in second.query("垃圾站臭气", k=3,
                                                                             near_duplicate_threshold=0.8))
    assert found("垃圾站臭气")[0] == "东湖社区垃圾站已搬走，但原址臭气仍在，请清理。", "read again at once"
    third = index()
    assert third is not second

    # out of the clerk's scope within the 2 s (a bulk update that leaves the version alone): never shown
    Opinion.objects.filter(pk=gone.pk).update(region=tree.town_b)
    clock[0] += 0.5
    assert index() is third and any(str(m.id) == f"opinion:{gone.pk}" for m in third.query(
        "垃圾站臭气", k=3, near_duplicate_threshold=0.8)), "the index given again still holds it"
    assert not any("垃圾站" in t for t in found("垃圾站臭气")), "never shown out of scope"
    history.clear_caches()


@pytest.mark.django_db
def test_the_typing_assistant_checks_less_often_as_served(tree, client, settings) -> None:
    """The form's assistant passes settings.INSIGHTS_ASSIST_RECHECK_SECONDS (0 in tests, 2 as served): at 2, the
    second keystroke's call skips the scope's fingerprint queries that it runs at 0."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    history.clear_caches()
    liaison = build_liaison(tree)
    svc.opinion_register(actor=liaison.clerk, channel="phone", station=liaison.central,
                         content="东湖社区垃圾站臭气熏天，夏天蚊蝇成群，请尽快整改。")
    client.force_login(liaison.clerk)
    counts = {}
    for recheck in (0.0, 2.0):
        settings.INSIGHTS_ASSIST_RECHECK_SECONDS = recheck
        history.clear_caches()
        calls = []
        for text in ("东湖社区垃圾站臭气", "东湖社区垃圾站臭气熏天"):
            with CaptureQueriesContext(connection) as queries:
                response = client.post(reverse("insights:assist"), {"content": text,
                                                                     "insights_congress": tree.congress_a.pk})
            assert response.status_code == 200 and "东湖社区垃圾站" in response.content.decode()
            calls.append(len(queries))
        counts[recheck] = calls
    assert counts[2.0][0] == counts[0.0][0], counts  # the first call checks either way
    assert counts[2.0][1] < counts[0.0][1], counts
    history.clear_caches()
