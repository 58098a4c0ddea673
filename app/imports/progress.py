"""The command line's view of an import: the file read through a byte counter, and a progress
bar of rows, rows per second and the time left (by the bytes still to read)."""

import io
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn


class CountingReader(io.RawIOBase):
    """A binary file that counts the bytes read from it."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self.raw.readinto(buffer)  # type: ignore[attr-defined]  # a file opened "rb"
        self.done += count or 0
        return count or 0


@contextmanager
def watched(path: Path) -> Iterator[tuple[IO[str], Any]]:
    """The file as text (UTF-8, a byte-order mark skipped), and the progress callback to pass
    to the import."""
    with (
        path.open("rb") as raw,
        Progress(
            TextColumn("{task.fields[rows]:>9,} rows"),
            TextColumn("{task.fields[rate]:>7,.0f} rows/s"),
            BarColumn(),
            TimeRemainingColumn(),
        ) as bar,
    ):
        counted = CountingReader(raw)
        stream = io.TextIOWrapper(io.BufferedReader(counted), encoding="utf-8-sig", newline="")
        task = bar.add_task("import", total=path.stat().st_size or 1, rows=0, rate=0.0)
        started = time.monotonic()

        def progress(rows: int) -> None:
            rate = rows / max(time.monotonic() - started, 1e-6)
            bar.update(task, completed=counted.done, rows=rows, rate=rate)

        yield stream, progress
