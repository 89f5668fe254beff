"""The mini-module pages, bound to a launch (`/l/<launch_id>/modules/…`).

- `GET /modules/` the catalogue, with each module's status for this learner in this course;
- `GET /modules/<slug>[?section=<id>|reflection]` the player: one section per page, resuming at the
  first section not yet seen, then the reflection page;
- `POST /modules/<slug>/sections/<id>/seen` "Next": marks the section seen, goes to the next step;
- `POST /modules/<slug>/reflection/<prompt_id>` saves a draft or submits a version;
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
from lti_tool.learning_modules import assignments, files, progress
from lti_tool.learning_modules import catalogue as content
from lti_tool.learning_modules.domain import WEB_STEPS, Catalogue, Module
from lti_tool.learning_modules.domain_files import ALLOWED_DESCRIPTION
from lti_tool.learning_modules.domain_progress import (
    REFLECTION_STEP,
    neighbours,
    resume_step,
    steps,
)
from lti_tool.learning_modules.models import FACILITATOR, PRIVATE
from lti_tool.lti.binding import current_launch, launch_blueprint

blueprint = launch_blueprint("modules", __name__)

SAVE, SUBMIT = "save", "submit"


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
    assigned, library = (
        assignments.learner_view(db.session, launch, catalogue, statuses)
        if launch.context_pk is not None
        else ((), ())
    )
    return render_template(
        "learning_modules/catalogue.html",
        catalogue=catalogue,
        launch=launch,
        statuses=statuses,
        assigned=assigned,
        library=library,
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


def _player(module: Module, state: progress.ModuleState, step: str, **extra):
    catalogue = _catalogue()
    section_ids = [s.id for s in module.sections]
    previous, following = neighbours(section_ids, step)
    before, after = catalogue.neighbours(module.slug)
    return render_template(
        "learning_modules/player.html",
        catalogue=catalogue,
        module=module,
        state=state,
        step=step,
        section=next((s for s in module.sections if s.id == step), None),
        position=section_ids.index(step) + 1 if step in section_ids else None,
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


def _upload_folder():
    return files.upload_folder(current_app.config, current_app.instance_path)


def _attachments(state: progress.ModuleState) -> dict:
    """Each prompt's uploaded files (draft and versions) and the upload hint, for the player."""
    ids = [p.reflection.id for p in state.prompts.values() if p.reflection is not None]
    limit = current_app.config["REFLECTION_UPLOAD_MAX_BYTES"]
    return {
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
    return redirect(url_for("modules.module", slug=slug, section=following), code=303)


@blueprint.post("/modules/<slug>/reflection/<prompt_id>")
def reflection(slug: str, prompt_id: str):
    launch = current_launch()
    module = _module(slug)
    action = request.form.get("action", SAVE)
    answer = request.form.get("answer", "")
    visibility = request.form.get("visibility", PRIVATE)
    link = request.form.get("link", "")
    upload = request.files.get("attachment")
    written, replaced, error_field = None, [], "answer"
    try:
        progress.set_visibility(
            db.session,
            launch,
            module,
            prompt_id,
            visibility,
            shared_with_mentors=request.form.get("mentors") == "1",
        )
        error_field = "link"
        files.set_link(db.session, launch, module, prompt_id, link)
        if upload is not None and upload.filename:
            error_field = "attachment"
            row, replaced = files.save_upload(
                db.session,
                launch,
                module,
                prompt_id,
                upload.stream,
                upload.filename,
                folder=_upload_folder(),
                max_bytes=current_app.config["REFLECTION_UPLOAD_MAX_BYTES"],
            )
            written = _upload_folder() / row.stored_name
        error_field = "answer"
        if action == SUBMIT:
            progress.submit_reflection(db.session, launch, module, prompt_id, answer)
        else:
            progress.save_draft(db.session, launch, module, prompt_id, answer)
    except progress.UnprocessableError as error:
        db.session.rollback()
        if written is not None:
            written.unlink(missing_ok=True)
        state = progress.module_state(db.session, launch, module)
        page = _player(
            module,
            state,
            REFLECTION_STEP,
            error_prompt=prompt_id,
            error_message=error.message,
            error_field=error_field,
            typed={prompt_id: answer},
            typed_link={prompt_id: link},
        )
        return page, error.status
    db.session.commit()
    for path in replaced:
        path.unlink(missing_ok=True)
    return redirect(
        url_for(
            "modules.module",
            slug=slug,
            section=REFLECTION_STEP,
            saved=prompt_id,
            done=SUBMIT if action == SUBMIT else SAVE,
            _anchor=f"prompt-{prompt_id}",
        ),
        code=303,
    )
