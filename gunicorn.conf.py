"""gunicorn settings shared by the Procfile's `web` and `make run`."""
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '5000')}"
worker_class = "gevent"
# One worker: the live rooms hub and the ticker live in this process until the Redis
# broker and the separate clock process land (see README, "Scaling out").
workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
# Every open WebSocket holds one gevent connection; past this limit new sockets and
# plain HTTP requests hang, so size it for the rooms we expect (default 1000 is too low).
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", "4000"))
timeout = 60
graceful_timeout = 10
control_socket_disable = True  # gunicorn 27 otherwise creates ~/.gunicorn/
accesslog = "-"


def post_worker_init(worker):
    # Everything loaded so far (Flask, SQLAlchemy, templates...) lives as long as the worker: move
    # it out of the garbage collector's reach. A full collection otherwise walks all of it and,
    # under gevent, stops every socket meanwhile (bench/fanout.py saw 100-260 ms pauses at 1,000
    # connections, each delaying a second's time updates for everyone).
    import gc
    gc.collect()
    gc.freeze()
