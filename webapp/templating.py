"""Template globals and filters: navigation, durations, times in the viewer's zone."""
from datetime import datetime

from flask import Flask, request, url_for
from flask_login import current_user

from .accounts.timezones import zone_of
from .rules import daily
from .rules.durations import format_duration, whole_minutes
from .rules.review import SCORE_LEVEL_LABELS, score_level
from .rules.session_status import STATUS_LABELS

__all__ = ["format_duration", "format_clock", "local_time", "browser_summary", "init_app"]

# (label, endpoint): shown only once the endpoint exists, so the bar lists real features.
NAVIGATION = [  # on a phone the row scrolls: what must stay in sight (Messages' badge) comes first
    ("Today", "today.page"),
    ("Focus", "focus.index"),
    ("Rooms", "rooms.directory"),
    ("Messages", "messages.index"),
    ("History", "focus.history"),
    ("Insights", "insights.page"),
    ("Community", "community.index"),
]  # the leaderboard and achievements are a click away on Today, Insights and profiles
SIGNED_IN_ONLY = {"today.page", "messages.index"}


def format_clock(seconds: float | int | None) -> str:
    """mm:ss (or h:mm:ss) for countdowns."""
    seconds = max(0, int(round(seconds or 0)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def room_rhythm(room) -> str:
    """A room's timer settings in words (rules/daily.rhythm; a solo room counts focuses, not rounds)."""
    if getattr(room, "is_solo", False):
        from .rules import solo
        return solo.rhythm(room)
    return daily.rhythm(room.work_minutes, room.short_break_minutes, room.long_break_minutes,
                        room.long_break_every, room.rounds)


def now_local(fmt: str = "%A %d %B") -> str:
    from .models import utcnow
    return local_time(utcnow(), fmt)


def local_time(moment: datetime | None, fmt: str = "%a %d %b %Y, %H:%M") -> str:
    if moment is None:
        return ""
    zone = zone_of(current_user.timezone if current_user.is_authenticated else "UTC")
    try:
        return moment.astimezone(zone).strftime(fmt)
    except OverflowError:  # a time stored at the very ends of the calendar: shown in UTC
        return moment.strftime(fmt)


_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
             ("Chromium/", "Chromium"), ("Safari/", "Safari"))
_SYSTEMS = (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def browser_summary(user_agent: str | None) -> str:
    """'Chrome on Linux' from a user-agent string: enough to recognise one's own devices."""
    user_agent = user_agent or ""
    browser = next((name for marker, name in _BROWSERS if marker in user_agent), "A browser")
    system = next((name for marker, name in _SYSTEMS if marker in user_agent), None)
    return f"{browser} on {system}" if system else browser


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(duration=format_duration, minutes=whole_minutes, clock=format_clock,
                                 local_time=local_time, browser_summary=browser_summary,
                                 status_label=status_label, rhythm=room_rhythm,
                                 minutes_label=daily.minutes_label, score_level=score_level)
    app.jinja_env.globals["now_local"] = now_local
    app.jinja_env.globals["score_words"] = SCORE_LEVEL_LABELS
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.after_request
    def _vary_on_htmx(response):
        """A URL answers a page or (to htmx) a fragment; caches must keep the two apart, or Back
        after a search shows the bare fragment the browser cached under the same URL."""
        response.vary.update(("HX-Request", "HX-Target"))
        return response

    @app.context_processor
    def _navigation():
        links = []
        for label, endpoint in NAVIGATION:
            if endpoint in SIGNED_IN_ONLY and not current_user.is_authenticated:
                continue  # a visitor's home is the home page
            if endpoint in app.view_functions:
                links.append((label, url_for(endpoint), request.endpoint == endpoint))
        return {"nav_links": links}
