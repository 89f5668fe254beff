"""Forms for the centre card and strands. WTForms renders them and carries the CSRF token; the
rules themselves live in the pure domain (validate_strand / validate_centre_card), whose errors the
views copy onto these fields, so there is one set of rules, testable without Flask."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)

from lti_tool.mentoring_web.domain import vocabulary as v
from lti_tool.mentoring_web.domain.facts import Direction


def _choices(labels: dict, *, blank: str | None = None) -> list[tuple[str, str]]:
    options = [(str(value), _(label)) for value, label in labels.items()]
    return ([("", blank)] if blank is not None else []) + options


def board_role_choices(blank: str | None = None) -> list[tuple[str, str]]:
    options = [(value, _(label)) for value, label, _family in v.BOARD_ROLES]
    return ([("", blank)] if blank is not None else []) + options


DIRECTION_LABELS = {
    Direction.SUPPORTS_ME: v.N_("They support me"),
    Direction.MUTUAL: v.N_("We support each other (I am a strand in their web too)"),
    Direction.I_SUPPORT: v.N_("I support them (for example my students, as a group)"),
}


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


# Choices are checked by the domain rules (one set of rules, with translated messages), not twice.
class StrandForm(FlaskForm):
    label = StringField(_l("Who or what is this support?"), render_kw={"maxlength": 60})
    kind = RadioField(_l("Is it one person, a group or a network?"), validate_choice=False)
    board_role = SelectField(_l("Their role"), validate_choice=False)
    location = RadioField(_l("Where are they?"), validate_choice=False)
    model = SelectField(_l("Which model of mentorship is this?"), validate_choice=False)
    supports = CheckboxesField(_l("What does this strand give you?"), validate_choice=False)
    direction = RadioField(_l("Who supports whom?"), validate_choice=False)
    i_offer = TextAreaField(_l("What I offer them"))
    stance = SelectField(_l("Their stance, mostly (optional)"), validate_choice=False)
    frequency = SelectField(_l("How often are you in touch?"), validate_choice=False)
    strength = StringField(
        _l("How strong is this strand, from 1 to 10? (optional)"),
        render_kw={"type": "number", "min": 1, "max": 10, "inputmode": "numeric"},
    )
    strength_note = TextAreaField(
        _l("What makes it this number, and what would raise it one notch?")
    )
    formality = SelectField(_l("How did it start? (optional)"), validate_choice=False)
    status = RadioField(_l("Status"), validate_choice=False)
    next_step = TextAreaField(_l("Next step (optional)"))
    next_check_in = StringField(_l("Next check-in (optional)"), render_kw={"type": "date"})
    last_contact_on = StringField(_l("Last contact (optional)"), render_kw={"type": "date"})

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = _choices(v.KIND_LABELS)
        self.board_role.choices = board_role_choices(blank=_("Choose a role"))
        self.location.choices = _choices(v.LOCATION_LABELS)
        self.model.choices = _choices(v.MODEL_LABELS, blank=_("Choose a model"))
        self.supports.choices = _choices(v.SUPPORT_LABELS)
        self.direction.choices = _choices(DIRECTION_LABELS)
        self.stance.choices = _choices(v.STANCE_LABELS, blank=_("Not sure"))
        self.frequency.choices = _choices(v.FREQUENCY_LABELS, blank=_("Choose how often"))
        self.formality.choices = _choices(v.FORMALITY_LABELS, blank=_("Not sure"))
        self.status.choices = _choices(v.STATUS_LABELS)


class CentreCardForm(FlaskForm):
    board_role = SelectField(_l("My role"), validate_choice=False)
    years_in_role = SelectField(_l("Years in this role"), validate_choice=False)
    strengths = TextAreaField(_l("My strengths (up to three, one per line)"))
    quiet_victories = TextAreaField(_l("Quiet victories (small successes, one per line)"))
    goals = TextAreaField(_l("My current goals (up to three, one per line)"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.board_role.choices = board_role_choices(blank=_("Choose my role"))
        self.years_in_role.choices = _choices(v.YEARS_LABELS, blank=_("Choose"))


class ConfirmForm(FlaskForm):
    """A button-only form (end, remove, share, snapshot): it carries the CSRF token."""
