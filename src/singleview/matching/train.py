"""Train the match model with Splink on the node's own records (needs the ``train`` extra).

u probabilities come from random sampling of record pairs, m probabilities from expectation
maximisation over blocked pairs, the prior from deterministic rules, and the name term
frequencies from the records themselves. Splink is imported only here and in the tests and
benchmark that cross-check the scorer: the enquiry path never imports it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from singleview.matching.model import COMPARISONS, Comparison, MatchModel, splink_settings
from singleview.matching.standardise import MATCH_COLUMNS, StandardisedPerson

#: Columns whose exact matches are adjusted for how common the value is.
TF_COLUMNS = ("given", "family")

_LIST_COLUMNS = {
    "given_canonical",
    "given_all",
    "family_all",
    "postcodes",
    "sectors",
    "districts",
    "areas",
}
_INT_COLUMNS = {"dob_year", "dob_month", "dob_day"}


#: No level may make a match impossible: a wrong NHS number or date typed into one system must
#: be outweighable by everything else agreeing. EM happily drives m to 1e-24 on clean data.
M_FLOOR = 1e-4
#: Sex is weak evidence (recorded wrongly, or recorded as gender): at most one bit either way.
WEAK_EVIDENCE_BITS = {"sex": 1.0}


class TrainingError(RuntimeError):
    """Training could not produce a usable model (says which step and why)."""


def term_frequencies(people: Sequence[StandardisedPerson]) -> dict[str, dict[str, float]]:
    """How often each name occurs among ``people`` (share of those with the field present)."""
    tables: dict[str, dict[str, float]] = {}
    for column in TF_COLUMNS:
        counts = Counter(value for p in people if (value := getattr(p, column)) is not None)
        total = sum(counts.values())
        tables[column] = {value: n / total for value, n in counts.items()} if total else {}
    return tables


def duckdb_table(connection: Any, name: str, people: Sequence[StandardisedPerson]) -> None:
    """Create a DuckDB table ``name`` holding ``people`` in the matcher's columns, typed."""
    import pyarrow as pa  # type: ignore[import-untyped]

    fields = [pa.field("unique_id", pa.string())]
    for column in MATCH_COLUMNS:
        if column in _LIST_COLUMNS:
            fields.append(pa.field(column, pa.list_(pa.string())))
        elif column in _INT_COLUMNS:
            fields.append(pa.field(column, pa.int32()))
        else:
            fields.append(pa.field(column, pa.string()))
    arrow = pa.Table.from_pylist([p.as_columns() for p in people], schema=pa.schema(fields))
    connection.register(f"{name}_arrow", arrow)
    # Table names are the module's own constants, never user input.
    connection.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM "{name}_arrow"')  # noqa: S608
    connection.unregister(f"{name}_arrow")


def register_term_frequencies(
    linker: Any, db_api: Any, tables: Mapping[str, Mapping[str, float]]
) -> None:
    """Give Splink the model's own term-frequency tables so both sides use the same numbers."""
    import pyarrow as pa

    for column, table in tables.items():
        arrow = pa.table(
            {column: list(table.keys()), f"tf_{column}": [float(v) for v in table.values()]}
        )
        frame = db_api.register(arrow, dataset_display_name=f"tf_lookup_{column}")
        linker.table_management.register_term_frequency_lookup(frame, column)


def _model_from_linker(
    linker: Any, untrained: Sequence[Comparison], tf: dict[str, dict[str, float]]
) -> MatchModel:
    settings = linker._settings_obj  # Splink's resolved parameters (not-observed levels → 1e-6)
    comparisons = []
    for ours, theirs in zip(untrained, settings.comparisons, strict=True):
        levels = []
        for level, fitted in zip(ours.levels, theirs.comparison_levels, strict=True):
            if level.kind == "null":
                levels.append(level)
                continue
            m, u = fitted.m_probability, fitted.u_probability
            if m is None or u is None:
                raise TrainingError(f"level {level.label!r} of {ours.name!r} was not trained")
            levels.append(replace(level, m=float(m), u=float(u)))
        comparisons.append(Comparison(ours.name, tuple(levels)))
    return MatchModel(
        probability_two_random_records_match=float(settings._probability_two_random_records_match),
        comparisons=tuple(comparisons),
        term_frequencies=tf,
    )


def temper(model: MatchModel) -> MatchModel:
    """Floor every m at ``M_FLOOR`` and cap weak evidence at its stated number of bits."""
    comparisons = []
    for comparison in model.comparisons:
        cap = WEAK_EVIDENCE_BITS.get(comparison.name)
        levels = []
        for level in comparison.levels:
            if level.kind == "null" or level.m is None or level.u is None:
                levels.append(level)
                continue
            m = max(level.m, M_FLOOR)
            if cap is not None:
                m = min(max(m, level.u * 2.0**-cap), level.u * 2.0**cap)
            levels.append(replace(level, m=m))
        comparisons.append(Comparison(comparison.name, tuple(levels)))
    return replace(model, comparisons=tuple(comparisons))


def train_model(
    sources: Mapping[str, Sequence[StandardisedPerson]],
    *,
    seed: int = 1,
    max_pairs: float = 2e6,
    prior_recall: float = 0.8,
) -> MatchModel:
    """Estimate a model from one source (deduplication) or several (linkage between them)."""
    import duckdb
    from splink import DuckDBAPI, Linker

    logging.getLogger("splink").setLevel(logging.WARNING)
    everyone = [p for people in sources.values() for p in people]
    if len(everyone) < 100:
        raise TrainingError(f"only {len(everyone)} records: too few to estimate a model")
    untrained = MatchModel(probability_two_random_records_match=1e-4, comparisons=COMPARISONS)
    connection = duckdb.connect()
    frames = []
    for index, (name, people) in enumerate(sources.items()):
        table = f"source_{index}"
        duckdb_table(connection, table, people)
        frames.append(name)
    db_api = DuckDBAPI(connection)
    inputs = [
        db_api.register(f"source_{i}", dataset_display_name=f"input_{i}")
        for i in range(len(frames))
    ]
    link_type = "dedupe_only" if len(inputs) == 1 else "link_only"
    linker = Linker(
        inputs if len(inputs) > 1 else inputs[0],
        splink_settings(untrained, link_type),
        log_level=None,
    )
    tf = term_frequencies(everyone)
    register_term_frequencies(linker, db_api, tf)

    training = linker.training
    training.estimate_probability_two_random_records_match(
        [
            "l.nhs_number = r.nhs_number",
            "l.family = r.family and l.given = r.given and l.dob = r.dob",
        ],
        recall=prior_recall,
    )
    training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    # Two EM passes, each blocked on evidence the other estimates. Pairs sharing an NHS number
    # are almost all true matches, so the first pass learns how names, dates of birth and
    # addresses vary within one person without being misled by twins and siblings (who share
    # a date of birth, a family name and an address, and would otherwise pass for matches
    # with a mistyped given name). The second, blocked on full name and date of birth, learns
    # how often the NHS number is missing or wrong for the same person.
    training.estimate_parameters_using_expectation_maximisation("l.nhs_number = r.nhs_number")
    training.estimate_parameters_using_expectation_maximisation(
        "l.family = r.family and l.given = r.given and l.dob = r.dob"
    )
    model = temper(_model_from_linker(linker, COMPARISONS, tf))
    connection.close()
    return replace(
        model,
        trained_on={
            "records": len(everyone),
            "sources": {name: len(people) for name, people in sources.items()},
            "linkType": link_type,
            "trainedAt": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "seed": seed,
            "uMaxPairs": max_pairs,
            "method": "Splink: u by random sampling, m by EM (blocked on NHS number; on name and "
            "date of birth), "
            "prior from deterministic rules, term-frequency adjustment on given and family; "
            f"m floored at {M_FLOOR}, sex capped at one bit",
        },
    )


class SplinkScorer:
    """Splink's own prediction for single pairs on a given model (the benchmark's peer)."""

    def __init__(self, model: MatchModel, reference: Sequence[StandardisedPerson]) -> None:
        """Load ``model`` into a DuckDB-backed Splink linker over ``reference`` records."""
        import duckdb
        from splink import DuckDBAPI, Linker

        logging.getLogger("splink").setLevel(logging.WARNING)
        self._connection = duckdb.connect()
        duckdb_table(self._connection, "reference", reference)
        self._db_api = DuckDBAPI(self._connection)
        frame = self._db_api.register("reference", dataset_display_name="reference")
        self._linker = Linker(frame, splink_settings(model, "dedupe_only"), log_level=None)
        register_term_frequencies(self._linker, self._db_api, model.term_frequencies)
        self._calls = 0

    def score_pairs(
        self, enquiry: StandardisedPerson, records: Sequence[StandardisedPerson]
    ) -> dict[str, float]:
        """Splink's match probability for ``enquiry`` against each of ``records``."""
        scored = self.score_product([replace(enquiry, record_id="__enquiry__")], records)
        return {right: p for (_, right), p in scored.items()}

    def score_product(
        self, lefts: Sequence[StandardisedPerson], rights: Sequence[StandardisedPerson]
    ) -> dict[tuple[str, str], float]:
        """Splink's probability for every (left, right) pair, in one call."""
        self._calls += 1
        left_name, right_name = f"lefts_{self._calls}", f"rights_{self._calls}"
        duckdb_table(self._connection, left_name, lefts)
        duckdb_table(self._connection, right_name, rights)
        left = self._db_api.register(left_name)
        right = self._db_api.register(right_name)
        frame = self._linker.inference.score_pairs(left, right)
        rows = frame.as_record_list()
        frame.drop_table_from_database_and_remove_from_cache()
        for table in (left_name, right_name):
            self._connection.execute(f'DROP TABLE "{table}"')
        return {
            (str(row["unique_id_l"]), str(row["unique_id_r"])): float(row["match_probability"])
            for row in rows
        }
