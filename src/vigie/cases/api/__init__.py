"""The API of investigations: read-only, members only, each read of a record logged."""
