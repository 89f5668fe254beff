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

from babel.dates import DateTimePattern, get_date_format, parse_pattern
from flask import Response, current_app, render_template, request, stream_with_context
from flask_babel import get_locale, get_timezone, lazy_pgettext, to_user_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from lti_tool.course_progress import services
from lti_tool.course_progress.domain.csv_export import CsvWords, csv_chunks, safe_filename, table
from lti_tool.course_progress.domain.grid import (
    LAUNCHED_FILTERS,
    ROSTER_DELETED,
    ROSTER_FILTERS,
    ROSTER_INACTIVE,
    Cell,
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
    hundreds of dates on fewer days, and flask_babel looks up the locale, the zone and the format,
    and converts the time, on every call. Same result as `flask_babel.format_date` (a test
    checks): the day in the reader's zone, as `to_user_timezone` gives it, formatted. The zone's offset is
    looked up once per UTC day, and used as is when it is the same at both ends of the day (a
    zone changes its offset at most once a day); otherwise the time is converted exactly."""
    zone, locale = get_timezone(), get_locale()
    offsets: dict[date, timedelta | None] = {}
    formatted: dict[tuple[date, str], str] = {}
    patterns: dict[str, DateTimePattern] = {}

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
            # What format_date does for a date and a named format (the app names no formats of
            # its own), with the locale's pattern parsed once.
            if format not in patterns:
                patterns[format] = parse_pattern(get_date_format(format, locale))
            formatted[key] = patterns[format].apply(key[0], locale)
        return formatted[key]

    return day


def _cells(words: dict[CellStatus, str], day: Callable[..., str]) -> Callable[[Cell], Markup]:
    """A grid cell's `<td>`: its status in words beside its symbol, the day it got there and the
    overdue mark. Jinja spent more on a page's 400 cells than the database on the whole page, so
    the pieces are made once (a start per status, a date per day), each escaped by
    `Markup.format`, and joined."""
    starts = {
        status: str(
            Markup(
                '<td class="progress-cell progress-{}"><span aria-hidden="true" '
                'class="progress-symbol">{}</span> {}'
            ).format(status.value, STATUS_SYMBOLS[status], words[status])
        )
        for status in CellStatus
    }
    overdue = str(
        Markup(
            ' <strong class="progress-overdue"><span aria-hidden="true">⚠</span> {}</strong>'
        ).format(_("Overdue"))
    )
    dates: dict[str, str] = {}

    def cell_html(cell: Cell) -> Markup:
        html = starts[cell.status]
        if cell.on:
            on = day(cell.on)
            if on not in dates:
                dates[on] = str(Markup(' <span class="progress-date">{}</span>').format(on))
            html += dates[on]
        if cell.overdue:
            html += overdue
        return Markup(html + "</td>")  # noqa: S704 - pieces escaped above

    return cell_html


@blueprint.get("/progress/")
@roles_required(ToolRole.FACILITATOR, ToolRole.MENTOR)
def grid():
    launch = current_launch()
    progress = services.course_progress(db.session, launch, catalogue_of(current_app), request.args)
    page = progress.page
    status_words = {status: str(word) for status, word in STATUS_WORDS.items()}
    dates = _page_dates()
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
        status_words=status_words,
        status_symbols=STATUS_SYMBOLS,
        roster_words={status: str(word) for status, word in ROSTER_WORDS.items()},
        roster_choices=ROSTER_CHOICES,
        launched_choices=LAUNCHED_CHOICES,
        sort_choices=SORT_CHOICES,
        order_choices=ORDER_CHOICES,
        format_date=dates,
        cell_html=_cells(status_words, dates),
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
