from webapp.rules.rhythm import rhythm_words


def test_the_rhythm_reads_as_people_say_it():
    assert rhythm_words(25, 5, 15, 4) == "25 min focus · 5 min breaks · 15 min long break every 4"


def test_parts_that_do_not_happen_are_left_out():
    assert rhythm_words(50, 0, 0, 4) == "50 min focus"
    assert rhythm_words(30, 5, 15, None) == "30 min focus · 5 min breaks"
