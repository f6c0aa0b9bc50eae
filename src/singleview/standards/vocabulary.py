"""The shipped vocabularies: SKOS concept schemes in JSON-LD, one file per scheme.

The files in ``standards/vocabularies/`` are the source of truth for every code the profile
uses (see ``load_vocabulary``); code checks a value with ``ConceptScheme.require`` at the edge
where data comes in, so an unknown code is refused with the element, the code and the scheme.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from pydantic import JsonValue

VOCABULARY_BASE = "https://singleview.org.uk/vocab"
_PACKAGE = "singleview.standards.vocabularies"
_SUFFIX = ".jsonld"


class VocabularyError(Exception):
    """Something is wrong with a vocabulary or with a code checked against one."""


class UnknownVocabularyError(VocabularyError):
    """No concept scheme of that name is shipped."""

    def __init__(self, name: str, known: tuple[str, ...]) -> None:
        self.name = name
        self.known = known
        super().__init__(f"no vocabulary named {name!r}; the shipped ones are: {', '.join(known)}")


class UnknownCodeError(VocabularyError, ValueError):
    """A code that is not in the scheme it must come from.

    A ValueError too, so that raising it inside a pydantic validator becomes a validation error.
    """

    def __init__(self, code: str, scheme: str, element: str | None = None) -> None:
        self.code = code
        self.scheme = scheme
        self.element = element
        where = f"{element}: " if element else ""
        super().__init__(f"{where}unknown code {code!r}: not in the {scheme!r} vocabulary")


@dataclass(frozen=True, slots=True)
class Concept:
    """One code in a scheme, with its URI, label, definition and mappings to other vocabularies."""

    code: str
    uri: str
    pref_label: str
    definition: str
    scheme: str
    exact_match: tuple[str, ...] = ()
    close_match: tuple[str, ...] = ()
    broad_match: tuple[str, ...] = ()
    safeguarding: bool | None = None
    legal_bases: tuple[str, ...] = ()
    v03_reason: str | None = None


@dataclass(frozen=True, slots=True)
class ConceptScheme:
    """A named, ordered list of concepts."""

    name: str
    uri: str
    title: str
    definition: str
    source: str | None
    concepts: tuple[Concept, ...]
    # Lookups happen for every code of every imported row: index once, not a scan per call.
    _by_code: dict[str, Concept] = field(init=False, repr=False, compare=False)
    _by_uri: dict[str, Concept] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", {c.code: c for c in self.concepts})
        object.__setattr__(self, "_by_uri", {c.uri: c for c in self.concepts})

    @property
    def codes(self) -> tuple[str, ...]:
        """Every code in the scheme, in the order the file gives them."""
        return tuple(concept.code for concept in self.concepts)

    def get(self, code: str) -> Concept | None:
        """The concept for ``code``, or None when the scheme has no such code."""
        return self._by_code.get(code)

    def require(self, code: str, element: str | None = None) -> Concept:
        """The concept for ``code``; raise UnknownCodeError naming ``element``, code and scheme."""
        concept = self.get(code)
        if concept is None:
            raise UnknownCodeError(code, self.name, element)
        return concept

    def by_uri(self, uri: str) -> Concept | None:
        """The concept whose URI is ``uri``, or None."""
        return self._by_uri.get(uri)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.get(code) is not None


@cache
def vocabulary_names() -> tuple[str, ...]:
    """The names of every shipped scheme, sorted."""
    folder = resources.files(_PACKAGE)
    return tuple(
        sorted(
            entry.name.removesuffix(_SUFFIX)
            for entry in folder.iterdir()
            if entry.name.endswith(_SUFFIX)
        )
    )


@cache
def load_vocabulary(name: str) -> ConceptScheme:
    """Load the scheme ``name`` (e.g. ``purposes``) from the package; cached after first use."""
    if name not in vocabulary_names():
        raise UnknownVocabularyError(name, vocabulary_names())
    path = resources.files(_PACKAGE) / f"{name}{_SUFFIX}"
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return _scheme_from_jsonld(name, document)
    except (KeyError, TypeError, ValueError) as error:
        raise VocabularyError(f"vocabulary file {name}{_SUFFIX} is malformed: {error}") from error


def _scheme_from_jsonld(name: str, document: dict[str, Any]) -> ConceptScheme:
    if document.get("@type") != "ConceptScheme":
        raise ValueError("the top-level node is not a ConceptScheme")
    uri = str(document["@id"])
    concepts = tuple(_concept(name, uri, node) for node in document.get("hasTopConcept", []))
    codes = [concept.code for concept in concepts]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise ValueError(f"duplicate codes {duplicates}")
    return ConceptScheme(
        name=name,
        uri=uri,
        title=str(document["prefLabel"]),
        definition=str(document["definition"]),
        source=document.get("source"),
        concepts=concepts,
    )


def _concept(scheme: str, scheme_uri: str, node: dict[str, Any]) -> Concept:
    code = str(node["notation"])
    expected_uri = f"{scheme_uri}/{code}"
    if node["@id"] != expected_uri:
        # URIs are a promise to other nodes: a code's URI must be derivable from the code.
        raise ValueError(f"concept {code!r} has URI {node['@id']!r}, expected {expected_uri!r}")
    safeguarding = node.get("safeguarding")
    return Concept(
        code=code,
        uri=expected_uri,
        pref_label=str(node["prefLabel"]),
        definition=str(node["definition"]),
        scheme=scheme,
        exact_match=tuple(node.get("exactMatch", ())),
        close_match=tuple(node.get("closeMatch", ())),
        broad_match=tuple(node.get("broadMatch", ())),
        safeguarding=None if safeguarding is None else bool(safeguarding),
        legal_bases=tuple(uri.rsplit("/", 1)[-1] for uri in node.get("legalBasis", ())),
        v03_reason=node.get("v03Reason"),
    )


def code_enum(scheme: str) -> dict[str, JsonValue]:
    """A field's JSON schema extra listing every code of ``scheme``: OpenAPI then tells a
    client (and a fuzzer) which codes are accepted."""
    codes: list[JsonValue] = [*load_vocabulary(scheme).codes]
    return {"enum": codes}


def label_of(scheme: str, code: str) -> str:
    """The words a page shows for ``code`` (its preferred label), or the code itself when
    ``scheme`` does not hold it (a partner's newer code, say)."""
    concept = load_vocabulary(scheme).get(code)
    return concept.pref_label if concept else code


def require_code(scheme: str, code: str, element: str | None = None) -> str:
    """Check ``code`` against the scheme ``scheme`` and return it, or raise UnknownCodeError."""
    load_vocabulary(scheme).require(code, element)
    return code


def _normalise_legislation_uri(uri: str) -> str:
    # legislation.gov.uk URIs are written with and without https, www and a trailing slash.
    text = uri.strip().rstrip("/")
    for prefix in ("https://www.", "http://www.", "https://", "http://"):
        if text.startswith(prefix):
            return text[len(prefix) :]
    return text


def purpose_for_reason(uri: str) -> str | None:
    """The purpose code a v0.3 ``reason`` legal-basis URI maps to, or None when none does."""
    wanted = _normalise_legislation_uri(uri)
    for concept in load_vocabulary("purposes").concepts:
        if concept.v03_reason and _normalise_legislation_uri(concept.v03_reason) == wanted:
            return concept.code
    return None


def legal_basis_for_reason(uri: str) -> str | None:
    """The legal-basis code whose legislation.gov.uk URI is ``uri``, or None."""
    wanted = _normalise_legislation_uri(uri)
    for concept in load_vocabulary("legal-bases").concepts:
        if any(_normalise_legislation_uri(m) == wanted for m in concept.exact_match):
            return concept.code
    return None


def is_safeguarding_purpose(code: str) -> bool:
    """True for a purpose marked safeguarding; False for any other purpose or unknown code."""
    concept = load_vocabulary("purposes").get(code)
    return bool(concept and concept.safeguarding)
