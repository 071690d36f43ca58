"""On a phone the lists of opinions and suggestions show each row as a card: the text is read across the screen,
not squeezed into a column of two characters, and the other columns keep their names."""

from __future__ import annotations

import pytest

from renda.liaison.services import opinions as svc
from renda.suggestions.models import Status, Suggestion
from tests.browser_support import log_in
from tests.factories import PASSWORD, PersonFactory, org_tree
from tests.liaison.builders import build_liaison

pytestmark = pytest.mark.django_db(transaction=True)
TEXT = "幸福村村口道路破损严重，雨天积水，群众出行不便，希望尽快修复。"


def test_a_clerk_reads_the_lists_of_opinions_and_suggestions_across_a_phone(live_server, page):
    liaison = build_liaison(org_tree())
    svc.opinion_register(actor=liaison.clerk, channel="phone", content=TEXT, station=liaison.central)
    Suggestion.objects.create(
        congress=liaison.tree.congress_a, region_path=liaison.tree.town_a.path, title="关于修复幸福村村口道路的建议",
        content="……", lead_deputy=PersonFactory(), year=2026, channel="recess", status=Status.SUBMITTED,
        number="2026-0001")
    log_in(page, live_server.url, liaison.clerk.username, PASSWORD)
    assert page.viewport_size["width"] == 390
    for path, cell, label in (("/liaison/opinions/", "opinion-text", "状态："),
                              ("/suggestions/", "suggestion-title", "主办单位：")):
        page.goto(f"{live_server.url}{path}")
        box = page.locator(f"[data-testid={cell}]").first.bounding_box()
        assert box and box["width"] >= 300, (path, box)  # the row's text across the card
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        named = page.locator(f"td[data-label='{label.rstrip('：')}']").first.evaluate(
            "td => getComputedStyle(td, '::before').content")
        assert label in named, (path, named)  # each value still says what it is


def test_the_stations_the_settings_the_calendar_and_the_compliance_are_read_as_cards_on_a_phone(live_server, page):
    """Stations (six columns), settings (four), the calendar's years (six) and the townships' compliance (six)
    scrolled sideways inside their box at 390 px (a phone walk of the demo): they are cards now, each value named."""
    liaison = build_liaison(org_tree())
    log_in(page, live_server.url, liaison.county_staff.username, PASSWORD)
    for path, label in (("/liaison/", "下次接待日："), ("/org/settings/", "依据："), ("/calendar/", "放假天数："),
                        ("/meetings/compliance/", "会期：")):
        page.goto(f"{live_server.url}{path}")
        overflow = page.evaluate("""() => [...document.querySelectorAll('.table-wrap')].filter(w => w.offsetParent)
            .map(w => w.scrollWidth - w.clientWidth)""")
        assert overflow and set(overflow) == {0}, (path, overflow)
        named = page.locator(f"td[data-label='{label.rstrip('：')}']").first.evaluate(
            "td => getComputedStyle(td, '::before').content")
        assert label in named, (path, named)


def test_the_statistics_are_read_on_a_phone(live_server, page):
    """The suggestions' statistics by unit were a table of eight columns with a bar in five: each group is a card
    now, each rate named beside its bar. The deputies' townships × categories tables stay tables (a cross-table
    reads across), with the townships' names kept in sight while the columns scroll sideways."""
    from tests.deputies.registry import build

    reg = build(org_tree())
    Suggestion.objects.create(
        congress=reg.tree.congress_a, region_path=reg.tree.town_a.path, title="关于修复幸福村村口道路的建议",
        content="……", lead_deputy=PersonFactory(), year=2026, channel="recess", status=Status.ASSIGNED,
        number="2026-0001")  # admitted (立案): counted in the statistics
    log_in(page, live_server.url, reg.county_clerk.username, PASSWORD)
    page.goto(f"{live_server.url}/suggestions/stats/?by=township&year=2026")
    assert page.locator("[data-testid=groups] tbody tr").count() >= 1
    overflow = page.evaluate("""() => [...document.querySelectorAll('.table-wrap')].filter(w => w.offsetParent)
        .map(w => w.scrollWidth - w.clientWidth)""")
    assert overflow and set(overflow) == {0}, overflow
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    rate = page.locator("[data-testid=groups] td[data-label='答复率']").first
    assert "答复率：" in rate.evaluate("td => getComputedStyle(td, '::before').content")
    bar, cell = rate.locator(".bar").bounding_box(), rate.bounding_box()
    assert bar and cell and bar["width"] >= 150 and bar["y"] < cell["y"] + 10, (bar, cell)  # beside its name

    page.goto(f"{live_server.url}/deputies/stats/")
    page.locator("details:has(table.cross) > summary").first.click()
    wrap = page.locator(".table-wrap:has(table.cross)").first
    wrap.evaluate("w => { w.querySelector('table').style.minWidth = '900px'; }")  # as wide as the most categories
    assert wrap.evaluate("w => w.scrollWidth > w.clientWidth")
    wrap.evaluate("w => { w.scrollLeft = 400; }")
    first, second = (wrap.locator("tbody tr").first.locator("td").nth(i).bounding_box() for i in (0, 1))
    box = wrap.bounding_box()
    assert first and second and box
    assert abs(first["x"] - box["x"]) <= 2, (first, box)  # the township's name stays at the left edge
    assert second["x"] < box["x"], second  # while the figures went by under it
