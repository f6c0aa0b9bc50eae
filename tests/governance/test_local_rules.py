"""The responder's local rules file."""

from __future__ import annotations

import pytest

from singleview.governance.local_rules import LocalRulesError, load_local_rules
from singleview.governance.models import LocalRules, Suppression


def test_local_rules_are_read_and_checked(tmp_path):
    path = tmp_path / "local-rules.yaml"
    path.write_text(
        "suppressions:\n"
        "  - {service: domestic-abuse-refuge, action: withhold}\n"
        "  - {service: sexual-health, action: review}\n"
    )
    assert load_local_rules(path) == LocalRules(
        (Suppression("domestic-abuse-refuge", "withhold"), Suppression("sexual-health", "review"))
    )
    assert load_local_rules(None) == LocalRules()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "suppressions:\n  - {service: knitting, action: withhold}\n",
            r"suppressions\[0\]\.service",
        ),
        ("suppressions:\n  - {service: camhs, action: hide}\n", r"suppressions\[0\]\.action"),
        ("suppressions:\n  - {service: camhs}\n", "needs exactly"),
        ("other: 1\n", "only 'suppressions'"),
    ],
)
def test_bad_local_rules_name_the_entry(tmp_path, text, message):
    path = tmp_path / "rules.yaml"
    path.write_text(text)
    with pytest.raises(LocalRulesError, match=message):
        load_local_rules(path)
