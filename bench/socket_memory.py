"""Where does an open room socket's memory go? (not a test; no timing, so any machine load will do)

    python -m bench.socket_memory [--clients 1000] [--settle 10] [--top 25]

Starts the real gunicorn (gunicorn.conf.py plus a dump greenlet in the worker), connects
`--clients` room sockets in rooms of 4 (bench/fanout.py's data and thin clients), then, inside the
worker: counts `gc.get_objects()` by type and by referrer chain (objects made after the worker's
gc.freeze(), i.e. mostly per-socket ones), sums the untracked objects they hold (str, bytes...),
and reads each greenlet's saved C stack (`_stack_saved`) grouped by where it waits. What this
cannot see: the pages of each greenlet's Python frame stack (see realtime.apart) and malloc's
own overhead; the RSS figure includes them. The last line printed is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.fanout import CLIENT_CODE, ROOT, SECRET_KEY, free_port, prepare_database, rss_kib, worker_pid

PROBE_CONFIG = '''
import os as _os
exec(open(_os.path.join(_os.getcwd(), "gunicorn.conf.py")).read())
_post_worker_init = post_worker_init


def post_worker_init(worker):
    _post_worker_init(worker)
    import gevent
    from bench.socket_memory import dump_when_asked
    gevent.spawn(dump_when_asked, _os.environ["SOCKET_MEMORY_DIR"])
'''


def dump_when_asked(directory: str) -> None:
    """In the worker: when `ask` appears in `directory`, write the breakdown to `<pid>.json`."""
    import gevent
    ask = Path(directory) / "ask"
    while True:
        gevent.sleep(0.5)
        if ask.exists():
            ask.unlink()
            (Path(directory) / f"{os.getpid()}.json").write_text(json.dumps(breakdown()))


def breakdown() -> dict:
    import collections
    import gc

    import greenlet

    objects = gc.get_objects()
    counts, sizes = collections.Counter(), collections.Counter()
    parent, untracked, seen = {}, collections.Counter(), set()
    stacks, waiting = collections.Counter(), collections.Counter()
    for o in objects:
        name = f"{type(o).__module__}.{type(o).__qualname__}"
        counts[name] += 1
        sizes[name] += sys.getsizeof(o)
        for r in gc.get_referents(o):
            if gc.is_tracked(r):
                parent.setdefault(id(r), o)
            elif id(r) not in seen:
                seen.add(id(r))
                untracked[type(r).__name__] += sys.getsizeof(r)
        if isinstance(o, greenlet.greenlet):
            frame, where = o.gr_frame, []
            while frame is not None and len(where) < 5:
                where.append(frame.f_code.co_name)
                frame = frame.f_back
            stacks[" < ".join(where)] += o._stack_saved
            waiting[" < ".join(where)] += 1

    def describe(o) -> str:
        kind = type(o).__name__
        if kind == "frame":
            return f"frame:{o.f_code.co_name}"
        if kind in ("function", "method"):
            return f"{kind}:{getattr(o, '__qualname__', '?')}"
        return f"{type(o).__module__}.{type(o).__qualname__}"

    chains = collections.Counter()
    for o in objects:
        first = parent.get(id(o))
        second = parent.get(id(first)) if first is not None else None
        chains[" <- ".join([describe(o), describe(first) if first is not None else "-",
                            describe(second) if second is not None else "-"])] += 1
    return {"types": [(name, n, sizes[name]) for name, n in counts.most_common(60)],
            "chains": chains.most_common(80), "untracked": untracked.most_common(10),
            "stacks": [(where, waiting[where], total) for where, total in stacks.most_common(10)]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--settle", type=float, default=10.0)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="socket-memory-"))
    config = work / "probe.conf.py"
    config.write_text(PROBE_CONFIG)
    database_url, targets = prepare_database(work, args.clients, 4)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET_KEY, "RUN_TICKER": "1",
           "WEB_CONCURRENCY": "1", "WORKER_CONNECTIONS": "5000", "SOCKET_MEMORY_DIR": str(work),
           "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", str(config), "--bind",
                               f"127.0.0.1:{port}", "--access-logfile", "/dev/null", "wsgi:app"],
                              cwd=ROOT, env=env, stdout=open(work / "server.log", "w"), stderr=subprocess.STDOUT,
                              start_new_session=True)
    clients = []
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        time.sleep(1)
        worker = worker_pid(server.pid)
        idle = rss_kib(worker)
        urls = [(f"ws://127.0.0.1:{port}{path}", cookie) for path, cookie in targets]
        for share in (urls[0::2], urls[1::2]):
            client = subprocess.Popen([sys.executable, "-c", CLIENT_CODE], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True)
            client.stdin.write(json.dumps(share) + "\n")
            client.stdin.flush()
            clients.append(client)
        connected = sum(json.loads(client.stdout.readline())["connected"] for client in clients)
        time.sleep(args.settle)
        rss = rss_kib(worker)
        (work / "ask").touch()
        answer = work / f"{worker}.json"
        while not answer.exists():
            time.sleep(0.2)
        time.sleep(0.5)
        found = json.loads(answer.read_text())
    finally:
        for client in clients:
            client.kill()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    per = max(1, connected)
    for name, n, size in found["types"][:args.top]:
        print(f"{n / per:7.2f}/socket {size / per:7.0f} B/socket  {name}")
    for chain, n in found["chains"]:
        if n >= 0.9 * per:
            print(f"{n / per:7.2f}/socket  {chain}")
    print("untracked (bytes in all):", found["untracked"])
    for where, n, total in found["stacks"]:
        print(f"{n:6d} greenlets, saved C stack {total / max(1, n):7.0f} B each: {where}")
    print(json.dumps({"clients": args.clients, "connected": connected, "rss_idle_kib": idle, "rss_kib": rss,
                      "rss_kib_per_socket": round((rss - idle) / per, 1), "load_average": os.getloadavg()[0]}))


if __name__ == "__main__":
    main()
