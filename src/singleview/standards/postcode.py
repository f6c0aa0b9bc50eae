"""UK postcodes: normalise what people type and split into area, district, sector and unit.

Follows the format rules in BS 7666 / the Royal Mail PAF: an outward code of 2 to 4 characters
(area letters + district) and an inward code of a digit and two letters, plus the special
GIR 0AA. Letters that never appear in given positions (e.g. C I K M O V in the inward letters)
are rejected, which catches most mistyped codes without a full address file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_OUTWARD = (
    r"(?:[A-PR-UWYZ][0-9][0-9]?"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?"
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
)
_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
_POSTCODE = re.compile(rf"^(?P<outward>{_OUTWARD}|GIR)(?P<inward>{_INWARD})$")


@dataclass(frozen=True, slots=True)
class Postcode:
    """A valid UK postcode in its canonical spaced form, with its coarser levels."""

    outward: str
    inward: str

    @property
    def full(self) -> str:
        """``SW1A 1AA``."""
        return f"{self.outward} {self.inward}"

    @property
    def sector(self) -> str:
        """``SW1A 1``: a few thousand addresses."""
        return f"{self.outward} {self.inward[0]}"

    @property
    def district(self) -> str:
        """``SW1A``: the outward code."""
        return self.outward

    @property
    def area(self) -> str:
        """``SW``: the leading letters."""
        return re.match(r"[A-Z]+", self.outward).group(0)  # type: ignore[union-attr]

    def __str__(self) -> str:
        return self.full


def parse_postcode(raw: str) -> Postcode:
    """Parse ``raw`` ignoring case and spacing; raise ValueError naming what is wrong."""
    compact = re.sub(r"\s+", "", raw).upper()
    match = _POSTCODE.match(compact)
    if compact == "GIR0AA":
        return Postcode("GIR", "0AA")
    if not match:
        raise ValueError(f"{raw!r} is not a valid UK postcode")
    return Postcode(match.group("outward"), match.group("inward"))


def normalise_postcode(raw: str) -> str:
    """The canonical spaced, upper-case form of ``raw``; ValueError if it is not a postcode."""
    return parse_postcode(raw).full
