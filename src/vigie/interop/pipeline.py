"""Reading an import file into complete events, in this process or in a worker process.

Parsing is half of an import's work and needs no database: for a large file a worker process
parses while this one writes to the database, so that both cores work (bench/RESULTS.md).
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .prepared import Prepared, prepare
from .readers import READERS
from .records import Problem, ReportRecord
from .tables import TableError, open_table

WORKER_THRESHOLD_BYTES = 8 << 20  # below this, a worker costs more to start than it saves


@dataclass
class Tally:
    rows_read: int = 0
    rejected_rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


MergeRows = Callable[[ReportRecord, ReportRecord], list[Problem]]


def group_events(
    records: Iterable[ReportRecord | Problem], tally: Tally, merge_rows: MergeRows | None = None
) -> Iterator[Prepared]:
    """Yield complete events, prepared: rows of one event (ACLED's monadic form) are merged first,
    however far apart they are in the file, by the format's ``merge_rows`` (its reader's)."""
    pending: dict[str, ReportRecord] = {}
    for item in records:
        tally.rows_read += 1
        if isinstance(item, Problem):
            tally.rejected_rows += 1
            tally.problems.append(item)
            continue
        if item.notes:
            tally.warnings.extend(item.notes)
            item.notes = []
        earlier = pending.get(item.external_id)
        if earlier is not None:
            if merge_rows is None:
                raise ValueError(
                    f"event {item.external_id}: the format has no way to merge an event's rows"
                )
            tally.warnings.extend(merge_rows(earlier, item))
            item = earlier
        if len(item.lines) >= item.expected_rows:
            pending.pop(item.external_id, None)
            yield prepare(item)
        else:
            pending[item.external_id] = item
    for item in pending.values():
        tally.warnings.append(
            Problem(
                item.line,
                "interaction",
                f"event {item.external_id}: the interaction names two actors but only one of its rows was found",
                fatal=False,
            )
        )
        yield prepare(item)


def batched(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _events_inline(
    format_name: str,
    path: Path,
    encoding: str | None,
    options: dict,
    tally: Tally,
    on_read: Callable[[int], None] | None,
    batch_size: int,
) -> Iterator[list[Prepared]]:
    with open_table(path, encoding=encoding, on_read=on_read) as table:
        reader = READERS[format_name](table, **options)
        events = group_events(
            _with_table_problems(reader.records(), table), tally, reader.merge_rows
        )
        yield from batched(events, batch_size)


def _with_table_problems(
    records: Iterable[ReportRecord | Problem], table
) -> Iterator[ReportRecord | Problem]:
    """The reader's records, then the rows the file itself spoilt (undecodable bytes, broken CSV)."""
    yield from records
    yield from table.problems


def _worker(
    connection, format_name: str, path: str, encoding: str | None, options: dict, batch_size: int
) -> None:
    gc.disable()  # as in the writing process: no reference cycles here, and the collector halves the speed
    tally = Tally()
    read = 0

    def count(size: int) -> None:
        nonlocal read
        read += size

    try:
        for batch in _events_inline(
            format_name, Path(path), encoding, options, tally, count, batch_size
        ):
            connection.send(("batch", batch, read))
        connection.send(("done", tally, read))
    except (TableError, ValueError, UnicodeError) as error:
        connection.send(("error", f"{type(error).__name__}: {error}", read))
    finally:
        connection.close()


def _events_from_worker(
    format_name: str,
    path: Path,
    encoding: str | None,
    options: dict,
    tally: Tally,
    on_read: Callable[[int], None] | None,
    batch_size: int,
) -> Iterator[list[Prepared]]:
    context = multiprocessing.get_context(
        "spawn"
    )  # a clean process: no copy of our database connection
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_worker,
        args=(sender, format_name, str(path), encoding, options, batch_size),
        daemon=True,
        name="vigie-import-parser",
    )
    process.start()
    sender.close()
    reported = 0
    try:
        while True:
            try:
                kind, payload, read = receiver.recv()
            except EOFError:
                raise RuntimeError(
                    "the parsing process stopped without finishing (see its error above)"
                ) from None
            if on_read is not None and read > reported:
                on_read(read - reported)
                reported = read
            if kind == "batch":
                yield payload
            elif kind == "done":
                tally.rows_read += payload.rows_read
                tally.rejected_rows += payload.rejected_rows
                tally.problems.extend(payload.problems)
                tally.warnings.extend(payload.warnings)
                return
            else:
                raise ValueError(payload)
    finally:
        receiver.close()
        process.join(timeout=5)
        if process.is_alive():
            process.kill()


def read_events(
    format_name: str,
    path: Path,
    *,
    encoding: str | None = None,
    options: dict | None = None,
    tally: Tally,
    on_read: Callable[[int], None] | None = None,
    batch_size: int = 20_000,
    parallel: bool | None = None,
) -> Iterator[list[Prepared]]:
    """Complete events of the file, in batches. ``parallel``: None decides by the file's size."""
    if format_name not in READERS:
        raise ValueError(
            f"unknown import format {format_name!r} (known: {', '.join(sorted(READERS))})"
        )
    options = options or {}
    if parallel is None:
        parallel = path.stat().st_size >= WORKER_THRESHOLD_BYTES
    source = _events_from_worker if parallel else _events_inline
    return source(format_name, path, encoding, options, tally, on_read, batch_size)
