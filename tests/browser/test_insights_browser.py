"""Insights in a real Chromium: charts for a month of sessions, the htmx range switch, the CSV.

The last test also writes the screenshots (phone and desktop, light and dark, a month of data and
the empty state) to screenshots/insights/ for people to look at.
"""
import csv
import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support import factories
from tests.support.browser import collect_console_errors
from webapp.accounts.timezones import zone_of
from webapp.insights import queries
from webapp.insights.ranges import last_days
from webapp.insights.sample import seed_history
from webapp.models import utcnow

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots" / "insights"


@pytest.fixture(scope="module")
def people(live_server):
    """'seeded' has about six weeks of sessions in Berlin; 'fresh' has none."""
    with live_server.app.app_context():
        seeded = factories.make_user("seeded", timezone="Europe/Berlin", display_name="Sam")
        factories.make_user("fresh", timezone="Europe/Berlin", display_name="Fran")
        seed_history(seeded, 45, seed=11)
        return {"seeded": seeded.id}


def sign_in(page, live_server, username: str) -> None:
    page.goto(live_server.url + "/login")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(factories.DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Welcome back")).to_be_visible()


def sessions_in_last(live_server, user_id: int, days: int) -> int:
    with live_server.app.app_context():
        chosen = last_days(days, zone_of("Europe/Berlin"), utcnow())
        return len(queries.session_spans(user_id, chosen.start, chosen.end))


def test_the_page_draws_every_chart_for_a_month_of_sessions(live_server, people, page):
    errors = collect_console_errors(page)
    sign_in(page, live_server, "seeded")
    page.get_by_role("navigation").get_by_role("link", name="Insights").click()
    expect(page.get_by_role("heading", name="Insights", exact=True)).to_be_visible()
    expect(page.locator("svg.chart")).to_have_count(5)
    for name in ("Your hours", "What interrupts you", "Your week", "When you work", "Day by day",
                 "Streak calendar"):
        expect(page.get_by_role("heading", name=name)).to_be_visible()
    assert page.locator("#chart-hours rect.bar-work").count() > 3
    assert page.locator("#chart-heatmap rect.heat-4").count() >= 1
    assert page.locator("#chart-calendar g.cal-on").count() > 10
    expect(page.locator("#chart-hours .chart-lede")).to_contain_text("Peak distraction time:")
    expect(page.get_by_text(re.compile(r"You focus best \d\d:00"))).to_be_visible()
    expect(page.locator('[data-stat="sessions"]')).to_have_text(str(sessions_in_last(live_server, people["seeded"], 30)))
    # The text alternative opens under each chart.
    page.locator("#chart-weekly summary").click()
    expect(page.locator("#chart-weekly table")).to_contain_text("Wednesday")
    # The charts are drawn: the hours chart has a real size on screen.
    box = page.locator("svg.chart-hours").bounding_box()
    assert box["width"] > 300 and box["height"] > 100
    assert errors == []


def test_the_range_switch_swaps_the_charts_with_htmx_and_keeps_a_bookmarkable_url(live_server, people, page):
    errors = collect_console_errors(page)
    sign_in(page, live_server, "seeded")
    page.goto(live_server.url + "/insights")
    expect(page.locator(".range-presets a[aria-current]")).to_have_text("30 days")
    page.evaluate("window.__notReloaded = true")
    old_trend = page.locator("#chart-trend").inner_html()

    with page.expect_response(re.compile(r"/insights\?range=7d")) as swapped:
        page.get_by_role("link", name="7 days").click()
    assert swapped.value.request.headers.get("hx-request") == "true"
    expect(page).to_have_url(re.compile(r"/insights\?range=7d$"))
    expect(page.locator(".range-presets a[aria-current]")).to_have_text("7 days")
    expect(page.locator(".range-line")).to_contain_text("Last 7 days")
    expect(page.locator("#insights-status")).to_have_text("Showing last 7 days.")
    expect(page.locator('[data-stat="sessions"]')).to_have_text(str(sessions_in_last(live_server, people["seeded"], 7)))
    assert page.locator("#chart-trend").inner_html() != old_trend
    assert page.evaluate("window.__notReloaded") is True  # swapped in place, not reloaded

    today = utcnow().astimezone(zone_of("Europe/Berlin")).date()
    first = (today - timedelta(days=13)).isoformat()
    page.get_by_label("From").fill(first)
    page.get_by_label("To").fill(today.isoformat())
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(rf"from={first}&to={today.isoformat()}"))
    expect(page.locator(".range-presets a[aria-current]")).to_have_count(0)
    expect(page.locator("#chart-trend .chart-data tbody tr")).to_have_count(14)
    assert page.evaluate("window.__notReloaded") is True

    page.go_back()
    expect(page).to_have_url(re.compile(r"/insights\?range=7d$"))
    expect(page.locator(".range-presets a[aria-current]")).to_have_text("7 days")
    # The bookmarked URL opens the same view from scratch.
    page.goto(live_server.url + "/insights?range=7d")
    expect(page.locator(".range-line")).to_contain_text("Last 7 days")
    assert errors == []


def test_the_csv_download_parses(live_server, people, page, tmp_path):
    sign_in(page, live_server, "seeded")
    page.goto(live_server.url + "/insights?range=30d")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert re.fullmatch(r"focusroom-insights-\d{4}-\d\d-\d\d-to-\d{4}-\d\d-\d\d\.csv", download.suggested_filename)
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == sessions_in_last(live_server, people["seeded"], 30)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00", row["start"]) for row in rows)
    shown = page.locator('[data-stat="interruptions"]').inner_text()
    assert sum(int(row["interruptions"]) for row in rows) == pytest.approx(int(shown), abs=2)


def test_a_new_person_sees_the_empty_state(live_server, people, page):
    sign_in(page, live_server, "fresh")
    page.goto(live_server.url + "/insights")
    expect(page.get_by_role("heading", name="Your insights start with your first session")).to_be_visible()
    expect(page.locator("svg.chart")).to_have_count(0)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots(live_server, people, browser, scheme):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for username, label in (("seeded", "month"), ("fresh", "empty")):
        for width, height in ((390, 844), (1280, 800)):
            context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme,
                                          timezone_id="Europe/Berlin", locale="en-GB")
            page = context.new_page()
            errors = collect_console_errors(page)
            sign_in(page, live_server, username)
            page.goto(live_server.url + "/insights")
            if username == "seeded":  # the charts arrive as their own fragment
                expect(page.locator("svg.chart")).to_have_count(5)
            page.screenshot(path=str(SCREENSHOTS / f"{label}-{scheme}-{width}.png"), full_page=True)
            # Nothing may be wider than the phone screen except the charts' own scroll boxes.
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            context.close()
            assert overflow <= 0 and errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_heatmap_legend_shows_the_colours_of_its_cells(live_server, people, browser, scheme):
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1366, "height": 850})
    page = context.new_page()
    sign_in(page, live_server, "seeded")
    page.goto(live_server.url + "/insights?range=90d")
    expect(page.locator("#chart-heatmap svg")).to_be_visible()
    compared = 0
    for level in range(5):
        cells = page.locator(f"#chart-heatmap rect.heat-{level}")
        if not cells.count():
            continue
        cell = cells.first.evaluate("e => { const s = getComputedStyle(e); return [s.fill, parseFloat(s.fillOpacity)]; }")
        key = page.locator(f"#chart-heatmap .legend-scale .heat-{level}").evaluate(
            "e => { const s = getComputedStyle(e); return [s.backgroundColor, parseFloat(s.opacity)]; }")
        assert key == cell, (scheme, level, key, cell)
        compared += 1
    context.close()
    assert compared >= 3
