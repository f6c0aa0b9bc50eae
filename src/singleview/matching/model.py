"""The match model file: comparisons, their levels, m and u, term frequencies, thresholds.

One JSON file carries everything the enquiry-time scorer needs. Each comparison level is
described by a *kind* (exact, overlap, typo, ...) and the columns it reads; the same
description yields both the Splink SQL condition (for training and for checking the scorer
against Splink) and the pure-Python test (``singleview.matching.scorer``), so the two cannot
drift apart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any, Literal

FORMAT = "singleview-match-model/1"

LevelKind = Literal["null", "exact", "swapped", "overlap", "typo", "day_month_swapped", "else"]


class ModelFileError(ValueError):
    """A model file that cannot be read: names the file and what is wrong."""


@dataclass(frozen=True, slots=True)
class Level:
    """One comparison level: how to recognise it, and its m and u probabilities."""

    label: str
    kind: LevelKind
    columns: tuple[str, ...] = ()
    m: float | None = None
    u: float | None = None
    tf_column: str | None = None
    rules_out_certain: bool = False
    """A candidate in this level is never ``certain``, however high its score (see bands)."""

    def sql_condition(self) -> str:
        """The level as a Splink (DuckDB) SQL condition on ``<column>_l`` / ``<column>_r``."""
        c = self.columns
        if self.kind == "null":
            return " OR ".join(f'"{col}_l" IS NULL OR "{col}_r" IS NULL' for col in c)
        if self.kind == "exact":
            return f'"{c[0]}_l" = "{c[0]}_r"'
        if self.kind == "swapped":
            return f'"{c[0]}_l" = "{c[1]}_r" AND "{c[1]}_l" = "{c[0]}_r"'
        if self.kind == "overlap":
            return f'list_has_any("{c[0]}_l", "{c[0]}_r")'
        if self.kind == "typo":
            return f'damerau_levenshtein("{c[0]}_l", "{c[0]}_r") <= 1'
        if self.kind == "day_month_swapped":
            return (
                '"dob_year_l" = "dob_year_r" AND "dob_day_l" = "dob_month_r" '
                'AND "dob_month_l" = "dob_day_r"'
            )
        return "ELSE"


@dataclass(frozen=True, slots=True)
class Comparison:
    """One piece of evidence (e.g. family name), its levels in order: the first that holds wins."""

    name: str
    levels: tuple[Level, ...]


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Probabilities at or above which a candidate is ``certain`` or ``possible``."""

    certain: float
    possible: float
    how_set: str = ""


@dataclass(frozen=True, slots=True)
class MatchModel:
    """A trained Fellegi-Sunter model as the scorer uses it."""

    probability_two_random_records_match: float
    comparisons: tuple[Comparison, ...]
    term_frequencies: dict[str, dict[str, float]] = field(default_factory=dict)
    thresholds: Thresholds = Thresholds(certain=0.999, possible=0.5, how_set="untrained default")
    trained_on: dict[str, Any] = field(default_factory=dict)

    def with_thresholds(self, thresholds: Thresholds) -> MatchModel:
        """A copy with new thresholds (set from measurement)."""
        return replace(self, thresholds=thresholds)


def _level(
    label: str,
    kind: LevelKind,
    *columns: str,
    tf: str | None = None,
    rules_out_certain: bool = False,
) -> Level:
    return Level(
        label=label, kind=kind, columns=columns, tf_column=tf, rules_out_certain=rules_out_certain
    )


#: The comparisons the node trains, before m and u are known.
COMPARISONS: tuple[Comparison, ...] = (
    Comparison(
        "nhs_number",
        (
            _level("NHS number missing", "null", "nhs_number"),
            _level("NHS number the same", "exact", "nhs_number"),
            _level("NHS numbers differ", "else", rules_out_certain=True),
        ),
    ),
    Comparison(
        "given_name",
        (
            _level("given name missing", "null", "given", rules_out_certain=True),
            _level("given name the same", "exact", "given", tf="given"),
            _level("same name once nicknames are resolved", "overlap", "given_canonical"),
            _level("given and family names swapped", "swapped", "given", "family"),
            _level("a given or middle name in common", "overlap", "given_all"),
            _level("given name one typo apart", "typo", "given"),
            _level("given names sound alike", "exact", "given_sound"),
            _level("given names differ", "else", rules_out_certain=True),
        ),
    ),
    Comparison(
        "family_name",
        (
            _level("family name missing", "null", "family"),
            _level("family name the same", "exact", "family", tf="family"),
            _level("given and family names swapped", "swapped", "family", "given"),
            _level(
                "a current, previous or hyphenated family name in common", "overlap", "family_all"
            ),
            _level("family name one typo apart", "typo", "family"),
            _level("family names sound alike", "exact", "family_sound"),
            _level("family names differ", "else"),
        ),
    ),
    Comparison(
        "date_of_birth",
        (
            _level("date of birth missing", "null", "dob_year"),
            _level("date of birth the same", "exact", "dob"),
            _level("day and month swapped", "day_month_swapped"),
            _level("same year and month (day differs or unknown)", "exact", "dob_year_month"),
            _level("date of birth one typo apart", "typo", "dob"),
            _level("same year of birth only", "exact", "dob_year"),
            _level("dates of birth differ", "else", rules_out_certain=True),
        ),
    ),
    Comparison(
        "postcode",
        (
            _level("no postcode", "null", "postcodes"),
            _level("a postcode in common (any address in the history)", "overlap", "postcodes"),
            _level("a postcode sector in common", "overlap", "sectors"),
            _level("a postcode district in common", "overlap", "districts"),
            _level("a postcode area in common", "overlap", "areas"),
            _level("postcodes far apart", "else"),
        ),
    ),
    Comparison(
        "sex",
        (
            _level("sex not known", "null", "sex"),
            _level("sex the same", "exact", "sex"),
            _level("sex differs", "else"),
        ),
    ),
)


def _level_to_json(level: Level) -> dict[str, Any]:
    out: dict[str, Any] = {"label": level.label, "kind": level.kind, "columns": list(level.columns)}
    if level.kind != "null":
        out["m"] = level.m
        out["u"] = level.u
    if level.tf_column:
        out["tfColumn"] = level.tf_column
    if level.rules_out_certain:
        out["rulesOutCertain"] = True
    return out


def model_to_json(model: MatchModel) -> dict[str, Any]:
    """The model file's JSON object."""
    return {
        "format": FORMAT,
        "probabilityTwoRandomRecordsMatch": model.probability_two_random_records_match,
        "comparisons": [
            {"name": c.name, "levels": [_level_to_json(level) for level in c.levels]}
            for c in model.comparisons
        ],
        "thresholds": {
            "certain": model.thresholds.certain,
            "possible": model.thresholds.possible,
            "howSet": model.thresholds.how_set,
        },
        "trainedOn": model.trained_on,
        "termFrequencies": model.term_frequencies,
    }


def model_from_json(data: dict[str, Any], source: str = "model") -> MatchModel:
    """Parse a model file's JSON object; ModelFileError names the source and the problem."""
    if data.get("format") != FORMAT:
        raise ModelFileError(f"{source}: format is {data.get('format')!r}, expected {FORMAT!r}")
    try:
        comparisons = tuple(
            Comparison(
                name=str(c["name"]),
                levels=tuple(
                    Level(
                        label=str(level["label"]),
                        kind=level["kind"],
                        columns=tuple(level.get("columns", ())),
                        m=level.get("m"),
                        u=level.get("u"),
                        tf_column=level.get("tfColumn"),
                        rules_out_certain=bool(level.get("rulesOutCertain", False)),
                    )
                    for level in c["levels"]
                ),
            )
            for c in data["comparisons"]
        )
        thresholds = Thresholds(
            certain=float(data["thresholds"]["certain"]),
            possible=float(data["thresholds"]["possible"]),
            how_set=str(data["thresholds"].get("howSet", "")),
        )
        model = MatchModel(
            probability_two_random_records_match=float(data["probabilityTwoRandomRecordsMatch"]),
            comparisons=comparisons,
            term_frequencies={
                column: {str(k): float(v) for k, v in table.items()}
                for column, table in data.get("termFrequencies", {}).items()
            },
            thresholds=thresholds,
            trained_on=dict(data.get("trainedOn", {})),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ModelFileError(f"{source}: malformed model file ({error!r})") from error
    for comparison in model.comparisons:
        for level in comparison.levels:
            if level.kind != "null" and (level.m is None or level.u is None):
                raise ModelFileError(
                    f"{source}: level {level.label!r} of {comparison.name!r} has no m or u; "
                    "train the model first"
                )
    return model


def load_model(path: Path) -> MatchModel:
    """Read a model file written by ``singleview match train``."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ModelFileError(f"{path}: cannot read the model file ({error})") from error
    return model_from_json(data, str(path))


def save_model(model: MatchModel, path: Path) -> None:
    """Write the model file (UTF-8 JSON)."""
    path.write_text(json.dumps(model_to_json(model), indent=1, sort_keys=False) + "\n", "utf-8")


def splink_settings(model: MatchModel, link_type: str = "link_only") -> dict[str, Any]:
    """The same model as a Splink settings dictionary (for training and cross-checking)."""
    comparisons = []
    for comparison in model.comparisons:
        levels = []
        for level in comparison.levels:
            entry: dict[str, Any] = {
                "sql_condition": level.sql_condition(),
                "label_for_charts": level.label,
            }
            if level.kind == "null":
                entry["is_null_level"] = True
            else:
                if level.m is not None:
                    entry["m_probability"] = level.m
                if level.u is not None:
                    entry["u_probability"] = level.u
            if level.tf_column:
                entry["tf_adjustment_column"] = level.tf_column
                entry["tf_adjustment_weight"] = 1.0
            levels.append(entry)
        comparisons.append({"output_column_name": comparison.name, "comparison_levels": levels})
    return {
        "link_type": link_type,
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": model.probability_two_random_records_match,
        "comparisons": comparisons,
        "retain_intermediate_calculation_columns": True,
        "retain_matching_columns": True,
    }


def default_model_path() -> Path:
    """The model shipped with singleview (trained and calibrated on synthetic data)."""
    return Path(str(resources.files("singleview.matching"))) / "data" / "model.json"


def load_default_model() -> MatchModel:
    """Read the shipped model (a node should retrain on its own records when it can)."""
    return load_model(default_model_path())
