"""Victims and assistance."""
