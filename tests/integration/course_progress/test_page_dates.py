"""The grid's dates, formatted once per day for a page, read exactly as flask_babel's format_date.

The page converts each time to the reader's zone with an offset looked up once per UTC day
(`views._page_dates`): checked here against `format_date` in zones with summer time, a half-hour
offset and a half-hour change of offset (Lord Howe), in English and French, every 7 minutes
across both changes of 2026 and at random times through the year.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from flask_babel import format_date

from lti_tool.course_progress.views import _page_dates
from tests.conftest import make_app


def _moments() -> list[datetime]:
    rng = random.Random(7)  # noqa: S311 - test data
    near_changes = [
        start + timedelta(minutes=7 * n)
        for start in (datetime(2026, 3, 6), datetime(2026, 4, 3), datetime(2026, 10, 2))
        for n in range(0, 3 * 24 * 60 // 7 * 3)
    ]
    through_the_year = [
        datetime(2026, 1, 1) + timedelta(seconds=rng.randrange(365 * 24 * 3600))
        for _ in range(2000)
    ]
    return [*near_changes, *through_the_year, datetime(2026, 3, 8, 7, 0, tzinfo=UTC)]


@pytest.mark.parametrize("zone", ["America/Toronto", "Asia/Kolkata", "Australia/Lord_Howe", "UTC"])
@pytest.mark.parametrize("locale", ["en", "fr"])
def test_each_day_reads_as_format_date_gives_it(zone: str, locale: str, tmp_path) -> None:
    app = make_app(
        {
            "BABEL_DEFAULT_TIMEZONE": zone,
            "BABEL_DEFAULT_LOCALE": locale,
            "INSTANCE_PATH": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        }
    )
    with app.test_request_context():
        day = _page_dates()
        for moment in _moments():
            assert day(moment, "medium") == format_date(moment, "medium"), moment
        assert day(date(2026, 3, 8)) == format_date(date(2026, 3, 8), "medium")
        assert ("mars" in day(date(2026, 3, 8))) == (locale == "fr")  # the locale is applied
