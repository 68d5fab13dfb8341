"""The readers of the built-in import formats, free of Django so that a worker process can use them."""

from __future__ import annotations

from .acled import AcledReader
from .ucdp import UcdpGedReader
from .vigie_csv import VigieReportsReader

READERS = {"acled": AcledReader, "ucdp": UcdpGedReader, "reports": VigieReportsReader}
