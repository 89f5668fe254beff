"""A mentor's reading page for one mentee's shared reflections (`/l/<launch>/modules/mentees/<id>`)."""

from __future__ import annotations

from flask import current_app, render_template

from lti_tool.extensions import db
from lti_tool.launches.binding import current_launch, roles_required
from lti_tool.learning_modules.services import mentee_reading
from lti_tool.learning_modules.services.catalogue import catalogue_of
from lti_tool.learning_modules.views import blueprint
from lti_tool.lti.roles import ToolRole


@blueprint.get("/modules/mentees/<int:user_id>")
@roles_required(ToolRole.MENTOR)
def reflections(user_id: int):
    catalogue = catalogue_of(current_app)
    found = mentee_reading.mentee_reflections(db.session, current_launch(), user_id, catalogue)
    return render_template(
        "learning_modules/mentee_reflections.html", mentee=found, catalogue=catalogue
    )
