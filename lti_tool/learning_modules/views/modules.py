"""The mini-module pages, bound to a launch (`/l/<launch_id>/modules/…`).

- `GET /modules/` the catalogue, with each module's status for this learner in this course;
- `GET /modules/<slug>[?section=<id>|reflection]` the player: one section per page, resuming at the
  first section not yet seen, then the reflection page;
- `POST /modules/<slug>/sections/<id>/seen` "Next": marks the section seen, goes to the next step;
- `POST /modules/<slug>/reflection` saves every prompt's draft together, and submits one if asked
  (`POST /modules/<slug>/reflection/<prompt_id>` does the same for one prompt's older form);
- `GET /modules/<slug>/all` the whole module on one page, to read or print.

The catalogue is loaded when the blueprint is registered, so a broken content file stops the app at
start-up rather than on a learner's page. Every write is a CSRF-checked POST answered with a 303.
"""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, send_file, url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _

from lti_tool.errors import NotFoundError
from lti_tool.extensions import db
from lti_tool.launches.binding import current_launch
from lti_tool.learning_modules import forms
from lti_tool.learning_modules.domain.assignment import grouped_by_pathway
from lti_tool.learning_modules.domain.files import ALLOWED_DESCRIPTION
from lti_tool.learning_modules.domain.modules import WEB_STEPS, Catalogue, Module
from lti_tool.learning_modules.domain.progress import (
    REFLECTION_STEP,
    is_unchanged_here,
    neighbours,
    resume_step,
    steps,
)
from lti_tool.learning_modules.models import FACILITATOR, PRIVATE
from lti_tool.learning_modules.services import assignments, conversation, files, progress, review
from lti_tool.learning_modules.services import catalogue as content
from lti_tool.learning_modules.services import reflection_page as reflection_page_service
from lti_tool.learning_modules.views import blueprint
from lti_tool.lti.roles import ToolRole


@blueprint.record_once
def load_content(state: BlueprintSetupState) -> None:
    content.init_app(state.app)


def _catalogue() -> Catalogue:
    return content.catalogue_of(current_app)


def _module(slug: str) -> Module:
    found = _catalogue().get(slug)
    if found is None:
        raise NotFoundError(
            _("There is no mini-module at this address. Choose one from the list of mini-modules.")
        )
    return found


ASSIGNED_FILTER = "assigned"  # the module list's filter value for "assigned to me"


def _visibility_choices() -> list[tuple[str, str]]:
    return [
        (PRIVATE, _("Only me")),
        (FACILITATOR, _("Me and this course's facilitators (share with facilitator)")),
    ]


@blueprint.get("/modules/")
def index():
    launch = current_launch()
    catalogue = _catalogue()
    statuses = (
        progress.my_modules_overview(db.session, launch, catalogue.modules)
        if launch.context_pk is not None
        else {}
    )
    assigned, _library = (
        assignments.learner_view(db.session, launch, catalogue, statuses)
        if launch.context_pk is not None
        else ((), ())
    )
    shown = request.args.get("pathway", "")
    if shown == ASSIGNED_FILTER and assigned:
        groups = [(ASSIGNED_FILTER, tuple(item.slug for item in assigned))]
    elif catalogue.pathway(shown) is not None:
        groups = [(shown, tuple(m.slug for m in catalogue.pathway_modules(shown)))]
    else:
        shown = ""
        groups = grouped_by_pathway(
            [(p.key, p.slugs) for p in catalogue.pathways], [m.slug for m in catalogue.modules]
        )
    return render_template(
        "learning_modules/catalogue.html",
        catalogue=catalogue,
        launch=launch,
        statuses=statuses,
        assigned={item.slug: item for item in assigned},
        groups=groups,
        shown=shown,
        ASSIGNED_FILTER=ASSIGNED_FILTER,
    )


@blueprint.get("/modules/<slug>/all")
def read_all(slug: str):
    catalogue = _catalogue()
    module = _module(slug)
    before, after = catalogue.neighbours(slug)
    return render_template(
        "learning_modules/module.html",
        catalogue=catalogue,
        module=module,
        before=before,
        after=after,
        web_steps=WEB_STEPS,
        launch=current_launch(),
    )


@blueprint.get("/modules/<slug>")
def module(slug: str):
    module = _module(slug)
    state = progress.module_state(db.session, current_launch(), module)
    section_ids = [s.id for s in module.sections]
    step = request.args.get("section") or resume_step(section_ids, state.sections_seen)
    if step not in steps(section_ids):
        raise NotFoundError(_("This mini-module has no such section."), code="section-not-found")
    return _player(module, state, step)


def module_named(slug: str) -> Module:
    return _module(slug)


def player_page(module: Module, state: progress.ModuleState, step: str, **extra):
    return _player(module, state, step, **extra)


def _player(module: Module, state: progress.ModuleState, step: str, **extra):
    catalogue = _catalogue()
    section_ids = [s.id for s in module.sections]
    previous, following = neighbours(section_ids, step)
    before, after = catalogue.neighbours(module.slug)
    all_steps = steps(section_ids)
    return render_template(
        "learning_modules/player.html",
        catalogue=catalogue,
        module=module,
        state=state,
        step=step,
        section=next((s for s in module.sections if s.id == step), None),
        step_position=all_steps.index(step) + 1,
        step_total=len(all_steps),
        conversations=_conversations(module, step),
        version_labels={
            version.id: (prompt.text, version.number)
            for prompt in module.prompts
            for version in state.prompts[prompt.id].versions
        },
        previous=previous,
        following=following,
        REFLECTION_STEP=REFLECTION_STEP,
        before=before,
        after=after,
        web_steps=WEB_STEPS,
        visibility_choices=_visibility_choices(),
        launch=current_launch(),
        **_attachments(state),
        **extra,
    )


def _conversations(module: Module, step: str) -> list:
    """The learner's feedback conversations on this module to show at the top of the page: the
    ones holding something new on every step, all of them on the reflection step."""
    launch = current_launch()
    if launch.context_pk is None or launch.role is not ToolRole.LEARNER:
        return []
    feedback = [
        f
        for found in review.feedback_for_me(db.session, launch, module.slug).values()
        for f in found
    ]
    found = conversation.threads(db.session, feedback, for_learner=True).values()
    shown = [t for t in found if t.unread or step == REFLECTION_STEP]
    return sorted(shown, key=lambda t: (not t.unread, -t.feedback.id))


def _upload_folder():
    return files.upload_folder(current_app.config, current_app.instance_path)


def _attachments(state: progress.ModuleState) -> dict:
    """Each prompt's uploaded files (draft and versions) and the upload hint, for the player."""
    ids = [p.reflection.id for p in state.prompts.values() if p.reflection is not None]
    limit = current_app.config["REFLECTION_UPLOAD_MAX_BYTES"]
    return {
        "digests": {pid: progress.stored_digest(p.reflection) for pid, p in state.prompts.items()},
        "reflection_files": files.files_by_reflection(db.session, ids),
        "upload_types": ALLOWED_DESCRIPTION,
        "upload_limit_mb": max(1, limit // (1024 * 1024)),
    }


@blueprint.get("/modules/<slug>/files/<stored_name>")
def download(slug: str, stored_name: str):
    """A reflection's file, for its owner or a facilitator it was shared with; otherwise 404."""
    _module(slug)
    row, path = files.file_for_download(
        db.session, current_launch(), slug, stored_name, _upload_folder()
    )
    response = send_file(
        path,
        mimetype=row.mime,
        as_attachment=True,
        download_name=row.original_name,
        conditional=False,
        etag=False,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blueprint.post("/modules/<slug>/sections/<section_id>/seen")
def section_seen(slug: str, section_id: str):
    module = _module(slug)
    progress.mark_section_seen(db.session, current_launch(), module, section_id)
    db.session.commit()
    _previous, following = neighbours([s.id for s in module.sections], section_id)
    return redirect(url_for("learning_modules.module", slug=slug, section=following), code=303)


@blueprint.post("/modules/<slug>/reflection")
def reflection_page(slug: str):
    """The whole reflection page: every prompt saved together, one of them submitted if asked."""
    module = _module(slug)
    posted = forms.reflection_page(request.form, request.files, module)
    if posted.target and posted.target not in {prompt.id for prompt in module.prompts}:
        raise NotFoundError(_("This mini-module has no such question."), code="prompt-not-found")
    return _save(module, posted.entries, posted.uploads, posted.submit, anchor=posted.target)


@blueprint.post("/modules/<slug>/reflection/<prompt_id>")
def reflection(slug: str, prompt_id: str):
    """One prompt's form (kept for pages loaded before the page-wide form existed)."""
    module = _module(slug)
    posted = forms.one_prompt(request.form, request.files, prompt_id)
    if prompt_id not in {p.id for p in module.prompts}:
        raise NotFoundError(_("This mini-module has no such question."), code="prompt-not-found")
    return _save(module, posted.entries, posted.uploads, posted.submit, anchor=prompt_id)


def _save(module: Module, entries, uploads, submit: str | None, *, anchor: str | None):
    launch = current_launch()
    try:
        saved = reflection_page_service.save_page(
            db.session,
            launch,
            module,
            entries,
            uploads=uploads,
            submit=submit,
            folder=_upload_folder(),
            max_bytes=current_app.config["REFLECTION_UPLOAD_MAX_BYTES"],
        )
    except reflection_page_service.PromptRefusedError as error:
        db.session.rollback()
        return _typed_page(
            module,
            entries,
            error.status,
            error_prompt=error.prompt_id,
            error_message=error.message,
            error_field=error.field,
        )
    if saved.conflicts:
        db.session.rollback()
        return _typed_page(
            module, entries, 409, conflicts={c.prompt_id: c for c in saved.conflicts}
        )
    try:
        db.session.commit()
    except BaseException:
        for staged in saved.staged:
            staged.discard()
        raise
    for staged in saved.staged:
        staged.publish()
    return redirect(
        url_for(
            "learning_modules.module",
            slug=module.slug,
            section=REFLECTION_STEP,
            saved=anchor or "all",
            done=forms.SUBMIT if submit else forms.SAVE,
            _anchor="save-confirmation",
        ),
        code=303,
    )


def _typed_page(module: Module, entries, status: int, **extra):
    """The reflection page again, holding everything the learner typed (nothing was saved)."""
    state = progress.module_state(db.session, current_launch(), module)
    changed_here = [e for e in entries if not is_unchanged_here(e, progress.posted_digest(e))]
    page = _player(
        module,
        state,
        REFLECTION_STEP,
        typed={entry.prompt_id: entry for entry in changed_here},
        **extra,
    )
    return page, status
