// The solo timer's phase rule, for a page that must run its countdown without the server (offline,
// or while the room socket reconnects). A mirror of webapp/rules/timer.py `advance` and the words
// of webapp/rules/solo.py; pure: nothing here reads the clock or the page. The cases in
// tests/fixtures/timer_phases.json are passed by both (tests/unit/test_timer_phase_fixtures.py runs
// the Python rules, tests/browser/test_offline_log_browser.py this file), so the two cannot drift.
//
// A state is {status, phase, round, ends_at_ms (running only), remaining_ms}; a config is
// {work_seconds, short_break_seconds, long_break_seconds, long_break_every, rounds (null: until
// stopped), auto_start_breaks, auto_start_work}.
(function (root) {
  "use strict";

  function phaseMs(cfg, phase) {
    return 1000 * {work: cfg.work_seconds, short_break: cfg.short_break_seconds,
                   long_break: cfg.long_break_seconds}[phase];
  }

  // The phase after the current one, or null once the last focus is over.
  function nextPhase(state, cfg) {
    if (state.phase !== "work") return "work";
    if (cfg.rounds && state.round >= cfg.rounds) return null;
    return state.round % cfg.long_break_every === 0 ? "long_break" : "short_break";
  }

  // Every phase whose deadline is at or before nowMs ends at its own deadline; the next one starts
  // at that same deadline when its auto-start rule is on, else it waits (idle, full length). So a
  // page that slept through several phases catches up to exactly where the clock says.
  function advance(state, cfg, nowMs) {
    var ended = [];
    while (state.status === "running" && state.ends_at_ms <= nowMs) {
      var at = state.ends_at_ms, next = nextPhase(state, cfg);
      ended.push({at_ms: at, ended_phase: state.phase, ended_round: state.round, next_phase: next});
      if (next === null) {
        state = {status: "completed", phase: state.phase, round: state.round, ends_at_ms: null, remaining_ms: 0};
        break;
      }
      var length = phaseMs(cfg, next), runs = next === "work" ? cfg.auto_start_work : cfg.auto_start_breaks;
      state = {status: runs ? "running" : "idle", phase: next,
               round: next === "work" ? state.round + 1 : state.round,
               ends_at_ms: runs ? at + length : null, remaining_ms: length};
    }
    return {state: state, ended: ended};
  }

  function focusWords(round, rounds) {
    return rounds ? "Focus " + round + " of " + rounds : "Focus " + round;
  }

  function phaseWords(status, phase, round, rounds) {
    if (status === "completed") {
      var done = rounds ? Math.min(round, rounds) : round;
      if (done <= 1) return "Focus done";
      return done === 2 ? "Both focuses done" : "All " + done + " focuses done";
    }
    if (phase === "work") return focusWords(round, rounds);
    var name = phase === "long_break" ? "Long break" : "Short break";
    return name + " · next: " + focusWords(round + 1, rounds).toLowerCase();
  }

  function headline(status, phase, round, rounds) {
    if (status === "completed") return "Well done. How did it go?";
    if (status === "idle") {
      if (phase === "work") return "Break over. Start " + focusWords(round, rounds).toLowerCase() + " when you are ready.";
      return "Focus done. Start your break when you are ready.";
    }
    if (status === "paused") return "Paused: the countdown waits for you.";
    return phase === "work" ? "Focus time" : "Break: step away from the screen";
  }

  root.FocusroomPhases = {advance: advance, nextPhase: nextPhase, phaseMs: phaseMs,
                          phaseWords: phaseWords, headline: headline};
})(window);
