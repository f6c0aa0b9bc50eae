"""From scores to an answer a practitioner can act on: certain, possible, several, none.

``certain`` is the only band under which involvements may be released; ``possible`` and
``multipleMatches`` allow contact details only ("we may know this person; call us"). An enquiry
with too little to match on is ``insufficient``: it is answered as such, never guessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from singleview.matching.model import Thresholds
from singleview.matching.standardise import StandardisedPerson


class Band(StrEnum):
    """How sure the node is about who the enquiry is about."""

    CERTAIN = "certain"
    POSSIBLE = "possible"
    MULTIPLE_MATCHES = "multipleMatches"
    NO_MATCH = "noMatch"
    INSUFFICIENT = "insufficient"

    @property
    def may_release_involvements(self) -> bool:
        """Only a single certain match may have its involvements released."""
        return self is Band.CERTAIN

    @property
    def is_match(self) -> bool:
        """Whether the answer says "we know (or may know) this person"."""
        return self in (Band.CERTAIN, Band.POSSIBLE, Band.MULTIPLE_MATCHES)


#: The documented minimum an enquiry must carry to be matched at all.
MINIMUM_FOR_MATCHING = (
    "a valid NHS number; or a family name and a date of birth known at least to the month; "
    "or a given name, a family name and a postcode"
)


def insufficiency(enquiry: StandardisedPerson) -> str | None:
    """Why ``enquiry`` is below the minimum for matching, or None when it is enough."""
    if enquiry.nhs_number:
        return None
    if enquiry.family and enquiry.dob_year_month:
        return None
    if enquiry.given and enquiry.family and enquiry.postcodes:
        return None
    return f"too little to match on: an enquiry needs {MINIMUM_FOR_MATCHING}"


def decide_band(candidates: Sequence[tuple[float, bool]], thresholds: Thresholds) -> Band:
    """The band for an enquiry from its candidates' (probability, ruled out of certain) pairs.

    A candidate whose comparison levels rule out ``certain`` (given name or date of birth
    disagreeing outright, a different NHS number, no given name to compare) is at most
    ``possible``: a twin or sibling shares a family name, an address and often a date of birth,
    and Fellegi-Sunter's independent evidence would otherwise count that household twice.
    """
    above_possible = [(p, c) for p, c in candidates if p >= thresholds.possible]
    if not above_possible:
        return Band.NO_MATCH
    if len(above_possible) > 1:
        return Band.MULTIPLE_MATCHES
    probability, contradicted = above_possible[0]
    if probability >= thresholds.certain and not contradicted:
        return Band.CERTAIN
    return Band.POSSIBLE
