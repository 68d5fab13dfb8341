"""What can go wrong at intake. Each is a ValueError with a message that says where and why."""

from __future__ import annotations


class EvidenceError(ValueError):
    """A file or its description was refused; nothing was stored."""


class EmptyFile(EvidenceError):
    pass


class FileTooLarge(EvidenceError):
    pass


class FileTypeNotAllowed(EvidenceError):
    pass


class UnsafeFileName(EvidenceError):
    pass


class BadMetadata(EvidenceError):
    pass


class DuplicateDerivative(EvidenceError):
    pass


class CustodyIsAppendOnly(Exception):
    """A custody event was to be changed or deleted: the chain of custody is never rewritten."""
