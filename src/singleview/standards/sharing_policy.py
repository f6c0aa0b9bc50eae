"""The MAIS ``SharingPolicy``: a machine-readable data sharing agreement, plus what a PDP needs.

The MAIS draft (SocialCareData/information-governance, ``dsa.json``) gives the descriptive
fields: identifier, URI, name, contact, parties by register (API catalogue) id, data, purposes,
start and end dates, permitted uses, restrictions, recipient duties, security measures and legal
compliance. A decision also needs to know who may ask and on what conditions, so each policy
carries one ``permission`` (who, which purposes, which conditions, what is released, with which
obligations) and any number of ``prohibitions`` (explicit refusals, which beat any permission).

A policy follows one of four routes:

- ``statutory``: a duty in law (e.g. Children Act 1989 s47) lets a type of organisation ask,
  whoever it is; no agreement need be claimed.
- ``agreement``: a data sharing agreement between named parties; the request must claim it.
- ``professional-judgement``: an ad hoc request outside any agreement; always goes to a person.
- ``node-rule``: refusals the node applies to everything (e.g. non-safeguarding purposes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

from singleview.standards.vocabulary import load_vocabulary

Route = Literal["statutory", "agreement", "professional-judgement", "node-rule"]
PolicyStatus = Literal["active", "draft", "withdrawn"]
#: What the PDP does when an agreement's consent condition fails.
ConsentFailure = Literal["deny", "review"]


def _code_in(scheme: str) -> Callable[[str], str]:
    def check(code: str) -> str:
        if code not in load_vocabulary(scheme):
            raise ValueError(f"{code!r} is not a code in the {scheme} vocabulary")
        return code

    return check


PurposeCode = Annotated[str, AfterValidator(_code_in("purposes"))]
LegalBasisCode = Annotated[str, AfterValidator(_code_in("legal-bases"))]
DataCategoryCode = Annotated[str, AfterValidator(_code_in("data-categories"))]
OrganisationTypeCode = Annotated[str, AfterValidator(_code_in("organisation-types"))]
PractitionerRoleCode = Annotated[str, AfterValidator(_code_in("practitioner-roles"))]
ObligationCode = Annotated[str, AfterValidator(_code_in("obligations"))]
DecisionReasonCode = Annotated[str, AfterValidator(_code_in("decision-reasons"))]
#: ODRL 2.2 action names (``read``, ``use``, ``distribute``, ``transfer``, ``sell`` ...).
OdrlAction = Annotated[str, Field(pattern=r"^[a-z][A-Za-z]*$")]
Text = Annotated[str, Field(min_length=1)]


class PolicyModel(BaseModel):
    """Strict base: unknown fields are errors (so typos are caught), keys are camelCase."""

    model_config = ConfigDict(
        extra="forbid",
        alias_generator=to_camel,
        populate_by_name=True,
        frozen=True,
        str_strip_whitespace=True,
    )


class PolicyIdentifier(PolicyModel):
    """The policy's unique identifier and the system it belongs to."""

    value: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")
    system: str = Field(min_length=1)


class Party(PolicyModel):
    """A party to an agreement, named by its id(s) in the organisation register."""

    name: Text
    catalogue_ids: tuple[Text, ...] = Field(min_length=1)


class ConsentRule(PolicyModel):
    """Consent needed below the s47 threshold, and what a missing or bad consent leads to."""

    required: bool = True
    on_failure: ConsentFailure = "deny"


class Permission(PolicyModel):
    """Who may ask, on which conditions, and what a yes releases with which duties.

    A list left out means "any"; a list given restricts to its members.
    """

    requester_organisation_types: tuple[OrganisationTypeCode, ...] | None = None
    practitioner_roles: tuple[PractitionerRoleCode, ...] | None = None
    case_reference_required: bool = False
    consent: ConsentRule | None = None
    data_categories: tuple[DataCategoryCode, ...] = Field(min_length=1)
    obligations: tuple[ObligationCode, ...] = ()
    #: ``review`` sends every request this permission covers to a person (professional judgement).
    outcome: Literal["permit", "review"] = "permit"


class Prohibition(PolicyModel):
    """An explicit refusal: when every condition given matches, the answer is DENY."""

    description: Text
    reason: DecisionReasonCode = "prohibited"
    purposes: tuple[PurposeCode, ...] | None = None
    requester_organisations: tuple[Text, ...] | None = None
    requester_organisation_types: tuple[OrganisationTypeCode, ...] | None = None
    practitioner_roles: tuple[PractitionerRoleCode, ...] | None = None
    data_categories: tuple[DataCategoryCode, ...] | None = None

    @model_validator(mode="after")
    def _has_a_condition(self) -> Self:
        if not any(
            (
                self.purposes,
                self.requester_organisations,
                self.requester_organisation_types,
                self.practitioner_roles,
                self.data_categories,
            )
        ):
            raise ValueError(
                "a prohibition needs at least one of purposes, requesterOrganisations, "
                "requesterOrganisationTypes, practitionerRoles or dataCategories"
            )
        return self


class SharingPolicy(PolicyModel):
    """One version of a sharing policy (MAIS fields plus the decision fields)."""

    identifier: PolicyIdentifier
    uri: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9+.-]*:\S+$")
    version: int = Field(ge=1)
    name: Text
    contact: Text
    status: PolicyStatus = "active"
    route: Route
    parties: tuple[Party, ...] = ()
    data: tuple[Text, ...] = Field(min_length=1)
    purposes: tuple[PurposeCode, ...] = Field(min_length=1)
    start_date: dt.date
    end_date: dt.date
    permitted_uses: tuple[OdrlAction, ...] = ()
    restrictions: tuple[OdrlAction, ...] = ()
    data_recipient_responsibilities: tuple[ObligationCode, ...] = ()
    security_measures: tuple[Text, ...] = ()
    legal_compliance: tuple[LegalBasisCode, ...] = ()
    permission: Permission | None = None
    prohibitions: tuple[Prohibition, ...] = ()

    @property
    def policy_id(self) -> str:
        """The identifier value, which requests quote in ``sharingPolicy.identifier``."""
        return self.identifier.value

    def party_ids(self) -> frozenset[str]:
        """Every register id of every party."""
        return frozenset(cid for party in self.parties for cid in party.catalogue_ids)

    @model_validator(mode="after")
    def _route_is_complete(self) -> Self:
        if self.end_date < self.start_date:
            raise ValueError("endDate is before startDate")
        if self.route == "node-rule":
            if self.permission is not None:
                raise ValueError("permission: a node-rule policy only refuses; remove it")
            if not self.prohibitions:
                raise ValueError("prohibitions: a node-rule policy needs at least one")
            return self
        if self.permission is None:
            raise ValueError(f"permission: a {self.route} policy needs one")
        if not self.permitted_uses:
            raise ValueError(f"permittedUses: a {self.route} policy needs at least one")
        if self.route == "agreement" and len(self.party_ids()) < 2:
            raise ValueError("parties: an agreement needs at least two parties with register ids")
        if self.route == "professional-judgement" and self.permission.outcome != "review":
            raise ValueError(
                "permission.outcome: professional judgement is never automatic; use 'review'"
            )
        return self
