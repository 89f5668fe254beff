"""The facilitator's view of this course's grade outbox: delivered, waiting, failed; and "Retry now"."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _

from lti_tool import errors
from lti_tool.db import utcnow
from lti_tool.extensions import db
from lti_tool.grades import forms, jobs
from lti_tool.grades.services import delivery as services
from lti_tool.launches.binding import current_launch, launch_blueprint, roles_required
from lti_tool.lti.roles import ToolRole

blueprint = launch_blueprint("grades", __name__)


def _course_pk() -> int:
    return errors.require_course(current_launch())


@blueprint.get("/grades/")
@roles_required(ToolRole.FACILITATOR)
def index():
    query = forms.grades_query(request.args)
    found = services.course_records(
        db.session,
        _course_pk(),
        status=None if query.status == forms.ALL else query.status,
        page=query.page,
    )
    return render_template(
        "grades/index.html",
        found=found,
        records=found.records,
        status=query.status,
        format_datetime=format_datetime,
    )


@blueprint.post("/grades/retry")
@roles_required(ToolRole.FACILITATOR)
def retry():
    record_ids = services.retry_course(db.session, _course_pk(), utcnow())
    jobs.queue_deliveries(record_ids)
    if record_ids:
        flash(
            ngettext(
                "%(num)d completion is on its way to the LMS. This page shows each one's state.",
                "%(num)d completions are on their way to the LMS. This page shows each one's state.",
                len(record_ids),
            )
        )
    else:
        flash(_("No completions are waiting: every one has been delivered."))
    return redirect(url_for("grades.index"), code=303)
