"""Policy documents: read YAML or JSON, validate, and give each version its canonical digest.

The digest is what requester and responder compare to prove they hold the same agreement, so
it is taken over a canonical form rather than the text an author typed: the validated policy
with defaults filled in, serialised as RFC 8785 (JSON Canonicalization Scheme) JSON. Comments,
key order and layout therefore never change a digest; any change of meaning does.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from singleview.standards.sharing_policy import SharingPolicy

POLICY_SUFFIXES = (".yaml", ".yml", ".json")


class PolicyDocumentError(ValueError):
    """A policy document that cannot be read or is not a valid SharingPolicy.

    ``problems`` lists each one as ``(field, line, message)``; ``line`` is 1-based, or None
    where the format gives no line (JSON, or a field that is missing altogether).
    """

    def __init__(self, source: str, problems: Sequence[tuple[str, int | None, str]]) -> None:
        self.source = source
        self.problems = tuple(problems)
        lines = [
            f"{source}{f':{line}' if line else ''}: {field or '(document)'}: {message}"
            for field, line, message in self.problems
        ]
        super().__init__("\n".join(lines))


@dataclass(frozen=True, slots=True)
class PolicyVersion:
    """One validated policy version with its canonical text and SHA-256 digest."""

    policy: SharingPolicy
    canonical: str
    digest: str

    @property
    def policy_id(self) -> str:
        """The policy's identifier value."""
        return self.policy.policy_id

    @property
    def version(self) -> int:
        """The policy's version number."""
        return self.policy.version


def canonical_json(value: Any) -> str:
    """RFC 8785 canonical JSON of ``value`` (objects with UTF-16-ordered keys, no whitespace).

    Policy documents hold no fractional numbers, so floats are refused rather than risk
    differing from the ECMAScript number formatting RFC 8785 requires.
    """
    if isinstance(value, Mapping):
        items = sorted(value.items(), key=lambda kv: str(kv[0]).encode("utf-16-be"))
        inner = ",".join(f"{canonical_json(str(k))}:{canonical_json(v)}" for k, v in items)
        return "{" + inner + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(canonical_json(v) for v in value) + "]"
    if isinstance(value, float):
        raise TypeError("canonical policy documents hold no fractional numbers")
    return json.dumps(value, ensure_ascii=False)


def policy_version(policy: SharingPolicy) -> PolicyVersion:
    """The canonical form and digest of a validated policy."""
    document = policy.model_dump(mode="json", by_alias=True, exclude_none=True)
    canonical = canonical_json(document)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return PolicyVersion(policy=policy, canonical=canonical, digest=digest)


def _field_path(loc: Iterable[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line_of(node: yaml.Node | None, loc: Sequence[int | str]) -> int | None:
    """The 1-based line of the YAML node at ``loc``, or of its nearest parent that exists."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            child = node.value[part] if part < len(node.value) else None
        else:
            child = None
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line


def parse_policy(text: str, source: str, *, is_json: bool = False) -> PolicyVersion:
    """Validate one policy document's text; errors name the field and, for YAML, the line."""
    root: yaml.Node | None = None
    try:
        if is_json:
            data = json.loads(text)
        else:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
            data = yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise PolicyDocumentError(source, [("", exc.lineno, exc.msg)]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise PolicyDocumentError(source, [("", line, str(exc).splitlines()[0])]) from exc
    if not isinstance(data, dict):
        raise PolicyDocumentError(source, [("", 1, "a policy document must be a mapping")])
    try:
        policy = SharingPolicy.model_validate(data)
    except ValidationError as exc:
        problems = [
            (_field_path(err["loc"]), _line_of(root, err["loc"]), err["msg"])
            for err in exc.errors()
        ]
        raise PolicyDocumentError(source, problems) from exc
    return policy_version(policy)


def load_policy_file(path: Path) -> PolicyVersion:
    """Read and validate one policy file (``.yaml``, ``.yml`` or ``.json``)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyDocumentError(str(path), [("", None, exc.strerror or str(exc))]) from exc
    return parse_policy(text, str(path), is_json=path.suffix == ".json")


class PolicyFolderError(ValueError):
    """One or more documents in a policy folder are invalid; ``errors`` holds each one."""

    def __init__(self, errors: Sequence[PolicyDocumentError]) -> None:
        self.errors = tuple(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


def load_policy_folder(folder: Path) -> list[PolicyVersion]:
    """Every policy file in ``folder`` (not recursive), validated, in file-name order.

    All files are checked before failing, so one run reports every broken document.
    """
    versions: list[PolicyVersion] = []
    errors: list[PolicyDocumentError] = []
    for path in sorted(p for p in folder.iterdir() if p.suffix in POLICY_SUFFIXES):
        try:
            versions.append(load_policy_file(path))
        except PolicyDocumentError as exc:
            errors.append(exc)
    if errors:
        raise PolicyFolderError(errors)
    return versions


def starter_policies() -> list[PolicyVersion]:
    """The policies every node ships: statutory s47, the agreement template (a draft),
    professional judgement (always REVIEW) and the refusal of non-safeguarding purposes."""
    return load_policy_folder(Path(str(resources.files("singleview.governance") / "starter")))
