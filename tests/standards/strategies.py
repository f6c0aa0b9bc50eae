"""Hypothesis strategies for the standards' domain objects, in their canonical form."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from hypothesis import strategies as st
from pydantic import BaseModel

from singleview.standards.answer import Answer, DecisionSummary
from singleview.standards.dates import PartialDate
from singleview.standards.enquiry import Consent, Enquiry, PolicyReference, Practitioner
from singleview.standards.involvement import (
    ContactAddress,
    Involvement,
    OrganisationContact,
    Professional,
    Telecom,
)
from singleview.standards.nhs_number import NHS_NUMBER_SYSTEM, nhs_check_digit
from singleview.standards.person import Address, DateOfBirth, Identifier, Person, PersonName
from singleview.standards.receipt import Receipt
from singleview.standards.vocabulary import load_vocabulary

M = TypeVar("M", bound=BaseModel)


def model(cls: type[M], **fields: st.SearchStrategy[Any]) -> st.SearchStrategy[M]:
    """Build ``cls`` from exactly these fields.

    Not ``st.builds``: it would also invent the camelCase aliases the models' signatures show.
    """
    return st.fixed_dictionaries(fields).map(lambda values: cls(**values))


def codes(scheme: str) -> st.SearchStrategy[str]:
    """Any code from a shipped scheme."""
    return st.sampled_from(load_vocabulary(scheme).codes)


# Plain strategies rather than regexes: generation dominates these tests' running time.
words = st.sampled_from(
    [
        "Smith",
        "Jones",
        "O'Brien",
        "Smith-Jones",
        "Nguyen",
        "Ola",
        "Mary Ann",
        "Zoë",
        "Li",
        "Adebayo",
    ]
)
texts = (
    st.text(alphabet="ABCXYZabcxyz0189 ,./'-", min_size=1, max_size=24).map(str.strip).filter(bool)
)
hex64 = st.binary(min_size=32, max_size=32).map(bytes.hex)
days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31))


@st.composite
def nhs_numbers(draw: st.DrawFn) -> str:
    """A ten-digit NHS number with a correct Modulus 11 check digit."""
    first_nine = f"{draw(st.integers(0, 999_999_999)):09d}"
    check = nhs_check_digit(first_nine)
    if check is None:
        # Moving the last digit by one changes the weighted sum by 2, so a digit then exists.
        first_nine = first_nine[:8] + str((int(first_nine[8]) + 1) % 10)
        check = nhs_check_digit(first_nine)
    assert check is not None
    return first_nine + str(check)


identifiers = st.one_of(
    nhs_numbers().map(lambda n: Identifier(system=NHS_NUMBER_SYSTEM, value=n)),
    model(
        Identifier,
        system=st.sampled_from(["https://example.org.uk/Id/mosaic", "urn:oid:2.16.840.1.113883"]),
        value=texts,
    ),
)

names = model(
    PersonName,
    family_name=words,
    given_names=st.lists(words, max_size=3).map(tuple),
    preferred_names=st.lists(words, max_size=2).map(tuple),
    use=codes("name-use"),
)


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    """A date known to year, month or day."""
    day = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2030, 12, 31)))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    if precision == "year":
        return PartialDate(day.year)
    if precision == "month":
        return PartialDate(day.year, day.month)
    return PartialDate(day.year, day.month, day.day)


dates_of_birth = model(
    DateOfBirth,
    date=partial_dates(),
    accuracy_indicator=st.none() | st.tuples(*[st.sampled_from("AEU")] * 3).map("".join),
)
postcodes = st.sampled_from(
    ["SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "W1A 0AX", "EC1A 1BB", "LS1 4AP"]
)


@st.composite
def addresses(draw: st.DrawFn) -> Address:
    """An address with a first line, and maybe a period of residence."""
    start = draw(st.none() | days)
    end = draw(st.none() | days.filter(lambda d: start is None or d >= start))
    return Address(
        line1=draw(texts),
        line2=draw(st.none() | texts),
        city=draw(st.none() | words),
        postcode=draw(st.none() | postcodes),
        UPRN=draw(st.none() | st.integers(1, 999_999_999_999)),
        USRN=draw(st.none() | st.integers(1, 99_999_999)),
        use=draw(st.sampled_from(["home", "work", "temp", "old", "billing"])),
        period_start=start,
        period_end=end,
    )


people = model(
    Person,
    identifiers=st.lists(identifiers, max_size=2).map(tuple),
    names=st.lists(names, min_size=1, max_size=3).map(tuple),
    date_of_birth=st.none() | dates_of_birth,
    addresses=st.lists(addresses(), max_size=2).map(tuple),
    gender=st.none() | codes("gender"),
    sex=st.none() | codes("sex"),
)

telecoms = model(
    Telecom,
    system=st.sampled_from(["phone", "email", "url", "fax", "sms", "other"]),
    value=texts,
    use=st.none() | st.sampled_from(["work", "home", "mobile", "temp", "old"]),
)
contacts = model(
    OrganisationContact,
    name=texts,
    telecom=st.lists(telecoms, max_size=2).map(tuple),
    address=st.lists(
        model(
            ContactAddress,
            lines=st.lists(texts, min_size=1, max_size=3).map(tuple),
            city=st.none() | words,
            # Organisation addresses are printed as given, valid postcode or not.
            postcode=st.none() | texts,
            country=st.none() | st.sampled_from(["GB", "UK"]),
        ),
        max_size=1,
    ).map(tuple),
)


@st.composite
def involvements(draw: st.DrawFn) -> Involvement:
    """An active or ended involvement, perhaps with its lead professional."""
    start = draw(days)
    ended = draw(st.booleans())
    return Involvement(
        episode_type=draw(codes("episode-types")),
        service_type=draw(codes("service-types")),
        status="ended" if ended else "active",
        period_start=start,
        period_end=draw(days.filter(lambda d: d >= start)) if ended else None,
        professional=draw(
            st.none()
            | model(
                Professional,
                name=words,
                role=st.none() | texts,
                telecom=st.lists(telecoms, max_size=2).map(tuple),
            )
        ),
    )


@st.composite
def decisions(draw: st.DrawFn, outcome: str = "PERMIT") -> DecisionSummary:
    """A decision summary, with or without the policy it applied."""
    with_policy = draw(st.booleans())
    return DecisionSummary(
        outcome=outcome,  # type: ignore[arg-type]
        policy_id=draw(texts) if with_policy else None,
        policy_version=draw(st.integers(1, 10_000)) if with_policy else None,
        obligations=tuple(draw(st.lists(codes("obligations"), max_size=3, unique=True))),
    )


receipts = model(
    Receipt,
    log_id=texts,
    leaf_index=st.integers(0, 2**31 - 1),
    leaf_hash=hex64,
    tree_size=st.integers(1, 2**31 - 1),
    root_hash=hex64,
    inclusion_proof=st.lists(hex64, max_size=4).map(tuple),
    signed_tree_head=texts.map(lambda t: f"h.{t}.s"),
)
scores = st.floats(min_value=-50, max_value=50, allow_nan=False, allow_infinity=False)


@st.composite
def answers(draw: st.DrawFn) -> Answer:
    """One of the profile's three answer shapes."""
    shape = draw(st.sampled_from(["match", "no-match", "possible"]))
    decision = draw(st.none() | decisions())
    receipt = draw(st.none() | receipts)
    if shape == "no-match":
        return Answer(match=False, decision=decision, receipt=receipt)
    if shape == "possible":
        return Answer(
            match=True,
            match_grade="possible",
            score=draw(st.none() | scores),
            multiple_matches=True,
            contact=draw(contacts),
            decision=decision,
            receipt=receipt,
        )
    return Answer(
        match=True,
        match_grade=draw(st.sampled_from(["certain", "probable"])),
        score=draw(st.none() | scores),
        contact=draw(st.none() | contacts),
        involvements=tuple(draw(st.lists(involvements(), max_size=3))),
        decision=decision,
        receipt=receipt,
    )


@st.composite
def enquiries(draw: st.DrawFn) -> Enquiry:
    """A v0.3 reason-only enquiry or one with the full IG Request."""
    subject = draw(people)
    if draw(st.booleans()):
        reason = draw(
            st.sampled_from(
                [
                    "https://www.legislation.gov.uk/ukpga/1989/41/section/47",
                    "https://www.legislation.gov.uk/ukpga/1989/41/section/17",
                ]
            )
        )
        return Enquiry(subject=subject, reason=reason)
    return Enquiry(
        subject=subject,
        reason=draw(st.none() | st.just("https://www.legislation.gov.uk/ukpga/1989/41/section/47")),
        request_id=draw(texts),
        date_stamp=draw(
            st.datetimes(
                min_value=dt.datetime(2020, 1, 1),
                max_value=dt.datetime(2030, 1, 1),
                timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=1))]),
            )
        ),
        requester=draw(st.sampled_from(["southshire-cc", "northshire-police", "nhs-trust-01"])),
        practitioner=draw(
            st.none()
            | model(Practitioner, identifier=texts, name=words, role=codes("practitioner-roles"))
        ),
        asserted_purpose=draw(codes("purposes")),
        sharing_policies=tuple(
            draw(
                st.lists(
                    model(
                        PolicyReference,
                        identifier=texts,
                        version=st.integers(1, 1000),
                        digest=hex64,
                    ),
                    min_size=1,
                    max_size=2,
                )
            )
        ),
        data_categories=tuple(draw(st.lists(codes("data-categories"), max_size=3, unique=True))),
        case_reference=draw(st.none() | texts),
        consent=draw(
            st.none()
            | model(
                Consent,
                status=st.sampled_from(["given", "refused", "withdrawn"]),
                scope=st.lists(codes("purposes"), max_size=2).map(tuple),
                expires=st.none() | days,
            )
        ),
    )
