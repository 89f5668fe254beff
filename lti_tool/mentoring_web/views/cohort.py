"""Cohort web insights for facilitators.

- `GET /web/cohort`: anonymous figures of the course's learners today, each table with its chart,
  and the change since each learner's first snapshot (`?since=YYYY-MM-DD`: the first snapshot on
  or after that day). Nothing below COHORT_MIN_GROUP_SIZE (k) learners.
- `GET /web/cohort/report`: the same headline figures on one printable page for a steering
  committee, with the course, the date, k and how to read it; never a person's identifier.

Facilitators only: learners and mentors get 403 (`roles_required`), a launch without a course 403
too (the service checks). Both pages cost the same statements whatever the course's size: the
publication (which carries the counts), the change figures added up by the database for a chosen
day, and once the publication's period is over a check of which webs changed (`insights`).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import current_app, render_template, request
from flask_babel import format_date, format_percent
from flask_babel import gettext as _

from lti_tool.extensions import db
from lti_tool.launches.binding import current_launch, roles_required
from lti_tool.lti.roles import ToolRole
from lti_tool.mentoring_web.services import insights
from lti_tool.mentoring_web.views import blueprint, cohort_presenter, presenter


@blueprint.get("/web/cohort")
@roles_required(ToolRole.FACILITATOR)
def cohort():
    since, since_error = _since()
    found = _insights(since)
    return render_template(
        "mentoring_web/cohort.html",
        **_figures(found),
        since=since,
        since_value=request.args.get("since", "") if since_error else _iso(since),
        since_error=since_error,
    )


@blueprint.get("/web/cohort/report")
@roles_required(ToolRole.FACILITATOR)
def cohort_report():
    since, since_error = _since()
    found = _insights(since)
    return render_template(
        "mentoring_web/cohort_report.html",
        **_figures(found),
        since=since,
        since_error=since_error,
        course_title=current_launch().context_title or "",
        generated_on=presenter.today(),
    )


def _insights(since: date | None) -> insights.CohortInsights:
    found = insights.cohort_insights(
        db.session,
        current_launch(),
        threshold=int(current_app.config["COHORT_MIN_GROUP_SIZE"]),
        today=presenter.today(),
        since=since,
        period=timedelta(seconds=int(current_app.config["COHORT_PUBLISH_SECONDS"])),
    )
    db.session.commit()  # a publication made or replaced just now
    return found


def _figures(found: insights.CohortInsights) -> dict[str, Any]:
    summary, change = found.summary, found.change
    tables = cohort_presenter.summary_tables(summary) if summary else []
    change_tables = cohort_presenter.change_tables(change) if change else []
    return {
        "summary": summary,
        "change": change,
        "threshold": found.threshold,
        "tables": tables,
        "by_role": cohort_presenter.reach_by_role(summary) if summary else [],
        "change_tables": change_tables,
        "table_by_id": {table.id: table for table in (*tables, *change_tables)},
        "percent": format_percent,
        "cell_text": cohort_presenter.cell_text,
        "format_date": format_date,
    }


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _since() -> tuple[date | None, str]:
    """The `since` day from the query string, and an error to show when it is not a date.

    A bad value is not a failure of the page: the figures are shown from each learner's very
    first snapshot, and the form says what went wrong.
    """
    raw = request.args.get("since", "").strip()
    if not raw:
        return None, ""
    try:
        return date.fromisoformat(raw), ""
    except ValueError:
        return None, _("Enter a date as year-month-day, for example 2025-09-01.")
