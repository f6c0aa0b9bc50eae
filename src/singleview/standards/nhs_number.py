"""NHS number checks (NHS Data Dictionary: ten digits, the last a Modulus 11 check digit)."""

from __future__ import annotations

import re

NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
_SEPARATORS = re.compile(r"[\s-]")


def nhs_check_digit(first_nine: str) -> int | None:
    """The Modulus 11 check digit for nine digits, or None when no valid digit exists (10)."""
    weights = range(10, 1, -1)
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, weights, strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def normalise_nhs_number(raw: str) -> str:
    """Strip the spaces and hyphens people type; raise ValueError naming what is wrong."""
    digits = _SEPARATORS.sub("", raw)
    if not digits.isdigit() or not digits.isascii():
        raise ValueError(f"NHS number {raw!r} must contain only digits")
    if len(digits) != 10:
        raise ValueError(f"NHS number {raw!r} must have 10 digits, not {len(digits)}")
    if nhs_check_digit(digits[:9]) != int(digits[9]):
        raise ValueError(f"NHS number {raw!r} fails the Modulus 11 check")
    return digits


def is_valid_nhs_number(raw: str) -> bool:
    """True when ``raw`` is a well-formed NHS number with a correct check digit."""
    try:
        normalise_nhs_number(raw)
    except ValueError:
        return False
    return True
