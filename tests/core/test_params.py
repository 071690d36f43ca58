"""Numbers in request parameters: what int() reads and a column holds, and nothing that makes a server error."""

from __future__ import annotations

import pytest

from renda.core.params import is_number


@pytest.mark.parametrize("raw", ["0", "7", "2026", "9" * 18])
def test_whole_numbers_are_numbers(raw: str) -> None:
    assert is_number(raw)


@pytest.mark.parametrize("raw", ["", " 7", "-1", "1.5", "²", "٣", "７", "9" * 19, "9" * 4301, None, 7])
def test_anything_else_is_not_given(raw: object) -> None:
    assert not is_number(raw)


@pytest.mark.django_db
def test_a_form_number_of_thousands_of_digits_is_ignored_not_a_server_error(tree) -> None:
    from django.urls import reverse

    from renda.liaison.models import Opinion
    from renda.liaison.services import opinions as svc
    from tests.helpers import logged_in
    from tests.liaison.builders import build_liaison

    w = build_liaison(tree)
    opinion = svc.opinion_register(actor=w.clerk, station=w.central, channel="phone", content="村口路灯坏了很久。")
    response = logged_in(w.clerk).post(reverse("liaison:opinion_act", args=[opinion.pk, "accept"]),
                                       {"category": "城建交通", "responsible": "9" * 4301, "version": opinion.version})
    assert response.status_code == 302
    assert Opinion.objects.get(pk=opinion.pk).responsible == w.clerk
