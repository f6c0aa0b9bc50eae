"""Policy documents: validation that names the field, canonical JSON and digests."""

from __future__ import annotations

import hashlib
import json

import pytest
import yaml

from singleview.governance.documents import (
    PolicyDocumentError,
    PolicyFolderError,
    canonical_json,
    load_policy_folder,
    parse_policy,
    starter_policies,
)

from .conftest import agreement_document, version_of


def test_canonical_json_follows_rfc_8785_ordering_and_spacing():
    # Keys sort by UTF-16 code units, not code points: U+1F600 is the surrogate pair
    # D83D DE00, so it sorts before U+FB01 although its code point is higher.
    value = {"b": [1, True, None], "a": "x\ny", "\ufb01": 1, "\U0001f600": 2}
    assert canonical_json(value) == '{"a":"x\\ny","b":[1,true,null],"\U0001f600":2,"\ufb01":1}'
    with pytest.raises(TypeError):
        canonical_json({"a": 1.5})


def test_digest_ignores_layout_comments_and_key_order_but_not_meaning():
    doc = agreement_document()
    as_yaml = "# a comment an author added\n" + yaml.safe_dump(doc, sort_keys=True)
    as_json = json.dumps(dict(reversed(list(doc.items()))), indent=4)
    from_yaml = parse_policy(as_yaml, "a.yaml")
    from_json = parse_policy(as_json, "a.json", is_json=True)
    assert from_yaml.digest == from_json.digest == version_of(doc).digest
    assert from_yaml.digest == hashlib.sha256(from_yaml.canonical.encode()).hexdigest()
    changed = version_of(agreement_document(endDate="2027-03-30"))
    assert changed.digest != from_yaml.digest


def test_defaults_written_out_or_left_out_give_the_same_digest():
    explicit = agreement_document(status="active", prohibitions=[], securityMeasures=[])
    assert version_of(explicit).digest == version_of(agreement_document()).digest


def test_errors_name_the_field_and_line():
    doc = agreement_document()
    doc["permission"] = {**doc["permission"], "practitionerRoles": ["social-worker", "wizard"]}
    doc["endDate"] = "not a date"
    text = yaml.safe_dump(doc, sort_keys=False)
    with pytest.raises(PolicyDocumentError) as caught:
        parse_policy(text, "dsa.yaml")
    problems = {field: line for field, line, _ in caught.value.problems}
    lines = text.splitlines()
    assert lines[problems["endDate"] - 1].startswith("endDate:")
    assert "wizard" in lines[problems["permission.practitionerRoles[1]"] - 1]
    assert "dsa.yaml:" in str(caught.value)


def test_route_rules_are_enforced_with_the_field_named():
    one_party = agreement_document(parties=[{"name": "Only us", "catalogueIds": ["la-leeds"]}])
    with pytest.raises(PolicyDocumentError, match="parties: an agreement needs at least two"):
        parse_policy(json.dumps(one_party), "x.json", is_json=True)
    permission = dict(agreement_document()["permission"], outcome="permit")
    judgement = agreement_document(route="professional-judgement", permission=permission)
    with pytest.raises(PolicyDocumentError, match="professional judgement is never automatic"):
        parse_policy(json.dumps(judgement), "x.json", is_json=True)
    backwards = agreement_document(startDate="2027-01-01", endDate="2026-01-01")
    with pytest.raises(PolicyDocumentError, match="endDate is before startDate"):
        parse_policy(json.dumps(backwards), "x.json", is_json=True)


def test_syntax_errors_give_a_line():
    with pytest.raises(PolicyDocumentError) as caught:
        parse_policy("name: [unclosed\nroute: x\n", "bad.yaml")
    assert caught.value.problems[0][1] is not None
    with pytest.raises(PolicyDocumentError, match=r"bad\.json:3"):
        parse_policy('{\n"a": 1,\n}', "bad.json", is_json=True)


def test_a_folder_reports_every_broken_file(tmp_path):
    (tmp_path / "a.yaml").write_text("identifier: {}\n")
    (tmp_path / "b.json").write_text("[]")
    (tmp_path / "notes.txt").write_text("ignored")
    with pytest.raises(PolicyFolderError) as caught:
        load_policy_folder(tmp_path)
    assert [e.source.rsplit("/", 1)[-1] for e in caught.value.errors] == ["a.yaml", "b.json"]


def test_starter_policies_are_valid_and_stable():
    ids = {v.policy_id: v for v in starter_policies()}
    assert set(ids) == {
        "sv-statutory-s47",
        "sv-agreement-template",
        "sv-professional-judgement",
        "sv-non-safeguarding",
    }
    assert ids["sv-agreement-template"].policy.status == "draft"
