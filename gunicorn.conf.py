"""gunicorn settings shared by the Procfile's `web` and `make run`."""
import os
import shutil
import tempfile

bind = f"0.0.0.0:{os.environ.get('PORT', '5000')}"
worker_class = "gevent"
# One worker by default (`make run`: hub and ticker in this one process). Several workers, or
# several hosts, need REDIS_URL (the hub through Redis) and, ideally, the clock process; see
# README "Running at scale".
workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
# Every open WebSocket holds one gevent connection; past this limit new sockets and
# plain HTTP requests hang, so size it for the rooms we expect (default 1000 is too low).
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", "4000"))
# gevent's Greenlet records who spawned it and that spawner's stack (frames summarised into
# objects) for each greenlet, one per open socket here, for its whole life; nothing here reads
# it. Off before the worker's hub exists (the worker inherits the environment): RSS per socket.
os.environ.setdefault("GEVENT_TRACK_GREENLET_TREE", "false")
timeout = 60
graceful_timeout = 10
control_socket_disable = True  # gunicorn 27 otherwise creates ~/.gunicorn/
accesslog = "-"

# /metrics adds up every worker's figures through files in this directory (prometheus_client's
# multiprocess mode). Set here, in the master, so every worker inherits it before it imports
# prometheus_client; one worker needs none.
if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = os.path.join(tempfile.gettempdir(), f"focusroom-metrics-{bind.rsplit(':', 1)[-1]}")


def on_starting(server):
    # Figures of an earlier run would be added to this one's: start from an empty directory.
    # (The master records no metrics itself: it never imports the app.)
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess
        multiprocess.mark_process_dead(worker.pid)  # its open-socket gauge stops counting


def worker_exit(server, worker):
    # Under gevent a room socket closing only queues its departure (webapp/rooms/departures.py),
    # and a quick shutdown ends sockets before they queue anything: count out what is queued and
    # what this process still has on record before it goes, so a restart does not leave people
    # "connected" until the presence expiry counts the dead process's sockets out.
    app = getattr(worker, "wsgi", None)
    if app is not None and hasattr(app, "extensions"):
        from webapp.rooms import departures
        departures.at_exit(app)


def post_worker_init(worker):
    # Everything loaded so far (Flask, SQLAlchemy, templates...) lives as long as the worker: move
    # it out of the garbage collector's reach. A full collection otherwise walks all of it and,
    # under gevent, stops every socket meanwhile (bench/fanout.py saw 100-260 ms pauses at 1,000
    # connections, each delaying a second's time updates for everyone).
    import gc
    gc.collect()
    gc.freeze()
