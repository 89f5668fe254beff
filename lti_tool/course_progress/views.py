"""Progress at a glance, bound to a launch (`/l/<launch_id>/progress/…`).

- `GET /progress/` the grid: learners by assigned module, each cell a status in words with its
  own symbol and date; a GET form filters, searches and sorts (no script needed), 50 a page.
  Facilitators see the course's learners; mentors the people they mentor, titled for them.
- `GET /progress/export.csv` the same rows (same filters, all pages) as a CSV for Excel,
  streamed as it is read: facilitators only.

Learners get 403 on both (the role check here, and again in the services). Nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from flask import Response, current_app, render_template, request, stream_with_context
from flask_babel import format_date, get_timezone, lazy_pgettext, to_user_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lti_tool.course_progress import services
from lti_tool.course_progress.domain.csv_export import CsvWords, csv_chunks, safe_filename, table
from lti_tool.course_progress.domain.grid import (
    LAUNCHED_FILTERS,
    ROSTER_DELETED,
    ROSTER_FILTERS,
    ROSTER_INACTIVE,
    CellStatus,
)
from lti_tool.course_progress.domain.paging import page_links
from lti_tool.db import utcnow
from lti_tool.extensions import db
from lti_tool.launches.binding import current_launch, launch_blueprint, roles_required
from lti_tool.learning_modules.services.catalogue import catalogue_of
from lti_tool.lti.roles import ToolRole

blueprint = launch_blueprint("course_progress", __name__)

STATUS_WORDS = {
    # A module's state: French agrees with "mini-module" (masculine), not with "réflexion".
    CellStatus.NOT_STARTED: lazy_pgettext("module status", "Not started"),
    CellStatus.IN_PROGRESS: lazy_pgettext("module status", "In progress"),
    CellStatus.SUBMITTED: lazy_pgettext("module status", "Submitted"),
    CellStatus.REVIEWED: lazy_pgettext("module status", "Reviewed"),
}
# A distinct shape per status, so no one depends on colour (WCAG 1.4.1); shown beside the word.
STATUS_SYMBOLS = {
    CellStatus.NOT_STARTED: "○",
    CellStatus.IN_PROGRESS: "◐",
    CellStatus.SUBMITTED: "✓",
    CellStatus.REVIEWED: "★",
}
ROSTER_WORDS = {
    "active": _l("Active"),
    ROSTER_INACTIVE: _l("Inactive"),
    ROSTER_DELETED: _l("Removed from the roster"),
}
ROSTER_CHOICES = dict(
    zip(
        ROSTER_FILTERS,
        (
            _l("On the roster (active or inactive)"),
            _l("Active"),
            _l("Inactive"),
            _l("Removed from the roster"),
        ),
        strict=True,
    )
)
LAUNCHED_CHOICES = dict(
    zip(
        LAUNCHED_FILTERS,
        (_l("Anyone"), _l("Has opened the tool"), _l("Never opened the tool")),
        strict=True,
    )
)
SORT_CHOICES = {
    "name": _l("Name"),
    "activity": _l("Last activity"),
    "submitted": _l("Modules submitted"),
}
ORDER_CHOICES = {"asc": _l("Ascending (A to Z, oldest, fewest)"), "desc": _l("Descending")}


def _page_dates() -> Callable[..., str]:
    """`format_date` for one page, each local day formatted once: a page of 50 learners shows
    hundreds of dates on few distinct days, and flask_babel looks up the locale, the zone and the
    format, and converts the time, on every call. Same result: the day in the reader's zone (as
    `to_user_timezone` gives it), formatted as `format_date` formats a date. The zone's offset is
    looked up once per UTC day, and used as is when it is the same at both ends of the day (a
    zone changes its offset at most once a day); otherwise the time is converted exactly."""
    zone = get_timezone()
    offsets: dict[date, timedelta | None] = {}
    formatted: dict[tuple[date, str], str] = {}

    def offset_on(day: date) -> timedelta | None:
        if day not in offsets:
            start = datetime.combine(day, time(), UTC)
            first, last = (
                zone.normalize(moment.astimezone(zone)).utcoffset()
                for moment in (start, start + timedelta(days=1, microseconds=-1))
            )
            offsets[day] = first if first == last else None
        return offsets[day]

    def local_day(moment: datetime) -> date:
        aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        utc = aware.astimezone(UTC)
        offset = offset_on(utc.date())
        if offset is None:
            return zone.normalize(utc.astimezone(zone)).date()
        return (utc + offset).date()

    def day(moment: date, format: str = "medium") -> str:
        key = (local_day(moment) if isinstance(moment, datetime) else moment, format)
        if key not in formatted:
            formatted[key] = format_date(key[0], format)
        return formatted[key]

    return day


@blueprint.get("/progress/")
@roles_required(ToolRole.FACILITATOR, ToolRole.MENTOR)
def grid():
    launch = current_launch()
    progress = services.course_progress(db.session, launch, catalogue_of(current_app), request.args)
    page = progress.page
    return render_template(
        "course_progress/grid.html",
        launch=launch,
        progress=progress,
        mentees=progress.audience == services.MENTEES,
        catalogue=catalogue_of(current_app),
        query=progress.query,
        page=page,
        page_links=page_links(page.number, page.pages),
        # Translated once for the page, not once per cell.
        status_words={status: str(word) for status, word in STATUS_WORDS.items()},
        status_symbols=STATUS_SYMBOLS,
        roster_words={status: str(word) for status, word in ROSTER_WORDS.items()},
        roster_choices=ROSTER_CHOICES,
        launched_choices=LAUNCHED_CHOICES,
        sort_choices=SORT_CHOICES,
        order_choices=ORDER_CHOICES,
        format_date=_page_dates(),
        done_of_total=_("%(done)d of %(total)d"),  # each row's "2 of 8", translated once
    )


def _iso_day(moment: datetime) -> str:
    """Stored times are naive UTC; the file gives the reader's local date, like the page."""
    return to_user_timezone(moment).date().isoformat()


@blueprint.get("/progress/export.csv")
@roles_required(ToolRole.FACILITATOR)
def export_csv():
    launch = current_launch()
    services.require_exporter(launch)
    filename = safe_filename(
        services.course_label(db.session, launch), to_user_timezone(utcnow()).date()
    )
    export = services.export(db.session, launch, catalogue_of(current_app), request.args)
    words = CsvWords(
        headers=(
            _("Name"),
            _("Email"),
            _("Roster status"),
            _("Launched the tool"),
            _("Last activity"),
        ),
        yes=_("yes"),
        no=_("no"),
        roster={key: str(word) for key, word in ROSTER_WORDS.items()},
        status={key: str(word) for key, word in STATUS_WORDS.items()},
    )

    def lines():
        # A connection of its own, held while the file is sent: Flask closes the request's
        # session (its app context's teardown) before a streamed body is read.
        # stream_with_context keeps the reader's language and time zone.
        with db.engine.connect() as connection:
            yield from csv_chunks(table(export.rows(connection), export.columns, words, _iso_day))

    body = stream_with_context(lines())
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",  # names and emails: no shared cache keeps a copy
        },
    )
