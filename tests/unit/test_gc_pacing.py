"""The ticking process runs full garbage collections itself, at a moment it picks."""
import gc

from webapp.gc_pacing import FullCollections


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_automatic_full_collections_are_off_while_the_ticker_runs_and_back_after():
    before = gc.get_threshold()
    pacing = FullCollections()
    pacing.take_over()
    try:
        assert gc.get_threshold()[:2] == before[:2]  # young generations as they were
        assert gc.get_threshold()[2] > 1_000_000
    finally:
        pacing.hand_back()
    assert gc.get_threshold() == before


def test_a_full_collection_runs_once_per_interval_and_frees_cycles():
    clock = Clock()
    pacing = FullCollections(every=30, clock=clock)
    pacing.take_over()
    try:
        assert pacing.collect_if_due() is None  # not yet
        cycle = []
        cycle.append(cycle)
        del cycle
        clock.now += 30
        assert pacing.collect_if_due() >= 1
        clock.now += 29
        assert pacing.collect_if_due() is None
    finally:
        pacing.hand_back()


def test_a_process_that_never_took_over_never_collects_on_its_own_account():
    clock = Clock()
    pacing = FullCollections(every=1, clock=clock)
    clock.now += 5
    assert not pacing.due() and pacing.collect_if_due() is None


def test_several_tickers_in_one_process_restore_the_thresholds_whatever_the_order():
    before = gc.get_threshold()
    first, second = FullCollections(), FullCollections()
    first.take_over()
    second.take_over()
    first.hand_back()
    assert gc.get_threshold()[2] > 1_000_000  # the second still runs its own collections
    second.hand_back()
    second.hand_back()  # twice is harmless
    assert gc.get_threshold() == before
