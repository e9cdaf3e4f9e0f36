import pytest

from rules.uscc import check_character, is_valid, problem


def test_worked_examples_from_the_standard():
    assert is_valid("914403001922038216")
    assert not is_valid("914403001922038217")
    assert check_character("91350100M000100Y4") == "3"
    assert not is_valid("91350100M000100Y4Z")
    assert is_valid("91350100M000100Y43")


@pytest.mark.parametrize("code", ["9144030019220382", "91440300192203821600", "9144030O1922038216"])
def test_malformed_codes_are_reported(code):
    assert problem(code) is not None


def test_grouped_writing_is_accepted():
    assert is_valid("9144 0300 1922 0382 16")
