"""Vigie: an observatory of harm to civilians and of accountability, built first for Mali and the Sahel."""

__version__ = "0.1.0"
