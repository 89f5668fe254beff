"""The facilitator's roster page and its "Sync now" button (`/l/<launch>/roster/`)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _

from lti_tool.db import utcnow
from lti_tool.extensions import db
from lti_tool.launches.binding import current_launch, launch_blueprint, roles_required
from lti_tool.lti.roles import ToolRole
from lti_tool.rosters import forms, jobs
from lti_tool.rosters.services import roster
from lti_tool.rosters.services import sync as roster_sync

blueprint = launch_blueprint("rosters", __name__)


@blueprint.get("/roster/")
@roles_required(ToolRole.FACILITATOR)
def roster_page():
    query = forms.roster_query(request.args)
    found = roster.roster_page(
        db.session, current_launch(), status=query.status, search=query.search, page=query.page
    )
    config = current_app.config
    progress = (
        None
        if found.sync is None
        else roster_sync.progress_of(
            found.sync,
            utcnow(),
            int(config["ROSTER_MAX_AGE_SECONDS"]),
            int(config["ROSTER_RETRY_SECONDS"]),
            int(config["ROSTER_SYNC_LEASE_SECONDS"]),
        )
    )
    return render_template(
        "rosters/roster.html",
        roster=found,
        progress=progress,
        status=query.status,
        search=query.search,
        has_nrps=current_launch().has_nrps or found.sync is not None,
        format_datetime=format_datetime,
    )


@blueprint.post("/roster/sync")
@roles_required(ToolRole.FACILITATOR)
def sync():
    context_pk = roster.require_facilitator_course(current_launch())
    if not roster_sync.request_sync(db.session, context_pk, utcnow()):
        flash(_("The roster could not be synced: %(error)s", error=roster_sync.NO_SERVICE), "error")
        return redirect(url_for("rosters.roster_page"), code=303)
    db.session.commit()
    if jobs.queue_sync(context_pk, want_full=forms.wants_full_sync(request.form)):
        flash(
            _(
                "Sync started. The result appears on this page when it is done: reload it in a minute."
            )
        )
    else:
        flash(
            _(
                "The sync could not start now. The tool will sync the roster on its own within the hour."
            ),
            "error",
        )
    return redirect(url_for("rosters.roster_page"), code=303)
