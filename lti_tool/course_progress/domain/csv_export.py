"""The progress grid as a CSV file that opens cleanly in Excel, and safe to open there.

Pure (standard library only). Excel reads a CSV as the machine's legacy code page unless the file
starts with a UTF-8 byte-order mark, which is how "Côté" survives a double-click; rows end with CRLF
(RFC 4180). A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return would be run as a
formula by a spreadsheet (CSV injection: a learner chooses their own LMS name), so it gets a leading
apostrophe, which spreadsheets show as text. Words (status, yes/no, headers) arrive translated: pure
code has no locale. The file is written as it is read, a batch of rows at a time (`csv_chunks`), so
a course of any size never sits in memory whole.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice
from typing import NamedTuple

from lti_tool.course_progress.domain.grid import CellStatus, Column, LearnerRow

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")
MAX_LABEL_CHARS = 60
ROWS_PER_CHUNK = 500  # rows written per piece of the streamed file


class ExportRow(NamedTuple):
    """What one line of the file says about a learner: their state in each column, in order."""

    name: str
    email: str
    roster_status: str
    launched: bool
    last_activity: datetime | None
    statuses: tuple[CellStatus, ...]


def export_row(row: LearnerRow) -> ExportRow:
    """The line of a computed grid row (the page's own rules, `grid.learner_row`)."""
    facts = row.facts
    statuses = tuple(cell.status for cell in row.cells)
    return ExportRow(
        facts.name, facts.email, facts.roster_status, row.launched, row.last_activity, statuses
    )


@dataclass(frozen=True)
class CsvWords:
    """The translated words of the export: the five person headers, yes/no, roster and status
    words (by `CellStatus` and roster status)."""

    headers: tuple[str, str, str, str, str]  # name, email, roster status, launched, last activity
    yes: str
    no: str
    roster: Mapping[str, str]
    status: Mapping[CellStatus, str]


def safe_cell(value: str) -> str:
    """The value, with a leading apostrophe if a spreadsheet would read it as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def table(
    rows: Iterable[ExportRow],
    columns: Sequence[Column],
    words: CsvWords,
    day: Callable[[datetime], str],
) -> Iterator[list[str]]:
    """The header row, then one row per learner, as `rows` come; `day` writes a time as an ISO
    date (YYYY-MM-DD) in the reader's time zone. Every cell is already neutralised."""
    header = [*words.headers, *(column.title for column in columns)]
    yield [safe_cell(value) for value in header]
    for row in rows:
        line = [
            row.name,
            row.email,
            words.roster.get(row.roster_status, row.roster_status),
            words.yes if row.launched else words.no,
            day(row.last_activity) if row.last_activity else "",
            *(words.status[status] for status in row.statuses),
        ]
        yield [safe_cell(str(value)) for value in line]


def csv_chunks(lines: Iterable[Sequence[str]], rows: int = ROWS_PER_CHUNK) -> Iterator[bytes]:
    """The file in pieces of `rows` lines: UTF-8, a byte-order mark first, CRLF line ends, quoted
    only where needed."""
    pending = iter(lines)
    first = True
    while batch := list(islice(pending, rows)):
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(batch)
        yield ((BOM if first else "") + out.getvalue()).encode("utf-8")
        first = False
    if first:
        yield BOM.encode("utf-8")


def csv_bytes(lines: Iterable[Sequence[str]]) -> bytes:
    """The whole file at once (`csv_chunks` joined)."""
    return b"".join(csv_chunks(lines))


def safe_filename(label: str | None, today: date, prefix: str = "progress") -> str:
    """`progress-<label>-<date>.csv` in plain ASCII letters, digits, dots, dashes and
    underscores, so every browser and file system keeps it as is ("MFA 9e année" →
    "MFA-9e-annee")."""
    plain = unicodedata.normalize("NFKD", label or "").encode("ascii", "ignore").decode()
    slug = _UNSAFE_FILENAME.sub("-", plain).strip("-._")[:MAX_LABEL_CHARS].strip("-._")
    return f"{prefix}-{slug or 'course'}-{today.isoformat()}.csv"
