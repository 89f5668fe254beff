"""The progress grid as a CSV file that opens cleanly in Excel, and safe to open there.

Pure (standard library only). Excel reads a CSV as the machine's legacy code page unless the file
starts with a UTF-8 byte-order mark, which is how "Côté" survives a double-click; rows end with CRLF
(RFC 4180). A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return would be run as a
formula by a spreadsheet (CSV injection: a learner chooses their own LMS name), so it gets a leading
apostrophe, which spreadsheets show as text. Words (status, yes/no, headers) arrive translated: pure
code has no locale.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from lti_tool.course_progress.domain.grid import CellStatus, Column, LearnerRow

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")
MAX_LABEL_CHARS = 60


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
    rows: Iterable[LearnerRow],
    columns: Sequence[Column],
    words: CsvWords,
    day: Callable[[datetime], str],
) -> list[list[str]]:
    """The header row, then one row per learner; `day` writes a time as an ISO date (YYYY-MM-DD)
    in the reader's time zone. Every cell is already neutralised."""
    header = [*words.headers, *(column.title for column in columns)]
    body = [header]
    for row in rows:
        facts = row.facts
        body.append(
            [
                facts.name,
                facts.email,
                words.roster.get(facts.roster_status, facts.roster_status),
                words.yes if row.launched else words.no,
                day(row.last_activity) if row.last_activity else "",
                *(words.status[cell.status] for cell in row.cells),
            ]
        )
    return [[safe_cell(str(value)) for value in line] for line in body]


def csv_bytes(lines: Iterable[Sequence[str]]) -> bytes:
    """UTF-8 with a byte-order mark, CRLF line ends, quoted only where needed."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(lines)
    return (BOM + out.getvalue()).encode("utf-8")


def safe_filename(label: str | None, today: date, prefix: str = "progress") -> str:
    """`progress-<label>-<date>.csv` in plain ASCII letters, digits, dots, dashes and
    underscores, so every browser and file system keeps it as is ("MFA 9e année" →
    "MFA-9e-annee")."""
    plain = unicodedata.normalize("NFKD", label or "").encode("ascii", "ignore").decode()
    slug = _UNSAFE_FILENAME.sub("-", plain).strip("-._")[:MAX_LABEL_CHARS].strip("-._")
    return f"{prefix}-{slug or 'course'}-{today.isoformat()}.csv"
