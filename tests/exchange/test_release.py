"""Release rules as a pure function: certain, possible, several, none; local rules withhold."""

from __future__ import annotations

import datetime as dt

import pytest

from singleview.exchange.release import release, released_categories
from singleview.governance import Decision, PolicyRef
from singleview.matching.bands import Band
from singleview.matching.result import MatchResult
from singleview.standards.involvement import Involvement, OrganisationContact, Professional

CONTACT = OrganisationContact(name="Front door")
INVOLVEMENTS = (
    Involvement(
        episode_type="health-episode",
        service_type="camhs",
        status="active",
        period_start=dt.date(2025, 1, 1),
        professional=Professional(name="Dr Rao"),
    ),
    Involvement(
        episode_type="health-episode",
        service_type="sexual-health",
        status="active",
        period_start=dt.date(2025, 2, 1),
    ),
)
ALL = ("identity", "contact-details", "involvements", "professional-contact")


def permit(categories: tuple[str, ...] = ALL, withheld: tuple[str, ...] = ()) -> Decision:
    return Decision(
        outcome="PERMIT",
        reasons=(),
        policy=PolicyRef("p", 1, "0" * 64),
        data_categories=categories,
        services_withheld=withheld,
    )


def result(band: Band) -> MatchResult:
    return MatchResult(band=band, best_record_id="R1", probability=0.99, candidates_considered=2)


def test_certain_gives_contact_and_involvements_less_withheld_services() -> None:
    answer = release(
        permit(withheld=("sexual-health",)), result(Band.CERTAIN), INVOLVEMENTS, CONTACT
    )
    assert answer.match_grade == "certain"
    assert [i.service_type for i in answer.involvements] == ["camhs"]
    assert answer.contact == CONTACT
    assert released_categories(answer) == ALL


def test_without_professional_contact_the_professional_is_dropped() -> None:
    decision = permit(("identity", "contact-details", "involvements"))
    answer = release(decision, result(Band.CERTAIN), INVOLVEMENTS, CONTACT)
    assert all(i.professional is None for i in answer.involvements)


@pytest.mark.parametrize("band", [Band.POSSIBLE, Band.MULTIPLE_MATCHES])
def test_possible_or_several_gives_the_contact_only(band: Band) -> None:
    answer = release(permit(), result(band), INVOLVEMENTS, CONTACT)
    assert answer.match
    assert answer.match_grade == "possible"
    assert answer.multiple_matches is (band is Band.MULTIPLE_MATCHES)
    assert not answer.involvements
    assert answer.contact == CONTACT


@pytest.mark.parametrize("band", [Band.NO_MATCH, Band.INSUFFICIENT])
def test_no_match_gives_nothing(band: Band) -> None:
    answer = release(permit(), result(band), INVOLVEMENTS, CONTACT)
    assert not answer.match
    assert answer.contact is None
    assert not answer.involvements


def test_contact_only_policy_never_releases_involvements() -> None:
    answer = release(
        permit(("identity", "contact-details")), result(Band.CERTAIN), INVOLVEMENTS, CONTACT
    )
    assert answer.contact == CONTACT
    assert not answer.involvements


def test_only_a_permit_releases() -> None:
    with pytest.raises(ValueError, match="only a PERMIT"):
        release(Decision(outcome="DENY", reasons=()), result(Band.CERTAIN), INVOLVEMENTS, CONTACT)
