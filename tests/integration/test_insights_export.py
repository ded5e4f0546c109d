"""CSV and JSON exports of a range, and that the same numbers come out of the API."""
import csv
import io
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from webapp.accounts.tokens import issue_token
from webapp.extensions import db
from webapp.insights.export import CSV_COLUMNS
from webapp.insights.sample import add_session, seed_history
from webapp.models import Task, utcnow

BERLIN = ZoneInfo("Europe/Berlin")


def at(days_ago: int, hour: int, minute: int = 0) -> datetime:
    day = utcnow().astimezone(BERLIN).date() - timedelta(days=days_ago)
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN).astimezone(timezone.utc)


@pytest.fixture
def signed_in(auth, make_user):
    user = make_user("ada", timezone="Europe/Berlin")
    auth.login("ada")
    return user


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_csv_has_one_row_per_session_with_its_interruptions_summarised(client, signed_in, make_user):
    first = add_session(signed_in, at(2, 9), 50, score=80,
                        interruptions=[("phone", 10, 4), ("phone", 30, 2), ("noise", 40, 1)])
    add_session(signed_in, at(1, 23, 30), 60)  # runs past midnight: one row, its full time
    add_session(make_user(), at(1, 9), 25, interruptions=[("self", 1, 1)])  # someone else's
    response = client.get("/insights/export.csv?range=7d")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="focusroom-insights-')
    rows = read_csv(response)
    assert list(rows[0]) == CSV_COLUMNS and len(rows) == 2
    row = rows[0]
    assert row["session_id"] == str(first.id)
    assert row["start"] == at(2, 9).astimezone(BERLIN).isoformat()  # local time with its offset
    assert row["start"].endswith(("+01:00", "+02:00"))
    assert (row["worked_seconds"], row["focus_score"], row["interruptions"]) == ("3000", "80", "3")
    assert (row["time_lost_seconds"], row["effective_seconds"]) == ("420", "2580")
    assert (row["interruptions_phone"], row["interruptions_noise"], row["interruptions_self"]) == ("2", "1", "0")
    assert rows[1]["worked_seconds"] == "3600" and rows[1]["interruptions"] == "0"


def test_csv_cells_cannot_run_as_formulas(client, signed_in):
    task = Task(user_id=signed_in.id, title="=HYPERLINK(\"http://x\")")
    db.session.add(task)
    db.session.commit()
    session = add_session(signed_in, at(1, 9), 25)
    session.task_id, session.note = task.id, "+1 for focus, @home"
    db.session.commit()
    row = read_csv(client.get("/insights/export.csv?range=7d"))[0]
    assert row["task"] == "'=HYPERLINK(\"http://x\")" and row["note"] == "'+1 for focus, @home"


@pytest.mark.parametrize("query", ["range=7d", "range=all", "from=2026-01-01&to=2026-01-31"])
def test_csv_content_type_names_its_charset_once(client, signed_in, query):
    add_session(signed_in, at(1, 9), 25)
    response = client.get(f"/insights/export.csv?{query}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers.getlist("Content-Type") == ["text/csv; charset=utf-8"]


def test_json_export_content_type(client, signed_in):
    assert client.get("/insights/export.json").headers["Content-Type"] == "application/json"


def test_csv_of_an_empty_range_is_just_the_header(client, signed_in):
    response = client.get("/insights/export.csv")
    assert response.get_data(as_text=True).strip() == ",".join(CSV_COLUMNS)


def test_exports_take_the_pages_range_parameters(client, signed_in):
    add_session(signed_in, at(10, 9), 25)
    add_session(signed_in, at(3, 9), 25)
    day = (utcnow().astimezone(BERLIN).date() - timedelta(days=10)).isoformat()
    assert len(read_csv(client.get(f"/insights/export.csv?from={day}&to={day}"))) == 1
    assert len(read_csv(client.get("/insights/export.csv?range=7d"))) == 1
    assert len(read_csv(client.get("/insights/export.csv?range=all"))) == 2
    document = client.get(f"/insights/export.json?from={day}&to={day}").get_json()
    assert document["range"] == {"key": "custom", "from": day, "to": day, "days": 1, "timezone": "Europe/Berlin"}
    assert len(document["sessions"]) == 1


@pytest.mark.parametrize("path", ["/insights/export.csv", "/insights/export.json"])
@pytest.mark.parametrize("query", ["range=soon", "from=2026-02-01&to=2026-01-01", "from=2026-01-01"])
def test_exports_refuse_bad_ranges(client, signed_in, path, query):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400


def test_json_holds_sessions_interruptions_and_the_stats(client, signed_in):
    add_session(signed_in, at(1, 9), 50, score=80, interruptions=[("phone", 10, 4)])
    response = client.get("/insights/export.json?range=7d")
    assert response.headers["Content-Disposition"].endswith('.json"')
    document = response.get_json()
    assert set(document) == {"range", "stats", "sessions", "interruptions"}
    assert document["sessions"][0]["worked_seconds"] == 3000
    assert document["interruptions"][0]["type"] == "phone"
    assert document["interruptions"][0]["duration_seconds"] == 240
    stats = document["stats"]
    assert stats["summary"]["total_time_lost_seconds"] == 240
    assert stats["summary"]["average_focus_score"] == 80.0
    assert stats["peak_distraction_time"]["peak_hour"] == 9
    assert len(stats["daily"]) == 7 and len(stats["heatmap"]) == 7


def test_the_same_numbers_come_out_of_the_page_export_and_the_api(client, signed_in):
    seed_history(signed_in, 45)
    _, raw = issue_token(signed_in)
    headers = {"Authorization": f"Bearer {raw}"}
    stats = client.get("/insights/export.json?range=30d").get_json()["stats"]
    api_summary = client.get("/api/v1/stats/summary?range=30d", headers=headers).get_json()
    assert {key: stats["summary"][key] for key in api_summary} == api_summary
    api_types = client.get("/api/v1/stats/interruption-types?range=30d", headers=headers).get_json()
    assert api_types["counts"] == stats["interruption_types"]["counts"]
    api_hours = client.get("/api/v1/stats/productive-hours?range=30d", headers=headers).get_json()
    assert api_hours == stats["productive_hours"]
    api_peak = client.get("/api/v1/stats/peak-distraction-time?range=30d", headers=headers).get_json()
    assert api_peak == stats["peak_distraction_time"]
    api_week = client.get("/api/v1/stats/weekly-pattern?range=30d", headers=headers).get_json()
    assert api_week == stats["weekly_pattern"]
    rows = read_csv(client.get("/insights/export.csv?range=30d"))
    assert len(rows) == api_summary["total_sessions"]
    assert sum(int(r["worked_seconds"]) for r in rows) == api_summary["total_time_worked_seconds"]
    html = client.get("/insights?range=30d").get_data(as_text=True)
    assert f'data-stat="sessions">{api_summary["total_sessions"]}<' in html
