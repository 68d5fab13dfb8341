"""The API of victims: read-only, members only, each read of a record logged."""
