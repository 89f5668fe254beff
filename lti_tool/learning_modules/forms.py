"""What the mini-module pages' forms send, read and bounded in one place (the views pass
`request.form` and `request.files`; nothing else reads them). CSRFProtect checks every POST's
token before any of this runs; the rules behind the values live in the pure domain.

The reflection page's fields are named per prompt (`answer-<prompt>`, `attachment-<prompt>`…),
so they are read here against the module's own prompts rather than declared as a fixed form.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage, MultiDict

from lti_tool.learning_modules.domain.assignment import parse_due_date
from lti_tool.learning_modules.domain.feedback import FIELDS
from lti_tool.learning_modules.domain.modules import Catalogue, Module
from lti_tool.learning_modules.domain.progress import PromptEntry
from lti_tool.learning_modules.models import PRIVATE
from lti_tool.learning_modules.services.assignments import Choice
from lti_tool.learning_modules.services.reflection_page import Upload
from lti_tool.learning_modules.services.review import ALL, REVIEW_FILTERS
from lti_tool.numbers import whole_number

SAVE, SUBMIT = "save", "submit"
REQUIRED, OPTIONAL = "required", "optional"
SEND, SEND_ANYWAY = "send", "send-anyway"


@dataclass(frozen=True)
class ReflectionPost:
    entries: list[PromptEntry]
    uploads: dict[str, Upload]
    submit: str | None  # the prompt to submit, if the button asked for one
    target: str | None  # the prompt the button named (unknown ones are refused by the view)


def reflection_page(form: MultiDict, files: MultiDict, module: Module) -> ReflectionPost:
    """Every prompt of the page that the form carries, saved together; one submitted if asked."""
    verb, _sep, target = form.get("action", SAVE).partition(":")
    entries = [
        prompt_entry(form, prompt.id, f"-{prompt.id}")
        for prompt in module.prompts
        if f"answer-{prompt.id}" in form
    ]
    uploads = {
        prompt.id: Upload(upload.stream, upload.filename)
        for prompt in module.prompts
        if (upload := files.get(f"attachment-{prompt.id}")) is not None and upload.filename
    }
    submit = target if verb == SUBMIT and target in {e.prompt_id for e in entries} else None
    return ReflectionPost(entries, uploads, submit, target or None)


def one_prompt(form: MultiDict, files: MultiDict, prompt_id: str) -> ReflectionPost:
    """One prompt's form (pages loaded before the page-wide form existed still post this)."""
    upload: FileStorage | None = files.get("attachment")
    uploads = (
        {prompt_id: Upload(upload.stream, upload.filename)}
        if upload is not None and upload.filename
        else {}
    )
    submit = prompt_id if form.get("action", SAVE) == SUBMIT else None
    return ReflectionPost([prompt_entry(form, prompt_id, "")], uploads, submit, prompt_id)


def prompt_entry(form: MultiDict, prompt_id: str, suffix: str) -> PromptEntry:
    return PromptEntry(
        prompt_id=prompt_id,
        answer=form.get(f"answer{suffix}", ""),
        visibility=form.get(f"visibility{suffix}", PRIVATE),
        shared_with_mentors=form.get(f"mentors{suffix}") == "1",
        link=form.get(f"link{suffix}", ""),
        revision=whole_number(form.get(f"revision{suffix}")),
        digest=form.get(f"digest{suffix}") or None,
    )


@dataclass(frozen=True)
class AssignmentPost:
    choices: dict[str, Choice]
    typed: dict[str, dict[str, object]]  # what was typed, shown again when a date is refused
    errors: dict[str, str]
    pathway: str | None


def assignments(form: MultiDict, catalogue: Catalogue) -> AssignmentPost:
    """The assignment table: for each module of the catalogue the form lists, assigned or not,
    required or optional, and its due date (refused, with the typed text kept, if not a date)."""
    choices: dict[str, Choice] = {}
    typed: dict[str, dict[str, object]] = {}
    errors: dict[str, str] = {}
    for slug in dict.fromkeys(form.getlist("module")):
        if catalogue.get(slug) is None:
            continue
        is_assigned = form.get(f"assigned-{slug}") == "on"
        required = form.get(f"required-{slug}") == REQUIRED
        due_text = form.get(f"due-{slug}", "")
        typed[slug] = {"assigned": is_assigned, "required": required, "due": due_text}
        try:
            due_on: date | None = parse_due_date(due_text)
        except ValueError:
            errors[slug] = _(
                "Enter the due date as a date, for example 2026-03-31, or leave it empty."
            )
            continue
        choices[slug] = Choice(is_assigned, required, due_on)
    return AssignmentPost(choices, typed, errors, form.get("assign_pathway") or None)


def feedback(form: MultiDict) -> tuple[dict[str, str], bool]:
    """The feedback's fields as typed, and whether the facilitator chose to send it anyway."""
    return {name: form.get(name, "") for name in FIELDS}, form.get("action") == SEND_ANYWAY


def deep_link_items(form: MultiDict) -> list[str]:
    """The picker's choices, each once, in the order the page listed them."""
    return list(dict.fromkeys(form.getlist("item")))


@dataclass(frozen=True)
class ReviewQuery:
    status: str  # one of REVIEW_FILTERS; an unknown one reads as "all"
    page: int


def review_query(args: MultiDict) -> ReviewQuery:
    """The review queue's filter and page from its query string, bounded (never a 500)."""
    status = args.get("status", ALL)
    return ReviewQuery(
        status=status if status in REVIEW_FILTERS else ALL,
        page=whole_number(args.get("page")) or 1,
    )
