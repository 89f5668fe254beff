"""The facilitator's assignment page, bound to a launch (`/l/<launch_id>/modules/assign`).

- `GET /modules/assign` every module, grouped by pathway, with "Assigned", required or optional and
  a due date; a confirmation after a save;
- `POST /modules/assign` saves the rows listed in the form (hidden `module` fields), then, when an
  "Assign this pathway" button was pressed, assigns that pathway's modules too. A due date that is
  not a date re-shows the form with the error and saves nothing. CSRF-checked, answered with a 303.

Only facilitators reach either (403 otherwise). Learners see the result on the catalogue page.
"""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for

from lti_tool.extensions import db
from lti_tool.launches.binding import current_launch, roles_required
from lti_tool.learning_modules import forms
from lti_tool.learning_modules.domain.assignment import grouped_by_pathway
from lti_tool.learning_modules.domain.modules import Catalogue
from lti_tool.learning_modules.services import assignments
from lti_tool.learning_modules.services import catalogue as content
from lti_tool.learning_modules.views import blueprint
from lti_tool.lti.roles import ToolRole


def _catalogue() -> Catalogue:
    return content.catalogue_of(current_app)


def _groups(catalogue: Catalogue):
    groups = grouped_by_pathway(
        [(p.key, p.slugs) for p in catalogue.pathways], [m.slug for m in catalogue.modules]
    )
    return [
        (catalogue.pathway(key) if key else None, [catalogue.get(slug) for slug in slugs])
        for key, slugs in groups
    ]


def _rows_from(assigned: dict) -> dict[str, dict[str, object]]:
    return {
        slug: {
            "assigned": True,
            "required": row.required,
            "due": row.due_on.isoformat() if row.due_on else "",
        }
        for slug, row in assigned.items()
    }


def _page(rows: dict, errors: dict[str, str] | None = None, saved: bool = False):
    catalogue = _catalogue()
    return render_template(
        "learning_modules/assign.html",
        catalogue=catalogue,
        groups=_groups(catalogue),
        rows=rows,
        errors=errors or {},
        saved=saved,
        launch=current_launch(),
    )


@blueprint.get("/modules/assign")
@roles_required(ToolRole.FACILITATOR)
def assign_page():
    assigned = assignments.list_for_course(db.session, current_launch())
    return _page(_rows_from(assigned), saved=request.args.get("saved") == "1")


@blueprint.post("/modules/assign")
@roles_required(ToolRole.FACILITATOR)
def assign_save():
    launch = current_launch()
    catalogue = _catalogue()
    posted = forms.assignments(request.form, catalogue)
    if posted.errors:
        rows = {**_rows_from(assignments.list_for_course(db.session, launch)), **posted.typed}
        return _page(rows, errors=posted.errors), 422
    assignments.save_choices(db.session, launch, catalogue, posted.choices)
    if posted.pathway:
        assignments.assign_pathway(db.session, launch, catalogue, posted.pathway)
    db.session.commit()
    return redirect(url_for("learning_modules.assign_page", saved="1"), code=303)
