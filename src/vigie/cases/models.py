"""Investigations."""
