"""What the web's pages show, prepared for templates: the picture, translated labels, a table.

View-layer helpers (they translate with gettext); the rules stay in the pure domain.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from flask import current_app, flash
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup

from lti_tool.db import utcnow
from lti_tool.learning_modules.services.catalogue import catalogue_of
from lti_tool.mentoring_web.domain import vocabulary
from lti_tool.mentoring_web.domain.facts import WebFacts, WebScore
from lti_tool.mentoring_web.domain.gaps import GapPrompt, gap_prompts
from lti_tool.mentoring_web.domain.layout import layout_web
from lti_tool.mentoring_web.domain.render_svg import render_svg, render_svg_inline
from lti_tool.mentoring_web.domain.score import score
from lti_tool.mentoring_web.domain.web_style import TEXTS

CONFIRMATION = "mentoring_web"  # the flash category of this feature's save confirmations
SHARING_CONFIRMATION = "mentoring_web_sharing"  # shown in the sharing section instead


def confirm(text: str, details_for: int | None = None, category: str = CONFIRMATION) -> None:
    """A save confirmation for the next page (mentoring_web/_confirmation.html), shown where the
    page opens and focused on load; with `details_for`, it offers that strand's details form."""
    flash({"text": str(text), "details_for": details_for}, category)


def today() -> date:
    return utcnow().date()


def picture_labels() -> dict[str, str]:
    labels = {key: _(text) for key, text in TEXTS.items()}
    labels.update(
        {
            f"family:{family.value}": _(text)
            for family, text in vocabulary.ROLE_FAMILY_LABELS.items()
        }
    )
    labels.update(
        {f"role:{value}": _(text) for value, text in vocabulary.BOARD_ROLE_LABELS.items()}
    )
    return labels


def picture_description(web: WebFacts, when: date) -> str:
    drawn = [s for s in web.strands if s.status is not vocabulary.Status.ENDED]
    planned = sum(1 for s in drawn if s.is_planned)
    families = {s.role_family for s in drawn if not s.is_planned}
    strands = ngettext(
        "A web with %(num)d strand around the person at the centre",
        "A web with %(num)d strands around the person at the centre",
        len(drawn) - planned,
    )
    reach = ngettext("in %(num)d role family", "in %(num)d role families", len(families))
    plans = ngettext(
        "and %(num)d person you plan to reach", "and %(num)d people you plan to reach", planned
    )
    return f"{strands}, {reach}, {plans}. " + _("The table below the picture lists every strand.")


def web_svg(web: WebFacts, *, standalone: bool = False, id_prefix: str = "my-web") -> str:
    layout = layout_web(web)
    title = (
        _("Mentoring web of %(name)s", name=web.centre.display_name)
        if web.centre.display_name
        else _("My mentoring web")
    )
    description = picture_description(web, today())
    render = render_svg if standalone else render_svg_inline
    return render(
        layout, title=title, description=description, labels=picture_labels(), id_prefix=id_prefix
    )


def label(labels: dict, value: object) -> str:
    """The translated label of an enum value (or the value itself when unknown)."""
    text = labels.get(value) if value is not None else None
    return _(text) if text else ("" if value is None else str(value))


def translated_errors(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    return {field: [_(message) for message in messages] for field, messages in errors.items()}


def score_and_prompts(web: WebFacts) -> tuple[WebScore, list[GapPrompt]]:
    when = today()
    return score(web, when), gap_prompts(web, when)


def template_helpers() -> dict[str, object]:
    """Translated labels of stored values, for the web's templates."""
    from lti_tool.mentoring_web.domain.facts import BAND_LABELS
    from lti_tool.mentoring_web.forms import DIRECTION_LABELS

    def lookup(labels: dict):
        return lambda value: label(labels, value)

    return {
        "role_label": lookup(vocabulary.BOARD_ROLE_LABELS),
        "family_label": lookup(vocabulary.ROLE_FAMILY_LABELS),
        "model_label": lookup(vocabulary.MODEL_LABELS),
        "support_label": lookup(vocabulary.SUPPORT_LABELS),
        "status_label": lookup(vocabulary.STATUS_LABELS),
        "direction_label": lookup(DIRECTION_LABELS),
        "band_label": lookup(BAND_LABELS),
        "years_label": lookup(vocabulary.YEARS_LABELS),
        "module_title": module_title,
    }


def module_name(slug: str) -> str:
    """A mini-module's title from the catalogue, or the slug of a module that no longer exists
    (plain text, for places that take no markup such as a select's options)."""
    module = catalogue_of(current_app).get(slug)
    return slug if module is None else module.title


def module_title(slug: str) -> Markup:
    """The title marked with the catalogue's language: the module's content may be in another
    language than the page around it."""
    catalogue = catalogue_of(current_app)
    module = catalogue.get(slug)
    if module is None:
        return Markup("{}").format(slug)
    return Markup('<span lang="{}">{}</span>').format(catalogue.language, module.title)


def without_private_words(web: WebFacts) -> WebFacts:
    """What a facilitator sees of a shared web: roles, models, supports and strength.

    Never the labels and notes the owner wrote: they may name colleagues who never consented,
    so a shared strand is named by its supporter's role instead.
    """
    strands = tuple(
        replace(
            strand,
            label=_(
                "%(role)s (strand %(number)d)",
                role=label(vocabulary.BOARD_ROLE_LABELS, strand.board_role),
                number=number,
            ),
            strength_note="",
            i_offer="",
            next_step="",
        )
        for number, strand in enumerate(web.strands, start=1)
    )
    return replace(web, centre=replace(web.centre, quiet_victories=()), strands=strands)
