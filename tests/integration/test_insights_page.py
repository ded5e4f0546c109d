"""The /insights page: ranges, empty states, the htmx fragment, charts and their text alternatives."""
import re
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from webapp.insights.sample import add_session, seed_history
from webapp.models import utcnow

BERLIN = ZoneInfo("Europe/Berlin")
CHART_IDS = ("chart-hours", "chart-types", "chart-weekly", "chart-heatmap", "chart-trend", "chart-calendar")


def at(days_ago: int, hour: int, minute: int = 0, zone=BERLIN) -> datetime:
    day = utcnow().astimezone(zone).date() - timedelta(days=days_ago)
    return datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(timezone.utc)


@pytest.fixture
def signed_in(auth, make_user):
    user = make_user("ada", timezone="Europe/Berlin")
    auth.login("ada")
    return user


def test_insights_needs_sign_in(client):
    for path in ("/insights", "/insights/export.csv", "/insights/export.json"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_nav_links_to_insights(client, signed_in):
    assert 'href="/insights"' in client.get("/", follow_redirects=True).get_data(as_text=True)


def test_a_new_user_gets_a_helpful_empty_state(client, signed_in):
    html = client.get("/insights").get_data(as_text=True)
    assert "Your insights start with your first session" in html
    assert "Europe/Berlin" in html
    assert "<svg class=\"chart" not in html and "Download CSV" not in html


def test_a_range_without_data_says_so_and_offers_all_time(client, signed_in):
    add_session(signed_in, at(200, 9), 25)
    html = client.get("/insights?range=7d").get_data(as_text=True)
    assert "Nothing was logged in this range" in html and "range=all" in html
    assert 'data-stat="sessions">0<' in html


def test_a_month_of_sessions_renders_every_chart_with_text_alternatives(client, signed_in):
    seed_history(signed_in, 30)
    page = client.get("/insights").get_data(as_text=True)
    assert "You focus best" in page and 'aria-current="true">30 days' in page
    html = client.get("/insights/charts?range=30d").get_data(as_text=True)  # what the page loads
    for chart_id in CHART_IDS:
        assert f'id="{chart_id}"' in html
    svgs = re.findall(r'<svg class="chart[^"]*"[^>]*>', html)
    assert len(svgs) == 5 and all('role="img"' in s and "aria-labelledby" in s for s in svgs)
    assert html.count("<title id=") == 5 and html.count("<desc id=") == 5
    assert html.count("Show the numbers") == 4
    assert "Peak distraction time:" in html and "not yet a pattern" not in html


def test_the_page_shows_the_numbers_of_its_range(client, signed_in):
    add_session(signed_in, at(1, 9), 50, score=80, interruptions=[("phone", 10, 4), ("phone", 30, 2)])
    add_session(signed_in, at(1, 14), 25, score=60, interruptions=[("noise", 5, 3)])
    add_session(signed_in, at(40, 9), 25)  # outside 30 days
    html = client.get("/insights").get_data(as_text=True)
    assert 'data-stat="sessions">2<' in html and 'data-stat="interruptions">3<' in html
    assert 'data-stat="worked">1 h 15 min<' in html and 'data-stat="lost">9 min<' in html
    assert 'data-stat="effective">1 h 06 min<' in html and 'data-stat="score">70.0<' in html
    # Two sessions on one day are a start, not a pattern: no "best hour" or "costliest" yet.
    text = " ".join(html.split())
    assert "After a few more sessions (3 more, on 2 more days) this shows when you focus best" in text
    charts = " ".join(client.get("/insights/charts?range=30d").get_data(as_text=True).split())
    assert "2 sessions on 1 day so far: these charts show what happened, not yet a pattern." in charts
    assert "Peak distraction time" not in charts and "Most focused" not in charts
    assert "costs you the most" not in text and "You focus best" not in text
    assert 'data-stat="current-streak">1 day<' in html  # yesterday, while today is still empty
    all_time = client.get("/insights?range=all").get_data(as_text=True)
    assert 'data-stat="sessions">3<' in all_time and 'aria-current="true">All time' in all_time


def test_current_streak_counts_yesterday_when_today_is_empty(client, signed_in):
    for days_ago in (1, 2, 3):
        add_session(signed_in, at(days_ago, 9), 25)
    html = client.get("/insights?range=7d").get_data(as_text=True)
    assert 'data-stat="current-streak">3 days<' in html
    assert 'data-stat="longest-streak">3 days<' in html


def test_custom_dates(client, signed_in):
    add_session(signed_in, at(10, 9), 25)
    add_session(signed_in, at(3, 9), 25)
    day = (utcnow().astimezone(BERLIN).date() - timedelta(days=10)).isoformat()
    html = client.get(f"/insights?from={day}&to={day}").get_data(as_text=True)
    assert 'data-stat="sessions">1<' in html
    assert f'value="{day}"' in html and "download" in html and f"from={day}" in html


@pytest.mark.parametrize("query, message", [
    ("range=forever", "Choose 7, 30 or 90 days"),
    ("from=2026-02-01&to=2026-01-01", "on or after"),
    ("from=2026-13-01&to=2026-12-01", "YYYY-MM-DD"),
    ("from=2026-01-01", "last day"),
])
def test_bad_ranges_explain_themselves_and_fall_back_to_the_month(client, signed_in, query, message):
    add_session(signed_in, at(1, 9), 25)
    response = client.get(f"/insights?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html and 'id="range-error"' in html and "Showing the last 30 days instead" in html
    assert 'data-stat="sessions">1<' in html


def test_a_bad_date_marks_its_field(client, signed_in):
    add_session(signed_in, at(1, 9), 25)
    html = client.get("/insights?from=2026-02-01&to=2026-01-01").get_data(as_text=True)
    to_input = re.search(r'<input type="date" id="range-to"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in to_input and 'value="2026-01-01"' in to_input


def test_htmx_gets_only_the_fragment_and_history_restores_get_the_page(client, signed_in):
    add_session(signed_in, at(1, 9), 25)
    fragment = client.get("/insights?range=7d", headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert text.startswith('<div id="insights-body"') and "<html" not in text
    assert "HX-Request" in fragment.headers["Vary"]
    # A status line outside the swapped part tells screen readers what changed.
    assert '<p id="insights-status" class="visually-hidden" role="status" hx-swap-oob="true">Showing last 7 days.</p>' in text
    assert 'hx-swap-oob' not in client.get("/insights?range=7d").get_data(as_text=True)
    restore = client.get("/insights?range=7d", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.get_data(as_text=True)
    # A bad range inside the page is still swapped (htmx ignores 4xx), with its message.
    bad = client.get("/insights?range=nope", headers={"HX-Request": "true"})
    assert bad.status_code == 200 and 'id="range-error"' in bad.get_data(as_text=True)


def test_the_switch_links_swap_with_htmx_and_keep_the_url(client, signed_in):
    add_session(signed_in, at(1, 9), 25)
    html = client.get("/insights").get_data(as_text=True)
    # The links and the form inherit the target, the swap and the pushed URL from their container.
    switch = re.search(r'<div class="range-switch"[^>]*>', html).group(0)
    assert 'hx-target="#insights-body"' in switch and 'hx-push-url="true"' in switch
    assert 'hx-swap="outerHTML"' in switch
    for key in ("7d", "30d", "90d", "all"):
        link = re.search(rf'<a href="/insights\?range={key}"[^>]*>', html).group(0)
        assert f'hx-get="/insights?range={key}"' in link
    form = re.search(r'<form class="range-custom"[^>]*>', html).group(0)
    assert 'hx-get="/insights"' in form and 'method="get"' in form


def test_nothing_on_the_page_needs_inline_styles_scripts_or_fixed_light_colours(client, signed_in):
    seed_history(signed_in, 40)
    for path in ("/insights", "/insights?range=7d", "/insights?range=all", "/insights/charts?range=30d",
                 "/insights/charts?range=all"):
        html = client.get(path).get_data(as_text=True)
        assert "style=" not in html
        assert not re.search(r"<script(?![^>]*\bsrc=)", html)
        assert not re.search(r'(fill|stroke)="(#|white|rgb)', html)
        assert " on" + "click=" not in html


def test_the_page_is_drawn_in_the_users_zone(client, signed_in):
    from webapp.extensions import db
    # 07:30Z is 08:30 or 09:30 in Berlin (winter/summer) and 13:00 in Kolkata.
    add_session(signed_in, at(1, 0, zone=ZoneInfo("UTC")) + timedelta(hours=7, minutes=30), 25)
    signed_in.timezone = "Asia/Kolkata"
    db.session.commit()
    assert "Asia/Kolkata" in client.get("/insights?range=7d").get_data(as_text=True)
    charts = client.get("/insights/charts?range=7d").get_data(as_text=True)
    assert '<th scope="row">13:00</th><td>25 min</td>' in charts


# --- little data, folded zeros, the charts as a compressed fragment -------------------------------

def test_enough_sessions_on_enough_days_draw_conclusions(client, signed_in):
    for days_ago in (1, 2, 3):
        add_session(signed_in, at(days_ago, 9), 50, interruptions=[("phone", 10, 3)])
    add_session(signed_in, at(1, 14), 25)
    add_session(signed_in, at(2, 14), 25, interruptions=[("noise", 5, 1)])
    text = " ".join(client.get("/insights").get_data(as_text=True).split())
    assert "After a few more sessions" not in text
    assert "<strong>Phone</strong> costs you the most: 9 min over 3 interruptions" in text
    assert "You focus best <strong>09:00\u201310:00</strong>" in text


def test_kinds_without_interruptions_fold_into_one_line(client, signed_in):
    add_session(signed_in, at(1, 9), 50, interruptions=[("phone", 10, 3), ("self", 20, 2)])
    html = client.get("/insights/charts?range=7d").get_data(as_text=True)
    assert html.count('<li class="type-row"') == 2
    assert "None from: Family, Noise, Other, Urgent task." in html
    hours = html.split('id="chart-hours"')[1].split("</article>")[0]
    assert hours.count('<th scope="row">') == 1 and "Hours with nothing logged are left out" in hours


def test_the_page_loads_its_charts_as_a_fragment_and_works_without_script(client, signed_in):
    seed_history(signed_in, 10)
    page = client.get("/insights?range=7d").get_data(as_text=True)
    loader = re.search(r'<div class="chart-grid chart-loader"[^>]*>', page).group(0)
    assert 'hx-get="/insights/charts?range=7d"' in loader and 'hx-trigger="load"' in loader
    assert "<svg class=\"chart" not in page
    assert 'href="/insights?charts=inline&amp;range=7d"' in page  # inside <noscript>
    inline = client.get("/insights?charts=inline&range=7d").get_data(as_text=True)
    assert inline.count('<svg class="chart') == 5


def test_the_charts_fragment_is_compressed_because_it_carries_no_secret(client, signed_in):
    import brotli
    seed_history(signed_in, 30)
    response = client.get("/insights/charts?range=30d&note=%3Cscript%3Esecret-guess",
                          headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert response.headers["Cache-Control"] == "no-store"  # private, like every signed-in page
    body = brotli.decompress(response.get_data()).decode()
    assert 'id="chart-hours"' in body and len(response.get_data()) * 5 < len(body)
    # No CSRF token, no form, nothing from the request echoed back.
    assert "csrf" not in body.lower() and "<form" not in body and "secret-guess" not in body and "note=" not in body
    # The whole page, which carries the token beside reflected input, stays uncompressed.
    page = client.get("/insights?range=30d", headers={"Accept-Encoding": "gzip, br"})
    assert "Content-Encoding" not in page.headers and "csrf" in page.get_data(as_text=True).lower()


def test_a_bad_range_for_the_charts_is_a_400_that_echoes_nothing(client, signed_in):
    add_session(signed_in, at(1, 9), 25)
    response = client.get("/insights/charts?range=%3Cb%3Eforever")
    assert response.status_code == 400 and "forever" not in response.get_data(as_text=True)


def test_a_fragment_that_carries_a_csrf_token_is_never_compressed(app):
    from flask_wtf.csrf import generate_csrf

    from webapp.compression import secret_free_fragment
    with app.test_request_context("/insights/charts", headers={"Accept-Encoding": "br"}):
        assert secret_free_fragment("<p>chart</p>" * 200).headers.get("Content-Encoding") == "br"
    with app.test_request_context("/insights/charts", headers={"Accept-Encoding": "br"}):
        generate_csrf()
        assert "Content-Encoding" not in secret_free_fragment("<p>chart</p>" * 200).headers
