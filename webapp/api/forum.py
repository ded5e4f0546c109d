"""JSON API for the community forum (filled below)."""
