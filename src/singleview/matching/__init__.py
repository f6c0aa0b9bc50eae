"""Matching: find the right child in the node's records, or say honestly that we cannot.

Data flows one way: ``standardise`` (pure) → ``blocking`` keys → candidates from the node's
own index tables (``storage``) → the pure Fellegi-Sunter ``scorer`` with m and u read from
the model file (``model``) → ``bands`` → a ``MatchResult`` carrying its waterfall
explanation (``result``). Splink is used only to train (``train``), never on the request path.

Public functions for other capabilities:

- ``service.match(session, person, model) -> MatchResult``: the responder's call. Only
  ``result.releasable_record_id`` (set for a single ``certain`` match) may have involvements
  released; ``possible`` and ``multipleMatches`` allow contact details only.
- ``service.index_callback(session)``: pass to ``records.service.import_records`` /
  ``import_file`` as ``on_people_changed`` so the index follows every import;
  ``service.rebuild_index(session)`` rebuilds it from the records.
- ``model.load_default_model()`` / ``model.load_model(path)``: the shipped or a retrained model.
- ``standardise.lenient_person(raw_json)``: drops an NHS number failing Modulus 11 (or a bad
  postcode) from raw Person JSON with a note, before parsing, so it counts as absent.

The minimum an enquiry must carry is ``bands.MINIMUM_FOR_MATCHING``: a valid NHS number; or a
family name and a date of birth known at least to the month; or a given name, a family name
and a postcode. Below it the answer is ``insufficient``, never a guess.

Commands: ``singleview match train | calibrate | batch | reindex``.
"""
