"""The examples in docs/importing-records.md import as the page says they do."""

from __future__ import annotations

import json
import re
from pathlib import Path

from singleview.records.importer import read_records
from singleview.records.models import Gap, ParsedRecord

DOC = Path(__file__).resolve().parents[2] / "docs" / "importing-records.md"


def _block(language: str) -> str:
    match = re.search(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert match, f"no {language} example in {DOC.name}"
    return match.group(1)


def test_the_documented_csv_example_imports(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(_block("csv"), encoding="utf-8")
    parsed = list(read_records(path))
    assert all(isinstance(item, ParsedRecord) for item in parsed), parsed
    first, second = (item for item in parsed if isinstance(item, ParsedRecord))
    assert first.stored.person.nhs_number == "9434765919"
    assert len(first.stored.involvements) == 2
    assert set(second.gaps) == set(Gap)


def test_the_documented_json_lines_example_imports(tmp_path: Path) -> None:
    path = tmp_path / "people.jsonl"
    path.write_text(json.dumps(json.loads(_block("json"))) + "\n", encoding="utf-8")
    (item,) = read_records(path)
    assert isinstance(item, ParsedRecord)
    assert item.gaps == ()
    assert [name.use for name in item.stored.person.names] == ["official", "maiden"]
