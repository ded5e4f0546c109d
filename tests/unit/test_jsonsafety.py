"""Client JSON: deep nesting, lone surrogates and NaN are refused with a message, never a crash."""
import pytest

from webapp.jsonsafety import MAX_DEPTH, UnsafeJSON, loads


@pytest.mark.parametrize("text, words", [
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"a":' * 50_000 + "1" + "}" * 50_000, "nested too deeply"),
    ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "nested too deeply"),
    ('{"note": "\\ud800"}', "lone surrogate"),
    ('{"\\udfff": 1}', "lone surrogate"),
    ('["a", ["b\\ud83d"]]', "lone surrogate"),
    ('{"a": NaN}', "not a JSON number"),
    ("[Infinity]", "not a JSON number"),
])
def test_unacceptable_json_is_refused_with_a_reason(text, words):
    with pytest.raises(UnsafeJSON, match=words):
        loads(text)


def test_malformed_json_is_a_plain_value_error():
    with pytest.raises(ValueError) as raised:
        loads("{not json")
    assert not isinstance(raised.value, UnsafeJSON)


def test_ordinary_json_and_surrogate_pairs_pass():
    assert loads('{"note": "\\ud83d\\ude00", "n": [1, {"x": null}]}') == {"note": "😀", "n": [1, {"x": None}]}
    assert loads("[" * MAX_DEPTH + "]" * MAX_DEPTH)
