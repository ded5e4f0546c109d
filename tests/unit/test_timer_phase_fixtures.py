"""The solo timer's phase rule, case by case from tests/fixtures/timer_phases.json: the server's rules
(rules/timer.py advance, rules/solo.py words) pass them here; static/js/phases.js, which runs the
countdown on a page without the server, passes the same cases in the offline browser test."""
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from webapp.rules import solo
from webapp.rules.timer import RUNNING, TimerConfig, TimerState, advance

CASES = json.loads((Path(__file__).parents[1] / "fixtures" / "timer_phases.json").read_text())["cases"]
T0 = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)


def at(seconds):
    return None if seconds is None else T0 + timedelta(seconds=seconds)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_the_server_rules_pass_every_shared_case(case):
    cfg = TimerConfig(**case["config"])
    given = case["state"]
    state = TimerState(status=given["status"], phase=given["phase"], round=given["round"],
                       phase_ends_at=at(given["ends_at"]), remaining_seconds=float(given["remaining"]),
                       work_phases_done=0)
    state, transitions = advance(state, cfg, at(case["now"]))
    expected = case["expected"]
    assert (state.status, state.phase, state.round, state.phase_ends_at) == (
        expected["status"], expected["phase"], expected["round"], at(expected["ends_at"]))
    if state.status != RUNNING:
        assert state.remaining_seconds == expected["remaining"]
    assert len(transitions) == expected["ended"]
    rounds = case["config"]["rounds"]
    assert solo.phase_words(state.status, state.phase, state.round, rounds) == expected["phase_words"]
    assert solo.headline(state.status, state.phase, state.round, rounds) == expected["headline"]
