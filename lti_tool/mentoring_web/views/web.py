"""My web (picture, table, strength, invitations), the centre card and the strand forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lti_tool.extensions import db
from lti_tool.launches.binding import current_launch
from lti_tool.mentoring_web.domain.facts import CentreCard, Direction, WebFacts
from lti_tool.mentoring_web.domain.score import strand_standings
from lti_tool.mentoring_web.domain.validation import (
    LOOKS_LIKE_A_NAME,
    looks_like_a_personal_name,
    strand_warnings,
    validate_centre_card,
    validate_strand,
)
from lti_tool.mentoring_web.domain.vocabulary import STUDENTS_ROLE, Status
from lti_tool.mentoring_web.forms import CentreCardForm, ConfirmForm, StrandForm
from lti_tool.mentoring_web.services import web as services
from lti_tool.mentoring_web.views import blueprint, presenter

INVALID = 422  # the form is shown again with its errors
confirm = presenter.confirm


def _my_web() -> tuple[Any, WebFacts]:
    launch = current_launch()
    owner = services.find_own_web(db.session, launch)
    if owner is None:
        return None, WebFacts(centre=CentreCard(display_name=launch.display_name or ""))
    return owner, services.web_facts(owner, launch.display_name or "")


@blueprint.get("/web/")
def my_web():
    owner, web = _my_web()
    score, prompts = presenter.score_and_prompts(web)
    return render_template(
        "mentoring_web/web.html",
        owner=owner,
        web=web,
        score=score,
        prompts=prompts,
        lines=strand_standings(web.strands, presenter.today()),
        picture=presenter.web_svg(web),
        confirm=ConfirmForm(),
        mentor_names=services.my_mentor_names(db.session, current_launch()),
    )


@blueprint.route("/web/centre", methods=["GET", "POST"])
def centre_card():
    launch = current_launch()
    owner = services.find_own_web(db.session, launch)
    form = CentreCardForm()
    if request.method == "GET" and owner is not None:
        form.board_role.data = owner.board_role or ""
        form.years_in_role.data = owner.years_in_role or ""
        form.strengths.data = "\n".join(owner.strengths or ())
        form.quiet_victories.data = "\n".join(owner.quiet_victories or ())
        form.goals.data = "\n".join(owner.goals or ())
    if form.validate_on_submit():
        card, errors = validate_centre_card(_form_values(form))
        if card is not None:
            services.update_centre_card(db.session, services.own_web(db.session, launch), card)
            db.session.commit()
            confirm(_("Your centre card is saved."))
            return redirect(url_for("mentoring_web.my_web"), code=303)
        _apply_errors(form, errors)
    status = INVALID if request.method == "POST" else 200
    return render_template("mentoring_web/centre_form.html", form=form), status


@blueprint.route("/web/strands/new", methods=["GET", "POST"])
def new_strand():
    form = StrandForm()
    if request.method == "GET":
        form.status.data = (
            Status.PLANNED.value if request.args.get("planned") else Status.ACTIVE.value
        )
        form.direction.data = (
            Direction.I_SUPPORT.value
            if request.args.get("i_support")
            else Direction.SUPPORTS_ME.value
        )
    return _strand_form(form, strand_id=None)


@blueprint.route("/web/strands/<int:strand_id>/edit", methods=["GET", "POST"])
def edit_strand(strand_id: int):
    owner = services.find_own_web(db.session, current_launch())
    strand = services.own_strand(owner, strand_id)
    form = StrandForm(obj=strand if request.method == "GET" else None)
    if request.method == "GET":
        form.strength.data = "" if strand.strength is None else str(strand.strength)
        form.next_check_in.data = strand.next_check_in.isoformat() if strand.next_check_in else ""
        form.last_contact_on.data = (
            strand.last_contact_on.isoformat() if strand.last_contact_on else ""
        )
        form.stance.data = strand.stance or ""
        form.formality.data = strand.formality or ""
    web = services.web_facts(owner) if owner is not None else None
    lines = strand_standings(web.strands, presenter.today()) if web else ()
    line = next((line for line in lines if line.strand.id == strand_id), None)
    return _strand_form(form, strand_id=strand_id, label=strand.label, line=line)


def _strand_form(form: StrandForm, *, strand_id: int | None, label: str = "", line: Any = None):
    """Adding is quick (a label and a role: the page shows only those); the details form is the
    whole strand. Both post to one set of rules, which requires only the label and the role."""
    warnings: dict[str, list[str]] = {}
    if form.validate_on_submit():
        facts, errors = validate_strand(_form_values(form), presenter.today())
        warnings = presenter.translated_errors(strand_warnings(facts)) if facts else {}
        # A label that looks like a student's name is shown back once with the warning before it
        # is stored; saving again with the same label keeps it (a heuristic never blocks).
        if facts is not None and (
            not warnings or request.form.get("label_checked", "").strip() == facts.label
        ):
            owner = services.own_web(db.session, current_launch())
            if strand_id is None:
                strand = services.add_strand(db.session, owner, facts)
                db.session.commit()
                confirm(_("“%(label)s” is in your web.", label=facts.label), strand.id)
            else:
                services.update_strand(db.session, owner, strand_id, facts)
                db.session.commit()
                confirm(_("“%(label)s” is saved.", label=facts.label))
            return redirect(url_for("mentoring_web.my_web"), code=303)
        _apply_errors(form, errors)
    if form.label.data and form.board_role.data == STUDENTS_ROLE:
        warnings = presenter.translated_errors(_students_warning(form.label.data))
    status = INVALID if request.method == "POST" and form.errors else 200
    return (
        render_template(
            "mentoring_web/strand_form.html",
            form=form,
            strand_id=strand_id,
            label=label,
            warnings=warnings,
            line=line,
        ),
        status,
    )


def _students_warning(label: str) -> dict[str, list[str]]:
    if looks_like_a_personal_name(label):
        return {"label": [LOOKS_LIKE_A_NAME]}
    return {}


@blueprint.route("/web/strands/<int:strand_id>/end", methods=["GET", "POST"])
def end_strand(strand_id: int):
    return _confirm_then(
        strand_id,
        services.end_strand,
        _l("“%(label)s” has ended: it stays in your history."),
        "mentoring_web/end_strand.html",
    )


@blueprint.route("/web/strands/<int:strand_id>/remove", methods=["GET", "POST"])
def remove_strand(strand_id: int):
    return _confirm_then(
        strand_id,
        services.remove_strand,
        _l("“%(label)s” is removed from your web."),
        "mentoring_web/remove_strand.html",
    )


def _confirm_then(strand_id: int, act: Callable[..., Any], done: Any, template: str):
    """Ending or removing a strand asks first: GET shows `template`, the confirmed POST acts."""
    owner = services.find_own_web(db.session, current_launch())
    strand = services.own_strand(owner, strand_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        label = strand.label
        act(db.session, owner, strand_id)
        db.session.commit()
        confirm(str(done) % {"label": label})
        return redirect(url_for("mentoring_web.my_web"), code=303)
    return render_template(template, strand=strand, form=form)


def _form_values(form: Any) -> dict[str, Any]:
    return {name: field.data for name, field in form._fields.items() if name != "csrf_token"}


def _apply_errors(form: Any, errors: dict[str, list[str]]) -> None:
    for name, messages in presenter.translated_errors(errors).items():
        field = form._fields.get(name.split(".")[0])
        if field is not None:
            field.errors = [*field.errors, *messages]
