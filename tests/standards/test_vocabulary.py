"""The shipped SKOS vocabularies: complete, well-formed, agreed codes, and the CLI over them."""

from __future__ import annotations

import json
import typing
from importlib import resources

import pytest
from typer.testing import CliRunner

from singleview.cli import app
from singleview.standards import person
from singleview.standards.vocabulary import (
    UnknownCodeError,
    UnknownVocabularyError,
    is_safeguarding_purpose,
    legal_basis_for_reason,
    load_vocabulary,
    purpose_for_reason,
    require_code,
    vocabulary_names,
)

# The codes agreed between helpers (/tmp/team/CODES.md); a change here is a wire-format change.
AGREED = {
    "purposes": [
        "s47-enquiry", "s17-child-in-need", "strategy-discussion", "early-help", "mash-triage",
        "missing-child", "youth-justice-assessment", "child-protection-conference",
        "research", "service-planning", "marketing",
    ],
    "legal-bases": [
        "uk-gdpr-6-1-c", "uk-gdpr-6-1-e", "uk-gdpr-9-2-g", "uk-gdpr-9-2-h",
        "dpa-2018-sch1-para18", "children-act-1989-s47", "children-act-1989-s17",
        "children-act-2004-s11",
    ],
    "data-categories": [
        "identity", "contact-details", "involvements", "professional-contact", "health",
        "education", "police-information", "youth-justice", "sexual-health",
        "domestic-abuse-refuge",
    ],
    "request-types": ["person-info-query"],
    "organisation-types": [
        "local-authority-childrens-social-care", "police-force", "nhs-trust", "school",
        "academy-trust", "youth-justice-service", "gp-practice", "probation-service",
    ],
    "service-types": [
        "childrens-social-care", "early-help", "health-visiting", "school-nursing", "camhs",
        "sexual-health", "maternity", "emergency-department", "education",
        "police-public-protection", "youth-justice", "domestic-abuse-refuge",
    ],
    "episode-types": [
        "contact-referral", "child-in-need", "child-protection-plan", "looked-after",
        "early-help-plan", "health-episode", "school-enrolment", "police-incident",
        "youth-justice-order", "missing-episode",
    ],
    "decision-reasons": [
        "no-applicable-policy", "purpose-not-permitted", "non-safeguarding-purpose",
        "policy-expired", "policy-not-yet-in-force", "policy-unknown", "policy-digest-mismatch",
        "requester-not-party", "requester-suspended", "requester-type-not-permitted",
        "role-not-permitted", "case-reference-missing", "consent-missing", "consent-expired",
        "consent-out-of-scope", "data-category-not-permitted", "prohibited",
        "service-suppressed", "professional-judgement",
    ],
    "obligations": [
        "retain-max-30-days", "no-onward-sharing", "notify-safeguarding-lead",
        "record-in-case-file", "delete-when-no-longer-needed", "use-only-for-stated-purpose",
    ],
    "practitioner-roles": [
        "social-worker", "team-manager", "police-officer", "health-visitor", "school-nurse",
        "designated-safeguarding-lead", "youth-justice-officer", "gp", "ig-officer",
    ],
    "name-use": ["usual", "official", "temp", "nickname", "anonymous", "old", "maiden"],
    "date-accuracy": ["A", "E", "U"],
    "gender": ["1", "2", "9", "X"],
    "sex": ["1", "2", "9", "X"],
}  # fmt: skip

S47 = "https://www.legislation.gov.uk/ukpga/1989/41/section/47"
S17 = "https://www.legislation.gov.uk/ukpga/1989/41/section/17"


def test_every_agreed_scheme_is_shipped_with_exactly_the_agreed_codes() -> None:
    assert set(vocabulary_names()) == set(AGREED)
    for name, codes in AGREED.items():
        assert list(load_vocabulary(name).codes) == codes, name


@pytest.mark.parametrize("name", sorted(AGREED))
def test_every_concept_has_a_stable_uri_label_and_definition(name: str) -> None:
    scheme = load_vocabulary(name)
    assert scheme.uri == f"https://singleview.org.uk/vocab/{name}"
    for concept in scheme.concepts:
        assert concept.uri == f"{scheme.uri}/{concept.code}"
        assert concept.pref_label.strip()
        assert concept.definition.strip().endswith(".")
        assert scheme.by_uri(concept.uri) is concept


@pytest.mark.parametrize("name", sorted(AGREED))
def test_files_are_json_ld_skos_concept_schemes(name: str) -> None:
    text = (resources.files("singleview.standards.vocabularies") / f"{name}.jsonld").read_text()
    document = json.loads(text)
    context = document["@context"]
    assert context["skos"] == "http://www.w3.org/2004/02/skos/core#"
    assert context["ConceptScheme"] == "skos:ConceptScheme"
    assert context["prefLabel"] == {"@id": "skos:prefLabel", "@language": "en-GB"}
    for node in document["hasTopConcept"]:
        assert node["@type"] == "Concept"
        assert node["inScheme"] == document["@id"]


def test_person_code_literals_equal_the_shipped_schemes() -> None:
    assert set(typing.get_args(person.NameUse)) == set(load_vocabulary("name-use").codes)
    assert set(typing.get_args(person.GenderCode)) == set(load_vocabulary("gender").codes)
    assert set(typing.get_args(person.SexCode)) == set(load_vocabulary("sex").codes)


def test_purposes_say_which_are_safeguarding() -> None:
    safeguarding = {c.code for c in load_vocabulary("purposes").concepts if c.safeguarding}
    assert safeguarding == set(AGREED["purposes"][:8])
    assert all(c.safeguarding is not None for c in load_vocabulary("purposes").concepts)
    assert is_safeguarding_purpose("s47-enquiry")
    assert not is_safeguarding_purpose("marketing")
    assert not is_safeguarding_purpose("no-such-purpose")


def test_purposes_name_only_shipped_legal_bases() -> None:
    bases = load_vocabulary("legal-bases")
    for concept in load_vocabulary("purposes").concepts:
        for code in concept.legal_bases:
            bases.require(code)
    assert "children-act-1989-s47" in load_vocabulary("purposes").require("s47-enquiry").legal_bases


@pytest.mark.parametrize(
    ("reason", "purpose", "basis"),
    [
        (S47, "s47-enquiry", "children-act-1989-s47"),
        (S17, "s17-child-in-need", "children-act-1989-s17"),
        ("http://www.legislation.gov.uk/ukpga/1989/41/section/47/", "s47-enquiry",
         "children-act-1989-s47"),
        ("https://www.legislation.gov.uk/ukpga/2004/31/section/11", None, "children-act-2004-s11"),
        ("https://example.org/not-a-law", None, None),
    ],
)  # fmt: skip
def test_v03_reason_uris_map_to_purpose_and_legal_basis(
    reason: str, purpose: str | None, basis: str | None
) -> None:
    assert purpose_for_reason(reason) == purpose
    assert legal_basis_for_reason(reason) == basis


def test_legal_bases_map_to_dpv_and_legislation() -> None:
    scheme = load_vocabulary("legal-bases")
    assert "https://w3id.org/dpv#LegalObligation" in scheme.require("uk-gdpr-6-1-c").close_match
    assert "https://w3id.org/dpv#PublicTask" in scheme.require("uk-gdpr-6-1-e").close_match
    for concept in scheme.concepts:
        assert any(m.startswith("https://www.legislation.gov.uk/") for m in concept.exact_match)


def test_require_names_element_code_and_scheme() -> None:
    with pytest.raises(UnknownCodeError) as caught:
        load_vocabulary("purposes").require("fishing", element="request.assertedPurpose")
    assert caught.value.element == "request.assertedPurpose"
    assert str(caught.value) == (
        "request.assertedPurpose: unknown code 'fishing': not in the 'purposes' vocabulary"
    )
    assert isinstance(caught.value, ValueError)
    assert require_code("obligations", "no-onward-sharing") == "no-onward-sharing"


def test_unknown_vocabulary_names_the_known_ones() -> None:
    with pytest.raises(UnknownVocabularyError, match=r"no vocabulary named 'colours'.*purposes"):
        load_vocabulary("colours")


def test_loading_is_cached() -> None:
    assert load_vocabulary("purposes") is load_vocabulary("purposes")


runner = CliRunner()


def test_cli_lists_every_vocabulary() -> None:
    result = runner.invoke(app, ["vocab", "list"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for name in AGREED:
        assert name in result.output


def test_cli_shows_one_vocabulary() -> None:
    result = runner.invoke(app, ["vocab", "show", "legal-bases"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "children-act-1989-s47" in result.output
    assert "dpv:LegalObligation" in result.output


def test_cli_refuses_an_unknown_vocabulary_by_name() -> None:
    result = runner.invoke(app, ["vocab", "show", "colours"], env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert "no vocabulary named 'colours'" in result.output
