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
