"""The API of evidence: read-only, members only, each read of a record logged."""
