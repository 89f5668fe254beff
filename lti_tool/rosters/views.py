"""The facilitator's roster page and its "Sync now" button (`/l/<launch>/roster/`)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _

from lti_tool.extensions import db
from lti_tool.launches.binding import current_launch, launch_blueprint, roles_required
from lti_tool.lti.roles import ToolRole
from lti_tool.rosters import forms
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
    return render_template(
        "rosters/roster.html",
        roster=found,
        status=query.status,
        search=query.search,
        has_nrps=current_launch().has_nrps or found.sync is not None,
        format_datetime=format_datetime,
    )


@blueprint.post("/roster/sync")
@roles_required(ToolRole.FACILITATOR)
def sync():
    context_pk = roster.require_facilitator_course(current_launch())
    report = roster_sync.sync_now(
        db.session,
        current_app._get_current_object(),  # type: ignore[attr-defined]
        context_pk,
        want_full=forms.wants_full_sync(request.form),
    )
    if report.skipped:
        flash(_("A sync of this roster is already running. Reload this page in a minute."))
    elif report.error:
        flash(_("The roster could not be synced: %(error)s", error=report.error), "error")
    elif report.kind == "differences":
        flash(
            _(
                "Roster synced from the changes the LMS reported. Changes: %(seen)d; added: "
                "%(added)d; updated: %(updated)d.",
                seen=report.members_seen,
                added=report.added,
                updated=report.updated,
            )
        )
    else:
        flash(
            _(
                "Roster synced: %(seen)d listed by the LMS, %(added)d added, %(updated)d updated, "
                "%(removed)d no longer in the course.",
                seen=report.members_seen,
                added=report.added,
                updated=report.updated,
                removed=report.removed,
            )
        )
    return redirect(url_for("rosters.roster_page"), code=303)
