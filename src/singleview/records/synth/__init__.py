"""Synthetic population for matching, demos and tests: seeded, reproducible, realistically wrong.

``generate(seed, people)`` builds a :class:`SyntheticWorld` in memory; ``write_synthetic``
streams the same world to a folder (``singleview records synth --out DIR``):

- ``population.jsonl``: ``{"personId", "householdId", "person"}``, the true people (clean
  Person JSON, accuracy ``AAA``, full address history).
- ``<organisation>.jsonl``: that organisation's records in the import form
  ``{"recordId", "person", "involvements"}``, with errors at the configured rates.
- ``truth.csv``: ``organisation,record_id,person_id,errors`` (errors ``;``-separated).
- ``enquiries-<organisation>.jsonl``: enquiries another agency would send to that
  organisation, half about people it holds and half about people it does not, in the same
  record form (``recordId`` is the enquiry id, no involvements), with the enquirer's errors.
- ``enquiries-truth.csv``: ``organisation,enquiry_id,person_id,record_id,errors``; an empty
  ``record_id`` means the organisation holds no record of that person.

NHS numbers are in the unissued 9xx range. A mistyped NHS number that fails the Modulus 11
check is carried under :data:`UNVERIFIED_NHS_NUMBER_SYSTEM`, because the Person standard
(rightly) refuses it as an NHS number.
"""

from singleview.records.synth.errors import (
    ENQUIRY_ERROR_RATES,
    UNVERIFIED_NHS_NUMBER_SYSTEM,
    ErrorRates,
    ErrorTally,
)
from singleview.records.synth.organisations import DEFAULT_ORGANISATIONS, OrganisationProfile
from singleview.records.synth.population import REFERENCE_DATE
from singleview.records.synth.world import (
    PopulationEntry,
    SyntheticEnquiry,
    SyntheticRecord,
    SyntheticWorld,
    SynthOptions,
    SynthSummary,
    generate,
    iter_people,
    iter_record_json,
    organisation_profiles,
    write_synthetic,
    write_world,
)

__all__ = [
    "DEFAULT_ORGANISATIONS",
    "ENQUIRY_ERROR_RATES",
    "REFERENCE_DATE",
    "UNVERIFIED_NHS_NUMBER_SYSTEM",
    "ErrorRates",
    "ErrorTally",
    "OrganisationProfile",
    "PopulationEntry",
    "SynthOptions",
    "SynthSummary",
    "SyntheticEnquiry",
    "SyntheticRecord",
    "SyntheticWorld",
    "generate",
    "iter_people",
    "iter_record_json",
    "organisation_profiles",
    "write_synthetic",
    "write_world",
]
