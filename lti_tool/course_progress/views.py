"""Progress at a glance, bound to a launch (`/l/<launch_id>/progress/…`).

- `GET /progress/` the grid: learners by assigned module, each cell a status in words with its
  own symbol and date; a GET form filters, searches and sorts (no script needed), 50 a page.
  Facilitators see the course's learners; mentors the people they mentor, titled for them.
- `GET /progress/export.csv` the same rows (same filters, all pages) as a CSV for Excel:
  facilitators only.

Learners get 403 on both (the role check here, and again in the services). Nothing is written.
"""

from __future__ import annotations

from datetime import datetime

from flask import Response, current_app, render_template, request
from flask_babel import format_date, lazy_pgettext, to_user_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lti_tool.course_progress import services
from lti_tool.course_progress.domain.csv_export import CsvWords, csv_bytes, safe_filename, table
from lti_tool.course_progress.domain.grid import (
    LAUNCHED_FILTERS,
    ROSTER_DELETED,
    ROSTER_FILTERS,
    ROSTER_INACTIVE,
    CellStatus,
    narrowed,
    parse_query,
)
from lti_tool.course_progress.domain.paging import page_links, paginate
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


def _load():
    launch = current_launch()
    progress = services.course_progress(db.session, launch, catalogue_of(current_app))
    slugs = [column.slug for column in progress.columns]
    query = parse_query(request.args, slugs)
    return launch, progress, query, narrowed(progress.rows, query, slugs)


@blueprint.get("/progress/")
@roles_required(ToolRole.FACILITATOR, ToolRole.MENTOR)
def grid():
    launch, progress, query, rows = _load()
    page = paginate(rows, query.page)
    return render_template(
        "course_progress/grid.html",
        launch=launch,
        progress=progress,
        mentees=progress.audience == services.MENTEES,
        catalogue=catalogue_of(current_app),
        query=query,
        page=page,
        page_links=page_links(page.number, page.pages),
        status_words=STATUS_WORDS,
        status_symbols=STATUS_SYMBOLS,
        roster_words=ROSTER_WORDS,
        roster_choices=ROSTER_CHOICES,
        launched_choices=LAUNCHED_CHOICES,
        sort_choices=SORT_CHOICES,
        order_choices=ORDER_CHOICES,
        format_date=format_date,
    )


def _iso_day(moment: datetime) -> str:
    """Stored times are naive UTC; the file gives the reader's local date, like the page."""
    return to_user_timezone(moment).date().isoformat()


@blueprint.get("/progress/export.csv")
@roles_required(ToolRole.FACILITATOR)
def export_csv():
    launch = current_launch()
    services.require_exporter(launch)
    _launch, progress, _query, rows = _load()
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
    body = csv_bytes(table(rows, progress.columns, words, _iso_day))
    local_today = to_user_timezone(utcnow()).date()
    filename = safe_filename(services.course_label(db.session, launch), local_today)
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",  # names and emails: no shared cache keeps a copy
        },
    )
