"""Deep Linking: a facilitator picks mini-modules (or the web builder) to add to the LMS course.

`GET /l/<launch_id>/deep-link/` lists the catalogue by pathway; the POST builds the signed response
(`lti.deep_linking`) and answers with a page that auto-posts it to the LMS. Each link launches the
tool with custom parameters (`module=<slug>` or `view=web`); the course home reads them and opens
that page directly.
"""

from __future__ import annotations

from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _

from lti_tool.errors import InvalidInputError
from lti_tool.extensions import db
from lti_tool.launches.binding import current_launch, roles_required
from lti_tool.learning_modules import forms
from lti_tool.learning_modules.domain.modules import (
    COMPLETION_TAG,
    LINK_MODULE_PARAM,
    Catalogue,
    Module,
)
from lti_tool.learning_modules.services.assignments import note_linked
from lti_tool.learning_modules.services.catalogue import catalogue_of
from lti_tool.learning_modules.views import blueprint
from lti_tool.lti.deep_linking import (
    LineItem,
    LinkChoice,
    deep_linking_settings,
    signed_response,
)
from lti_tool.lti.registrations import origin_of
from lti_tool.lti.roles import ToolRole
from lti_tool.security import allow_form_action

WEB_CHOICE = "web"
MODULE_PREFIX = "module:"


def _groups(catalogue: Catalogue) -> list[tuple[str, tuple[Module, ...]]]:
    """Modules by pathway, each listed once (under its first pathway), then any left over."""
    seen: set[str] = set()
    groups = []
    for pathway in catalogue.pathways:
        modules = tuple(m for m in catalogue.pathway_modules(pathway.key) if m.slug not in seen)
        seen.update(m.slug for m in modules)
        if modules:
            groups.append((_(pathway.title), modules))
    rest = tuple(m for m in catalogue.modules if m.slug not in seen)
    if rest:
        groups.append((_("Other mini-modules"), rest))
    return groups


def _choice(value: str, catalogue: Catalogue) -> LinkChoice | None:
    if value == WEB_CHOICE:
        return LinkChoice(
            title=_("The mentoring web builder"),
            text=_("Build your mentoring web: the people and places that support your growth."),
            custom={"view": "web"},
        )
    module = catalogue.get(value.removeprefix(MODULE_PREFIX))
    if not value.startswith(MODULE_PREFIX) or module is None:
        return None
    return LinkChoice(
        title=module.title,
        text=module.summary,
        custom={LINK_MODULE_PARAM: module.slug},
        line_item=LineItem(label=module.title, resource_id=module.slug, tag=COMPLETION_TAG),
    )


@blueprint.get("/deep-link/")
@roles_required(ToolRole.FACILITATOR)
def picker():
    return _picker_page()


def _picker_page(*, error: str | None = None, chosen: frozenset[str] = frozenset()):
    launch = current_launch()
    settings = deep_linking_settings(launch)
    return render_template(
        "learning_modules/deep_link_picker.html",
        launch=launch,
        settings=settings,
        groups=_groups(catalogue_of(current_app)),
        module_prefix=MODULE_PREFIX,
        web_choice=WEB_CHOICE,
        error=error,
        chosen=chosen,
    )


@blueprint.post("/deep-link/")
@roles_required(ToolRole.FACILITATOR)
def respond():
    launch = current_launch()
    settings = deep_linking_settings(launch)
    catalogue = catalogue_of(current_app)
    values = forms.deep_link_items(request.form)
    choices = [choice for value in values if (choice := _choice(value, catalogue))]
    try:
        token = signed_response(
            db.session, launch, choices, url_for("launches.launch", _external=True)
        )
    except InvalidInputError as error:  # nothing chosen, or more than the LMS accepts
        db.session.rollback()
        return _picker_page(error=error.message, chosen=frozenset(values)), 422
    linked = [c.custom[LINK_MODULE_PARAM] for c in choices if LINK_MODULE_PARAM in c.custom]
    if launch.context_pk is not None:
        note_linked(db.session, launch.context_pk, catalogue, linked)
    db.session.commit()
    allow_form_action(origin_of(settings.return_url))  # CSP form-action: the LMS's return URL
    return render_template(
        "learning_modules/deep_link_return.html",
        return_url=settings.return_url,
        token=token,
        count=len(choices),
    )
