"""SKOS concept schemes (JSON-LD), shipped as package data.

Read them through ``singleview.standards.vocabulary``.
"""
