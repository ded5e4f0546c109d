"""realtime.apart: deep work in a short-lived greenlet, with the caller's Flask context, its result
or its exception handed back. Under gevent it needs a monkey-patched process: a child runs it."""
import subprocess
import sys
import textwrap
from pathlib import Path

from webapp import realtime

ROOT = Path(__file__).resolve().parents[2]

UNDER_GEVENT = textwrap.dedent("""
    from gevent import monkey
    monkey.patch_all()
    import json
    import greenlet
    from flask import Flask, g
    from webapp import realtime

    app = Flask("apart")
    seen = {}

    def work(a, b=0):
        seen["greenlet"] = greenlet.getcurrent()
        seen["g"] = g.marker  # the caller's app context is there
        return a + b

    def fails():
        raise LookupError("from the work")

    with app.app_context():
        g.marker = "caller's"
        result = realtime.apart(work, 2, b=3)
        try:
            realtime.apart(fails)
            raised = None
        except LookupError as error:
            raised = str(error)
    print(json.dumps({"result": result, "raised": raised, "g": seen["g"],
                      "elsewhere": seen["greenlet"] is not greenlet.getcurrent(),
                      "finished": seen["greenlet"].dead}))
""")


def test_under_gevent_the_work_runs_in_a_greenlet_of_its_own_with_the_callers_context():
    done = subprocess.run([sys.executable, "-c", UNDER_GEVENT], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == (
        '{"result": 5, "raised": "from the work", "g": "caller\'s", "elsewhere": true, "finished": true}')
    assert "Traceback" not in done.stderr  # the exception is the caller's, not reported by gevent


def test_with_real_threads_it_is_a_plain_call():
    assert realtime.apart(divmod, 7, 2) == (3, 1)
