"""The CSV export's rules without an app: the bytes Excel needs, formula injection, the filename."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest

from lti_tool.course_progress.domain.csv_export import (
    CsvWords,
    csv_bytes,
    csv_chunks,
    export_row,
    safe_cell,
    safe_filename,
    table,
)
from lti_tool.course_progress.domain.grid import (
    CellStatus,
    Column,
    LearnerFacts,
    ModuleFacts,
    build_rows,
)

WORDS = CsvWords(
    headers=("Nom", "Courriel", "Statut", "A lancé l'outil", "Dernière activité"),
    yes="oui",
    no="non",
    roster={"active": "Actif", "inactive": "Inactif", "deleted": "Retiré"},
    status={
        CellStatus.NOT_STARTED: "Pas commencé",
        CellStatus.IN_PROGRESS: "En cours",
        CellStatus.SUBMITTED: "Soumis",
        CellStatus.REVIEWED: "Révisé",
    },
)
COLUMNS = (Column("a", "Écoute", True), Column("b", "=Formule?", False))


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rCR", "'\rCR"),
        ("Zoë O'Connor", "Zoë O'Connor"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_safe_cell_neutralises_formulas_only_at_the_start(value: str, safe: str) -> None:
    assert safe_cell(value) == safe


def test_table_has_a_header_and_one_row_per_learner_all_cells_neutralised() -> None:
    people = [
        LearnerFacts(
            1,
            name="Jean-François Côté",
            email="jf@example.org",
            last_launch_at=datetime(2026, 3, 2, 3),
            modules={"a": ModuleFacts(True, datetime(2026, 3, 4), None)},
        ),
        LearnerFacts(
            2, name="=cmd|' /C calc'!A0", email="-x@example.org", roster_status="inactive"
        ),
    ]
    rows = build_rows(people, COLUMNS, date(2026, 3, 10))
    lines = list(
        table(map(export_row, rows), COLUMNS, WORDS, lambda moment: moment.date().isoformat())
    )
    assert lines[0] == [
        "Nom",
        "Courriel",
        "Statut",
        "A lancé l'outil",
        "Dernière activité",
        "Écoute",
        "'=Formule?",
    ]
    assert lines[1] == [
        "Jean-François Côté",
        "jf@example.org",
        "Actif",
        "oui",
        "2026-03-04",
        "En cours",
        "Pas commencé",
    ]
    assert lines[2] == [
        "'=cmd|' /C calc'!A0",
        "'-x@example.org",
        "Inactif",
        "non",
        "",
        "Pas commencé",
        "Pas commencé",
    ]


def test_csv_bytes_are_utf8_with_a_bom_and_crlf() -> None:
    body = csv_bytes([["Nom", "Note"], ["Zoë O'Connor", 'dit "bonjour", puis\nsort']])
    assert body.startswith(b"\xef\xbb\xbfNom,Note\r\n")
    assert "Zoë".encode() in body
    assert body.endswith(b"\r\n")
    text = body.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["Nom", "Note"],
        ["Zoë O'Connor", 'dit "bonjour", puis\nsort'],
    ]


def test_the_file_comes_in_pieces_of_whole_lines_with_one_bom_first() -> None:
    lines = [["Nom"], *([f"Personne {n}"] for n in range(5))]
    pieces = list(csv_chunks(lines, rows=2))
    assert len(pieces) == 3
    assert pieces[0].startswith(b"\xef\xbb\xbfNom\r\n")
    assert not any(piece.startswith(b"\xef\xbb\xbf") for piece in pieces[1:])
    assert all(piece.endswith(b"\r\n") for piece in pieces)
    assert b"".join(pieces) == csv_bytes(lines)
    assert list(csv_chunks([])) == [b"\xef\xbb\xbf"]


@pytest.mark.parametrize(
    ("label", "name"),
    [
        ("MFA-DEMO", "progress-MFA-DEMO-2026-03-10.csv"),
        ('MFA 9e année / groupe "A"', "progress-MFA-9e-annee-groupe-A-2026-03-10.csv"),
        ("../../etc/passwd", "progress-etc-passwd-2026-03-10.csv"),
        ("", "progress-course-2026-03-10.csv"),
        (None, "progress-course-2026-03-10.csv"),
        ("日本語", "progress-course-2026-03-10.csv"),
        ("x" * 200, f"progress-{'x' * 60}-2026-03-10.csv"),
    ],
)
def test_safe_filename(label: str | None, name: str) -> None:
    assert safe_filename(label, date(2026, 3, 10)) == name
