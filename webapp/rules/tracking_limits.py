"""A room's tracking settings: defaults and bounds (seconds). Rooms' forms validate with these;
tracking's tick relies on the lower bounds (tracking/ticking.py)."""
DEFAULT_IDLE_THRESHOLD_SECONDS = 15
MIN_IDLE_THRESHOLD_SECONDS = 10
MAX_IDLE_THRESHOLD_SECONDS = 300
# Strict mode's grace window: how long someone may stay away before the phase fails for them.
DEFAULT_GRACE_SECONDS = 30
MIN_GRACE_SECONDS = 10
MAX_GRACE_SECONDS = 600
