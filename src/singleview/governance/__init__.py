"""Governance: sharing policies (load, validate, version, export), the Policy Decision Point,
and the review queue where an IG officer settles what the PDP cannot."""
