"""The organisation register: who may take part in the exchange, where they answer, their keys.

Fields follow the SocialCareData API-Catalogue draft (summary information: identifier, name,
type, operational status, technical status, verification status and date, information
governance; point-of-access information: system provider and version, API endpoint), extended
with what signed exchange needs: the organisation's public keys as a JWKS with validity windows,
the sharing agreements it is party to, and whether the register authority has suspended it.
The register as a whole carries its authority, a serial number, and issued / valid-until times.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from singleview.standards.person import Identifier, StandardModel

#: Organisation types agreed in the shared vocabulary (scheme ``organisation-types``).
OrganisationType = Literal[
    "local-authority-childrens-social-care",
    "police-force",
    "nhs-trust",
    "school",
    "academy-trust",
    "youth-justice-service",
    "gp-practice",
    "probation-service",
]

#: Service types agreed in the shared vocabulary (scheme ``service-types``, PUB02-style).
SERVICE_TYPES = frozenset(
    {
        "childrens-social-care",
        "early-help",
        "health-visiting",
        "school-nursing",
        "camhs",
        "sexual-health",
        "maternity",
        "emergency-department",
        "education",
        "police-public-protection",
        "youth-justice",
        "domestic-abuse-refuge",
    }
)

#: The catalogue's ACTIVE / INACTIVE codes, spelt as FHIR-style lower-case codes.
ActivityStatus = Literal["active", "inactive"]
VerificationStatus = Literal["verified", "not-verified", "failed"]
#: The register authority's own say: approved organisations may exchange, suspended may not.
RegisterStatus = Literal["approved", "suspended"]

#: Register ids appear in JWT ``iss``/``aud`` claims and URLs, so they are kept plain.
REGISTER_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
_BASE64URL = re.compile(r"^[A-Za-z0-9_-]+$")


class PublicKey(StandardModel):
    """One Ed25519 verification key (an OKP JWK, RFC 8037) and the window it may be used in."""

    kty: Literal["OKP"] = "OKP"
    crv: Literal["Ed25519"] = "Ed25519"
    x: str = Field(min_length=43, max_length=43, description="base64url public key, 32 bytes")
    kid: str = Field(min_length=1, max_length=128)
    use: Literal["sig"] = "sig"
    alg: Literal["EdDSA"] = "EdDSA"
    valid_from: dt.datetime
    valid_until: dt.datetime | None = None

    @field_validator("x")
    @classmethod
    def _base64url(cls, value: str) -> str:
        if not _BASE64URL.match(value):
            raise ValueError("x must be base64url without padding")
        return value

    @field_validator("valid_from", "valid_until")
    @classmethod
    def _aware(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("key validity times must carry a time zone (use UTC, 'Z')")
        return value

    @model_validator(mode="after")
    def _window(self) -> PublicKey:
        if self.valid_until is not None and self.valid_until <= self.valid_from:
            raise ValueError(f"key {self.kid}: validUntil is not after validFrom")
        return self

    def valid_at(self, moment: dt.datetime) -> bool:
        """Whether this key may verify a signature made at ``moment``."""
        return self.valid_from <= moment and (self.valid_until is None or moment < self.valid_until)

    def as_jwk(self) -> dict[str, str]:
        """The bare JWK (RFC 7517 members only), as joserfc imports it."""
        return {
            "kty": self.kty,
            "crv": self.crv,
            "x": self.x,
            "kid": self.kid,
            "use": self.use,
            "alg": self.alg,
        }


class KeySet(StandardModel):
    """A JWKS: ``{"keys": [...]}``, each key with a distinct ``kid``."""

    keys: tuple[PublicKey, ...] = ()

    @model_validator(mode="after")
    def _distinct_kids(self) -> KeySet:
        kids = [key.kid for key in self.keys]
        duplicates = sorted({kid for kid in kids if kids.count(kid) > 1})
        if duplicates:
            raise ValueError(f"kid used more than once in the key set: {', '.join(duplicates)}")
        return self

    def find(self, kid: str) -> PublicKey | None:
        """The key with this ``kid``, if the set has it."""
        return next((key for key in self.keys if key.kid == kid), None)


class Organisation(StandardModel):
    """One register entry: an organisation, its endpoint, its keys and its standing."""

    id: str = Field(pattern=REGISTER_ID_PATTERN, description="register id: JWT iss/aud")
    identifiers: tuple[Identifier, ...] = Field(
        default=(), description="catalogue organisationIdentifier, e.g. an ODS code"
    )
    name: str = Field(min_length=1, description="legal name")
    type: OrganisationType
    services: tuple[str, ...] = ()
    operational_status: ActivityStatus = "active"
    technical_status: ActivityStatus = "active"
    verification_status: VerificationStatus = "not-verified"
    verification_date: dt.date | None = None
    endpoint: str = Field(pattern=r"^https?://[^\s/]+(/\S*)?$", description="API base URL")
    system_provider: str | None = None
    system_version: str | None = None
    jwks: KeySet = KeySet()
    agreements: tuple[str, ...] = Field(default=(), description="sharing policy ids")
    register_status: RegisterStatus = "approved"
    suspended_at: dt.datetime | None = None
    suspension_reason: str | None = None

    @field_validator("services")
    @classmethod
    def _known_services(cls, services: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(services) - SERVICE_TYPES)
        if unknown:
            raise ValueError(f"unknown service type(s): {', '.join(unknown)}")
        return services

    @field_validator("endpoint")
    @classmethod
    def _no_trailing_slash(cls, endpoint: str) -> str:
        return endpoint.rstrip("/")

    @property
    def may_request(self) -> bool:
        """Approved and operating: its signed requests may be accepted."""
        return self.register_status == "approved" and self.operational_status == "active"

    @property
    def is_active_partner(self) -> bool:
        """Approved, operating and technically live: worth sending an enquiry to."""
        return self.may_request and self.technical_status == "active"


class OrganisationRegister(StandardModel):
    """The whole register as the authority signs it."""

    authority: str = Field(pattern=REGISTER_ID_PATTERN)
    serial: int = Field(ge=1, description="increases with every signed issue")
    issued_at: dt.datetime
    valid_until: dt.datetime
    organisations: tuple[Organisation, ...] = ()

    @field_validator("issued_at", "valid_until")
    @classmethod
    def _aware(cls, value: dt.datetime) -> dt.datetime:
        if value.tzinfo is None:
            raise ValueError("register times must carry a time zone (use UTC, 'Z')")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> OrganisationRegister:
        if self.valid_until <= self.issued_at:
            raise ValueError("validUntil is not after issuedAt")
        ids = [org.id for org in self.organisations]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"organisation listed more than once: {', '.join(duplicates)}")
        owners: dict[str, str] = {}
        for org in self.organisations:
            for key in org.jwks.keys:
                if key.kid in owners:
                    raise ValueError(
                        f"kid {key.kid} is listed for both {owners[key.kid]} and {org.id}"
                    )
                owners[key.kid] = org.id
        return self

    def find(self, organisation_id: str) -> Organisation | None:
        """The entry for ``organisation_id``, if registered."""
        return next((org for org in self.organisations if org.id == organisation_id), None)

    def owner_of(self, kid: str) -> Organisation | None:
        """The organisation whose key set lists ``kid``, if any."""
        return next((org for org in self.organisations if org.jwks.find(kid) is not None), None)
