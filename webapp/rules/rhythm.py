"""A room's rhythm in words, as people say it: "25 min focus · 5 min breaks · 15 min long break every 4"."""


def rhythm_words(work_minutes: int, short_break_minutes: int, long_break_minutes: int,
                 long_break_every: int | None) -> str:
    parts = [f"{work_minutes} min focus"]
    if short_break_minutes:
        parts.append(f"{short_break_minutes} min breaks")
    if long_break_minutes and long_break_every:
        parts.append(f"{long_break_minutes} min long break every {long_break_every}")
    return " · ".join(parts)


def room_rhythm(room) -> str:
    return rhythm_words(room.work_minutes, room.short_break_minutes, room.long_break_minutes,
                        room.long_break_every)
