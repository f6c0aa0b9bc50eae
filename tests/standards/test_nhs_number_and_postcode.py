"""NHS number (Modulus 11) and UK postcode checks against known good and bad values."""

from __future__ import annotations

import pytest

from singleview.standards.nhs_number import (
    is_valid_nhs_number,
    nhs_check_digit,
    normalise_nhs_number,
)
from singleview.standards.postcode import normalise_postcode, parse_postcode


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("9434765919", "9434765919"),  # the profile's example
        ("943 476 5919", "9434765919"),
        ("943-476-5919", "9434765919"),
        ("4010232137", "4010232137"),  # NHS Digital's published test number
        ("9000000009", "9000000009"),
    ],
)
def test_valid_nhs_numbers_normalise(raw: str, normalised: str) -> None:
    assert normalise_nhs_number(raw) == normalised
    assert is_valid_nhs_number(raw)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("9434765918", "fails the Modulus 11 check"),
        ("943476591", "must have 10 digits, not 9"),
        ("94347659190", "must have 10 digits, not 11"),
        ("94347659l9", "must contain only digits"),
        ("１２３４５６７８９０", "must contain only digits"),  # full-width digits are not ASCII
        ("1000000010", "fails the Modulus 11 check"),  # check digit would be 10: never issued
    ],
)
def test_invalid_nhs_numbers_say_why(raw: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        normalise_nhs_number(raw)
    assert not is_valid_nhs_number(raw)


def test_check_digit_of_ten_means_no_valid_number() -> None:
    assert nhs_check_digit("100000001") is None
    assert nhs_check_digit("943476591") == 9
    assert nhs_check_digit("400000000") == 4  # 4 x 10 = 40; 40 mod 11 = 7; 11 - 7 = 4


@pytest.mark.parametrize(
    ("raw", "full", "sector", "area"),
    [
        ("SW1A 1AA", "SW1A 1AA", "SW1A 1", "SW"),
        ("sw1a1aa", "SW1A 1AA", "SW1A 1", "SW"),
        ("  m1 1ae ", "M1 1AE", "M1 1", "M"),
        ("B338TH", "B33 8TH", "B33 8", "B"),
        ("CR2 6XH", "CR2 6XH", "CR2 6", "CR"),
        ("DN55 1PT", "DN55 1PT", "DN55 1", "DN"),
        ("W1A 0AX", "W1A 0AX", "W1A 0", "W"),
        ("EC1A 1BB", "EC1A 1BB", "EC1A 1", "EC"),
        ("GIR 0AA", "GIR 0AA", "GIR 0", "GIR"),
    ],
)
def test_valid_postcodes_normalise_and_split(raw: str, full: str, sector: str, area: str) -> None:
    postcode = parse_postcode(raw)
    assert postcode.full == normalise_postcode(raw) == full
    assert postcode.sector == sector
    assert postcode.area == area


@pytest.mark.parametrize(
    "raw",
    [
        "AB12 3CD",  # C never appears in the inward code
        "QA1 1AA",  # Q never starts a postcode
        "SW1A1A",  # inward code too short
        "SW1A 1AAA",
        "12345",
        "",
        "V1 1AA",  # V never starts a postcode
        "SW1A 1IA",  # I never appears in the inward code
    ],
)
def test_invalid_postcodes_are_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="is not a valid UK postcode"):
        parse_postcode(raw)
