"""The course home a launch lands on, or the page a deep link names (its first visit only)."""

from __future__ import annotations

from flask import current_app, redirect, render_template, session, url_for
from flask_babel import gettext as _

from lti_tool.db import utcnow
from lti_tool.extensions import db
from lti_tool.home import services
from lti_tool.launches.binding import current_launch, launch_blueprint
from lti_tool.learning_modules.domain.modules import LINK_MODULE_PARAM
from lti_tool.learning_modules.services.catalogue import catalogue_of
from lti_tool.lti.launch import LaunchContext
from lti_tool.lti.roles import ToolRole

blueprint = launch_blueprint("home", __name__)
LANDED_KEY = "lti_landed"  # launches already sent on to their deep-linked page


@blueprint.get("/")
def index():
    launch = current_launch()
    target, notice = _deep_link_target(launch)
    if target is not None:
        return redirect(target, code=303)
    catalogue = catalogue_of(current_app)
    learner = facilitator = mentees = None
    if launch.context_pk is not None:
        now = utcnow()
        if launch.is_facilitator:
            facilitator = services.facilitator_home(db.session, launch, now, current_app.config)
        elif launch.role is ToolRole.MENTOR:
            mentees = services.mentor_home(db.session, launch)
        else:
            learner = services.learner_home(db.session, launch, catalogue, now.date())
    return render_template(
        "home/course.html",
        launch=launch,
        notice=notice,
        catalogue=catalogue,
        learner=learner,
        facilitator=facilitator,
        mentees=mentees,
    )


def _deep_link_target(launch: LaunchContext) -> tuple[str | None, str | None]:
    """Where a deep-linked launch opens (its `custom` parameters), the first time only.

    Returns (url to redirect to, or None; a notice for the course home, or None). Later visits to
    the course home from the same launch (its "Course home" links) stay on the course home.
    """
    module, view = launch.custom.get(LINK_MODULE_PARAM), launch.custom.get("view")
    if not (module or view) or launch.launch_id in session.get(LANDED_KEY, []):
        return None, None
    landed = session.get(LANDED_KEY, [])
    session[LANDED_KEY] = [launch.launch_id, *landed][
        : current_app.config["LTI_LAUNCHES_PER_BROWSER"]
    ]
    if module:
        if catalogue_of(current_app).get(module) is not None:
            return url_for("learning_modules.module", slug=module), None
        return None, _(
            "The link you followed names a mini-module that does not exist (any more). "
            "Choose one from the mini-modules."
        )
    if view == "web":
        return url_for("mentoring_web.my_web"), None
    return None, None
