"""Folders and files that Vigie creates are private to the account it runs as (docs/protection.md).

The home folder holds the database, the keys, the evidence and the attachments: folders are created
0700 and files 0600, whatever the process's umask, so that another account on the same machine can
read none of them. Folders and files that already exist keep their modes. No Django here: the
settings use it before Django is set up.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def private_dir(path: str | os.PathLike) -> Path:
    """Create the folder ``path``, and each missing folder above it, readable by its owner only."""
    path = Path(path)
    missing = []
    current = path
    while not os.path.lexists(current) and current != current.parent:
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR_MODE)
        except FileExistsError:
            continue  # another process made it meanwhile
        if os.name != "nt":
            os.chmod(folder, PRIVATE_DIR_MODE)  # the umask cannot widen it, but may narrow it oddly
    if not path.is_dir():
        raise FileExistsError(f"{path} exists and is not a folder")
    return path


def private_file(path: str | os.PathLike) -> Path:
    """Create ``path`` empty and readable by its owner only (0600), unless it exists; its folder too.

    An SQLite database created this way keeps its mode, and SQLite gives its -wal and -shm files the
    database file's mode.
    """
    path = Path(path)
    private_dir(path.parent)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        return path
    os.close(descriptor)
    if os.name != "nt":
        os.chmod(path, PRIVATE_FILE_MODE)
    return path
