"""Domain models for the MAIS objects, their FHIR R4 mapping and the shipped vocabularies."""
