"""The facilitator's view of this course's grade outbox: delivered, waiting, failed; and "Retry now"."""

from __future__ import annotations

import requests
from flask import flash, redirect, render_template, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _

from lti_tool import errors
from lti_tool.db import utcnow
from lti_tool.extensions import db
from lti_tool.grades.services import delivery as services
from lti_tool.launches.binding import current_launch, launch_blueprint, roles_required
from lti_tool.lti.roles import ToolRole

blueprint = launch_blueprint("grades", __name__)


def _course_pk() -> int:
    return errors.require_course(current_launch())


@blueprint.get("/grades/")
@roles_required(ToolRole.FACILITATOR)
def index():
    records = services.course_records(db.session, _course_pk())
    return render_template("grades/index.html", records=records, format_datetime=format_datetime)


@blueprint.post("/grades/retry")
@roles_required(ToolRole.FACILITATOR)
def retry():
    with requests.Session() as http:
        report = services.retry_course(db.session, _course_pk(), utcnow(), http)
    flash(
        _(
            "Delivered: %(delivered)d. Waiting to retry: %(retrying)d. Failed: %(failed)d.",
            delivered=report.delivered,
            retrying=report.retrying,
            failed=report.failed,
        )
    )
    return redirect(url_for("grades.index"), code=303)
