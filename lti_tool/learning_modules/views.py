"""The mini-module pages, bound to a launch (`/l/<launch_id>/modules/…`): the catalogue and a module.

Read-only for now: every role may read every module. The catalogue is loaded when the blueprint is
registered, so a broken content file stops the app at start-up rather than on a learner's page.
"""

from __future__ import annotations

from flask import current_app, render_template
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _

from lti_tool.errors import NotFoundError
from lti_tool.learning_modules import catalogue as content
from lti_tool.learning_modules.domain import WEB_STEPS, Catalogue
from lti_tool.lti.binding import current_launch, launch_blueprint

blueprint = launch_blueprint("modules", __name__)


@blueprint.record_once
def load_content(state: BlueprintSetupState) -> None:
    content.init_app(state.app)


def _catalogue() -> Catalogue:
    return content.catalogue_of(current_app)


@blueprint.get("/modules/")
def index():
    return render_template(
        "learning_modules/catalogue.html", catalogue=_catalogue(), launch=current_launch()
    )


@blueprint.get("/modules/<slug>")
def module(slug: str):
    catalogue = _catalogue()
    found = catalogue.get(slug)
    if found is None:
        raise NotFoundError(
            _("There is no mini-module at this address. Choose one from the list of mini-modules.")
        )
    before, after = catalogue.neighbours(slug)
    return render_template(
        "learning_modules/module.html",
        catalogue=catalogue,
        module=found,
        before=before,
        after=after,
        web_steps=WEB_STEPS,
        launch=current_launch(),
    )
