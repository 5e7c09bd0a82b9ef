import pytest

from workbook.data.fips import kind_of_key, looks_like_key, normalize_key
from workbook.errors import ParameterError


@pytest.mark.parametrize(
    ("value", "key"),
    [
        (1001, "01001"),  # what papermill -p makes of 01001
        ("01001", "01001"),
        ("1001", "01001"),
        (6037, "06037"),
        (" 06037 ", "06037"),
        (4260000, "4260000"),
        (644000, "0644000"),  # Los Angeles city after losing its zero
        ("0644000", "0644000"),
        (1001.0, "01001"),
    ],
)
def test_keys_are_zero_padded_strings(value, key):
    assert normalize_key(value) == key


def test_kind_follows_length():
    assert kind_of_key("01001") == "county"
    assert kind_of_key("0644000") == "place"


@pytest.mark.parametrize("value", ["06O37", "-6037", "12345678", 0, -5, True, 3.5, None, [1]])
def test_bad_keys_name_the_parameter(value):
    with pytest.raises(ParameterError) as info:
        normalize_key(value, parameter="peers")
    assert "parameter 'peers'" in str(info.value)


def test_looks_like_key():
    assert looks_like_key(1001) and looks_like_key("01001")
    assert not looks_like_key("Cook County") and not looks_like_key(True)
