"""Accounts and access."""
