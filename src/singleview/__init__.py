"""singleview: answers to multi-agency safeguarding enquiries under the MAIS standards."""
