"""The limits of the focus log, in one place (the forms and the API read them from here)."""
from datetime import datetime, timedelta, timezone

from ...rules import late_start

DEFAULT_TARGET_MINUTES = 25
MIN_TARGET_MINUTES = 1
MAX_TARGET_MINUTES = 180  # as long as a room's work phase may be (rooms/forms.py)
# A hand-entered session longer than a day is almost certainly a typo in a date.
MAX_SESSION = timedelta(hours=24)
# Clients' clocks run a little ahead; "now" from a script may be up to this far in our future
# (the timer's late starts take the same slack: one home, rules/late_start.py).
CLOCK_SLACK = late_start.CLOCK_SLACK
# The window of times that can be stored (every create/update path checks it: check_window).
# Nothing in a focus log goes back further; older times are typos (0001 for 2001).
EARLIEST_TIME = datetime(2000, 1, 1, tzinfo=timezone.utc)
LATEST_AHEAD = timedelta(days=1)
MAX_NOTE_LENGTH = 2000
MAX_DESCRIPTION_LENGTH = 500
MAX_TASK_TITLE_LENGTH = 200
MIN_POMODOROS, MAX_POMODOROS = 1, 50
# A tab hidden this long during a work phase becomes a "detected" interruption (see tracking).
DETECTED_AFTER = timedelta(seconds=60)
HISTORY_PAGE_SIZE = 8  # with days grouped, a page is a day or two: light on a phone network
API_LIST_LIMIT, API_MAX_LIST_LIMIT = 100, 500
