"""`GET /metrics`: Prometheus text format, for whoever runs Focusroom.

Counters and histograms are recorded where things happen (sockets, publishes, ticks, requests).
Under gunicorn with several workers, gunicorn.conf.py sets PROMETHEUS_MULTIPROC_DIR (wiped at
each start, a dead worker's files marked dead in `child_exit`), and a scrape adds up every
process's files; without it (the single-process default) the process's own registry is read.
What the database knows (rooms running, people focusing) is counted at scrape time, so it is
right whichever process ticks, on whichever host.

Access: with METRICS_TOKEN set, `Authorization: Bearer <token>` is required; without it only
the loopback address may read it.
"""
from __future__ import annotations

import hmac
import os
import time

from flask import Flask, Response, current_app, g, request

from prometheus_client import (CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Gauge, Histogram,
                               generate_latest, multiprocess)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    # Values live in files there from the moment the metrics below exist; a process started
    # apart from gunicorn (the clock) may come first.
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

OPEN_SOCKETS = Gauge("focusroom_open_sockets", "Room WebSockets open in this process",
                     multiprocess_mode="livesum")
MESSAGES_PUBLISHED = Counter("focusroom_messages_published", "Fragments published to the live channel")
TICK_SECONDS = Histogram("focusroom_tick_seconds", "Duration of one tick (phases, tracking, lists)",
                         buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5))
REQUEST_SECONDS = Histogram("focusroom_request_seconds", "HTTP request latency by endpoint",
                            ["endpoint", "method"],
                            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0))
LOOPBACK = ("127.0.0.1", "::1")
UNTIMED_ENDPOINTS = {"rooms.socket"}  # a socket's "request" lasts as long as the page is open


def init_app(app: Flask) -> None:
    app.before_request(_start_timer)
    app.teardown_request(_observe_latency)
    app.add_url_rule("/metrics", "metrics", metrics_view)


def metrics_view():
    refusal = _refusal()
    if refusal is not None:
        return refusal
    body = generate_latest(_process_registry()) + generate_latest(_database_registry())
    return Response(body, headers={"Content-Type": CONTENT_TYPE_LATEST, "Cache-Control": "no-store"})


def _refusal() -> Response | None:
    token = current_app.config.get("METRICS_TOKEN")
    if token:
        given = request.headers.get("Authorization", "")
        if hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return None
        return Response("Send Authorization: Bearer <METRICS_TOKEN>.\n", 401, mimetype="text/plain",
                        headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    if request.remote_addr in LOOPBACK:
        return None
    return Response("Metrics are served to the loopback address only; set METRICS_TOKEN to read "
                    "them from elsewhere.\n", 403, mimetype="text/plain")


def _process_registry():
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


class _DatabaseCollector:
    def collect(self):
        from .extensions import db
        from .models import Participant, Room
        from .rules.timer import RUNNING, WORK
        running = Room.status == RUNNING
        live = Room.archived_at.is_(None)
        try:
            rooms = db.session.scalar(select(func.count(Room.id)).where(running, live, Room.is_solo.is_(False)))
            focusing = db.session.scalar(
                select(func.count(Participant.id)).join(Room, Room.id == Participant.room_id)
                .where(running, live, Room.phase == WORK, Participant.connections > 0,
                       Participant.is_paused.is_(False)))
        finally:
            db.session.rollback()
        yield GaugeMetricFamily("focusroom_rooms_running", "Shared rooms whose timer is running", value=rooms or 0)
        yield GaugeMetricFamily("focusroom_participants_focusing",
                                "People connected to a room in a running work phase (solo included)",
                                value=focusing or 0)


def _database_registry() -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_DatabaseCollector())
    return registry


def _start_timer() -> None:
    g.metrics_started = time.perf_counter()


def _observe_latency(error=None) -> None:
    started = g.pop("metrics_started", None)
    endpoint = request.endpoint or "unmatched"
    if started is None or endpoint in UNTIMED_ENDPOINTS:
        return
    REQUEST_SECONDS.labels(endpoint, request.method).observe(time.perf_counter() - started)
