"""A facilitator's review pages, bound to a launch (`/l/<launch_id>/modules/<slug>/review…`).

- `GET /modules/<slug>/review` the latest shared version of each learner's reflections in this
  course, unreviewed first, 50 a page (`?page=`), optionally only those waiting for feedback or
  reviewed (`?status=waiting|reviewed`), with the count of each;
- `GET|POST /modules/<slug>/review/<version_id>` the answer, read-only, and the feedback composer
  (strength noticed, a question, a next step). Directive phrasing ("you should") is pointed out
  once, with the text kept, and the facilitator may revise or send anyway.

Only facilitators (403 otherwise); a private version, one of another course or an unknown one is
404. The learner's side is a template global used by the reflection page: the feedback received
on each of their versions, and whether the module is reviewed.
"""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lti_tool.errors import NotFoundError
from lti_tool.extensions import db
from lti_tool.launches.binding import current_launch, roles_required
from lti_tool.learning_modules import forms
from lti_tool.learning_modules.domain.feedback import gentle_warnings
from lti_tool.learning_modules.domain.modules import Module
from lti_tool.learning_modules.services import conversation, events, review
from lti_tool.learning_modules.services.catalogue import catalogue_of
from lti_tool.learning_modules.views import blueprint
from lti_tool.lti.roles import ToolRole


def _module(slug: str) -> Module:
    found = catalogue_of(current_app).get(slug)
    if found is None:
        raise NotFoundError(
            _("There is no mini-module at this address. Choose one from the list of mini-modules.")
        )
    return found


@blueprint.app_template_global("my_module_feedback")
def my_module_feedback(module: Module) -> dict:
    """For the learner's reflection page: feedback by version id, and the module's review state."""
    launch = current_launch()
    if launch.context_pk is None:
        return {"by_version": {}, "reviewed": False}
    return {
        "by_version": review.feedback_for_me(db.session, launch, module.slug),
        "reviewed": review.module_reviewed(db.session, launch, module),
    }


@blueprint.get("/modules/<slug>/review")
@roles_required(ToolRole.FACILITATOR)
def review_list(slug: str):
    module = _module(slug)
    query = forms.review_query(request.args)
    found = review.shared_submissions(
        db.session, current_launch(), slug, status=query.status, page=query.page
    )
    replied = conversation.versions_with_new_replies(
        db.session, current_launch(), [item.version_id for item in found.items]
    )
    prompts = {p.id: p for p in module.prompts}
    return render_template(
        "learning_modules/review_list.html",
        module=module,
        catalogue=catalogue_of(current_app),
        found=found,
        submissions=found.items,
        status=query.status,
        replied=replied,
        prompts=prompts,
        launch=current_launch(),
    )


def composer_page(module: Module, shared: review.SharedVersion, **extra):
    return _composer(module, shared, **extra)


def _composer(module: Module, shared: review.SharedVersion, **extra):
    return render_template(
        "learning_modules/review_version.html",
        module=module,
        catalogue=catalogue_of(current_app),
        shared=shared,
        threads=conversation.threads(db.session, shared.feedback, for_learner=False),
        prompt=next((p for p in module.prompts if p.id == shared.reflection.prompt_id), None),
        launch=current_launch(),
        typed=extra.pop("typed", {}),
        problems=extra.pop("problems", {}),
        warnings=extra.pop("warnings", []),
        **extra,
    )


@blueprint.get("/modules/<slug>/review/<int:version_id>")
@roles_required(ToolRole.FACILITATOR)
def review_version(slug: str, version_id: int):
    module = _module(slug)
    shared = review.shared_version(db.session, current_launch(), slug, version_id)
    return _composer(module, shared)


@blueprint.post("/modules/<slug>/review/<int:version_id>")
@roles_required(ToolRole.FACILITATOR)
def send_feedback(slug: str, version_id: int):
    launch = current_launch()
    module = _module(slug)
    shared = review.shared_version(db.session, launch, slug, version_id)
    typed, send_anyway = forms.feedback(request.form)
    warnings = sorted({w for text in typed.values() for w in gentle_warnings(text)})
    if warnings and not send_anyway:
        return _composer(module, shared, typed=typed, warnings=warnings)
    try:
        review.give_feedback(db.session, launch, slug, version_id, **typed)
    except review.FeedbackError as error:
        db.session.rollback()
        shared = review.shared_version(db.session, launch, slug, version_id)
        page = _composer(module, shared, typed=typed, problems=error.problems)
        return page, error.status
    learner_pk = shared.reflection.user_id
    if review.module_reviewed(db.session, launch, module, learner_pk=learner_pk):
        events.on_module_reviewed(db.session, launch, slug, learner_pk)
    db.session.commit()
    return redirect(url_for("learning_modules.review_list", slug=slug, sent=version_id), code=303)
