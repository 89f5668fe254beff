"""Validation of a strand and of the centre card: raw form values in, facts or field errors out.

Pure, so one set of rules serves the WTForms views, the JSON import and the tests. Error messages
are English and `N_`-marked; the view passes each through gettext when it shows it. Values may
be strings (a raw form), lists (`MultiDict.to_dict(flat=False)`) or already-typed values (WTForms
`form.data`, a JSON import), so every caller can hand over what it has.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Any, TypeVar

from lti_tool.mentoring_web.domain.facts import CentreCard, Direction, StrandFacts
from lti_tool.mentoring_web.domain.vocabulary import (
    BOARD_ROLE_LABELS,
    KIND_LABELS,
    MODEL_LABELS,
    N_,
    ROLE_FAMILY_LABELS,
    STUDENTS_ROLE,
    Formality,
    Frequency,
    Location,
    Model,
    Stance,
    Status,
    StrandKind,
    Support,
    YearsInRole,
)

Errors = dict[str, list[str]]
E = TypeVar("E", bound=StrEnum)

LABEL_MAX, NOTE_MAX, STRENGTH_ITEM_MAX = 60, 200, 120
MAX_STRENGTHS, MAX_GOALS, MAX_QUIET_VICTORIES = 3, 3, 20

LABEL_REQUIRED = N_("Name this support: initials or a short description are fine.")
LABEL_TOO_LONG = N_("Keep it to 60 characters or fewer.")
CHOOSE_ONE = N_("Choose one of the options.")
STRENGTH_RANGE = N_("Use a whole number from 1 to 10, or leave it blank.")
TOO_LONG = N_("Keep it to 200 characters or fewer.")
BAD_DATE = N_("Enter a date as YYYY-MM-DD.")
CONTACT_IN_FUTURE = N_("The last contact cannot be in the future.")
STUDENTS_ARE_A_GROUP = N_(
    "Students are always a group strand: describe the group (for example “my period 3 class”), "
    "never a name."
)
LOOKS_LIKE_A_NAME = N_(
    "This looks like a person’s name. For students, please use a group description such as "
    "“my Gr. 3 class”, never a name."
)
UP_TO_THREE = N_("Keep up to three.")
EACH_UP_TO_120 = N_("Keep each one to 120 characters or fewer.")
EACH_UP_TO_200 = N_("Keep each one to 200 characters or fewer.")
UP_TO_TWENTY = N_("Keep up to 20: remove an older one first.")

# Words that make a label a description of a group rather than a name ("Gr. 3 class", "mes élèves").
GROUP_WORDS = frozenset(
    """gr grade grades class classe classes team teams équipe equipe group groups groupe groupes
    students student élèves eleves élève eleve kids children enfants period période periode club
    clubs council conseil homeroom cohort cohorte section room kindergarten maternelle jardin
    year année annee my mon ma mes our notre nos the of family families famille familles parents
    buddies circle cercle committee comité comite choir band""".split()  # noqa: SIM905
)
# Programs, subjects, levels and school words a student group is often named by ("French
# Immersion", "Drama Club", "Senior Kindergarten"): a capitalised one is not a name.
PROGRAM_WORDS = frozenset(
    """french english français francais anglais immersion core extended fsl esl eld ell math maths
    mathematics mathématiques science sciences drama art arts music musique theatre théâtre dance
    danse gym phys ed health santé history histoire geography géographie social studies
    robotics robotique coding code tech technology technologie computer informatique library
    bibliothèque reading lecture writing écriture literacy numeracy leadership student-led
    primary primaire junior intermediate intermédiaire senior jk sk full-day day morning afternoon
    lunch recess récréation after-school parascolaire breakfast newcomer newcomers nouveaux
    arrivants special education éducation spéciale resource ressource co-op coop shsm ib ap
    advanced placement gifted douance yearbook eco green chess debate débat peer peers pairs
    mentors tutors tutorat tutoring reading-buddies split combined mixte combined multi-grade
    level niveau cycle division stream volet program programme course cours semester semestre
    term trimestre first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth
    premier première deuxième troisième quatrième cinquième sixième septième huitième
    grade-level all whole entire toutes tous mes these those ces current past new nouvelle
    nouveau morning-group table tables pod pods house houses""".split()  # noqa: SIM905
)
# Connectors and name particles: neither a name nor a group word ("Emma and Liam", "Marie de Souza").
NEUTRAL_WORDS = frozenset(
    """and et de du des la le les van von da di del a an in at for with from to on par pour
    avec en au aux""".split()  # noqa: SIM905
)
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def _words_of(labels: object) -> frozenset[str]:
    texts = labels.values() if isinstance(labels, dict) else ()
    return frozenset(w.casefold() for text in texts for w in _WORD.findall(str(text)))


# The tool's own role, family, kind and model words ("Students", "Educational Assistant",
# "Community", "Network"…) describe a role or group too.
VOCABULARY_WORDS = (
    _words_of(BOARD_ROLE_LABELS)
    | _words_of(ROLE_FAMILY_LABELS)
    | _words_of(KIND_LABELS)
    | _words_of(MODEL_LABELS)
)
KNOWN_WORDS = GROUP_WORDS | PROGRAM_WORDS | VOCABULARY_WORDS


def validate_strand(
    values: Mapping[str, Any], today: date | None
) -> tuple[StrandFacts | None, Errors]:
    """Parse one strand, or say what to fix, field by field.

    Only a label and a role are required (quick add): everything else is a detail the learner
    may add later, and a choice left blank is None ("not said yet"), never a guess. What each
    missing detail costs is said by `score.standings` and `score.missing_details`.

    Decisions where the brief is silent:
    - `kind` defaults to a group for students (always a group, §3.6) and to one person otherwise;
      `status` defaults to active.
    - `i_offer` is not required for a reciprocal strand: it is offered as a detail to add.
    - `strength` is optional even for active strands: the scale is a reflection aid (Scaling
      Questions lets people use words instead of numbers), a missing rating only forgoes the Q
      point, and forcing a number would invite made-up ones.
    - `direction` defaults to "supports me" when empty, the common case.
    - `next_check_in` may be any valid date (editing an old strand must not fail on it).
    - `today=None` skips the rules relative to today, for webs copied from another course.
    """
    errors: Errors = {}
    label = _text(_one(values, "label"))
    if not label:
        _add(errors, "label", LABEL_REQUIRED)
    elif len(label) > LABEL_MAX:
        _add(errors, "label", LABEL_TOO_LONG)
    board_role = _text(_one(values, "board_role"))
    if board_role not in BOARD_ROLE_LABELS:
        _add(errors, "board_role", CHOOSE_ONE)
    default_kind = StrandKind.GROUP if board_role == STUDENTS_ROLE else StrandKind.INDIVIDUAL
    kind = _choice(values, "kind", StrandKind, errors, default=default_kind)
    location = _choice(values, "location", Location, errors, required=False)
    model = _choice(values, "model", Model, errors, required=False)
    frequency = _choice(values, "frequency", Frequency, errors, required=False)
    status = _choice(values, "status", Status, errors, default=Status.ACTIVE)
    direction = _choice(values, "direction", Direction, errors, default=Direction.SUPPORTS_ME)
    stance = _choice(values, "stance", Stance, errors, required=False)
    formality = _choice(values, "formality", Formality, errors, required=False)
    supports = _supports(values, errors)
    strength = _strength(values, errors)
    strength_note = _bounded(values, "strength_note", NOTE_MAX, errors)
    i_offer = _bounded(values, "i_offer", NOTE_MAX, errors)
    next_step = _bounded(values, "next_step", NOTE_MAX, errors)
    next_check_in = _date(values, "next_check_in", errors)
    last_contact_on = _date(values, "last_contact_on", errors)

    if board_role == STUDENTS_ROLE and kind is not None and kind is not StrandKind.GROUP:
        _add(errors, "kind", STUDENTS_ARE_A_GROUP)
    if today is not None and last_contact_on is not None and last_contact_on > today:
        _add(errors, "last_contact_on", CONTACT_IN_FUTURE)
    if (
        errors or kind is None or status is None or direction is None
    ):  # these have defaults: None only after an error; the checks are for the type checker
        return None, errors
    return StrandFacts(
        label=label,
        kind=kind,
        board_role=board_role,
        location=location,
        model=model,
        supports=supports,
        frequency=frequency,
        status=status,
        direction=direction,
        strength=strength,
        strength_note=strength_note,
        i_offer=i_offer,
        stance=stance,
        formality=formality,
        next_step=next_step,
        next_check_in=next_check_in,
        last_contact_on=last_contact_on,
    ), {}


def looks_like_a_personal_name(label: str) -> bool:
    """A guess that a label names a person: any capitalised word that is not a known word.

    Known words are group words ("class", "team", "mes élèves"), programs and subjects ("French
    Immersion", "Drama"), the tool's own role and group vocabulary ("Students", "Community") and
    connectors ("and", "de"). So "Emma", "Emma's group" and "Period 3 with Liam" are flagged, and
    "Grade 3", "Students", "Class", "French Immersion", "M.K." and "EA Team" are not. Initials and
    all-capital words are not names here. It only ever warns: a heuristic must never block a
    legitimate label — but a flagged label never prints (`printable_label`).
    """
    for word in _WORD.findall(label):
        if len(word) < 2 or not word[0].isupper() or word.isupper():
            continue
        folded = word.casefold()
        bases = {folded, re.sub(r"['’]s$", "", folded), folded.removesuffix("s")}
        if bases & (NEUTRAL_WORDS | KNOWN_WORDS):
            continue
        return True
    return False


def is_flagged_label(strand: StrandFacts) -> bool:
    """A student strand whose label looks like a name: warned about, and never printed."""
    return strand.board_role == STUDENTS_ROLE and looks_like_a_personal_name(strand.label)


def printable_label(strand: StrandFacts, placeholder: str) -> str:
    """The label for a printout or an export: `placeholder` instead of a flagged label."""
    return placeholder if is_flagged_label(strand) else strand.label


def strand_warnings(strand: StrandFacts) -> Errors:
    """Field → warnings that do not block saving (§3.6: warn when a student label looks like a name)."""
    if is_flagged_label(strand):
        return {"label": [LOOKS_LIKE_A_NAME]}
    return {}


def validate_centre_card(values: Mapping[str, Any]) -> tuple[CentreCard | None, Errors]:
    """Parse the centre card ("look in the mirror"). Every field is optional.

    A text value for a list field is read one item per line (the form's textareas); blank lines
    are dropped. Quiet victories are kept in the order given, newest first.
    """
    errors: Errors = {}
    display_name = _text(_one(values, "display_name"))
    if len(display_name) > LABEL_MAX:
        _add(errors, "display_name", LABEL_TOO_LONG)
    board_role = _text(_one(values, "board_role")) or None
    if board_role is not None and board_role not in BOARD_ROLE_LABELS:
        _add(errors, "board_role", CHOOSE_ONE)
    years = _choice(values, "years_in_role", YearsInRole, errors, required=False)
    strengths = _items(values, "strengths", MAX_STRENGTHS, UP_TO_THREE, 120, EACH_UP_TO_120, errors)
    victories = _items(
        values, "quiet_victories", MAX_QUIET_VICTORIES, UP_TO_TWENTY, 200, EACH_UP_TO_200, errors
    )
    goals = _items(values, "goals", MAX_GOALS, UP_TO_THREE, 200, EACH_UP_TO_200, errors)
    if errors:
        return None, errors
    return CentreCard(
        display_name=display_name,
        board_role=board_role,
        years_in_role=years.value if years else None,
        strengths=strengths,
        quiet_victories=victories,
        goals=goals,
    ), {}


# --- Reading raw values ----------------------------------------------------------------------


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _one(values: Mapping[str, Any], key: str) -> Any:
    """A single value: the first non-blank item when the form sent a list."""
    raw = values.get(key)
    if isinstance(raw, list | tuple):
        return next((item for item in raw if item not in (None, "")), None)
    return raw


def _text(raw: Any) -> str:
    return "" if raw is None else str(raw).strip()


def _bounded(values: Mapping[str, Any], key: str, limit: int, errors: Errors) -> str:
    text = _text(_one(values, key))
    if len(text) > limit:
        _add(errors, key, TOO_LONG)
    return text


def _choice(
    values: Mapping[str, Any],
    key: str,
    enum: type[E],
    errors: Errors,
    *,
    required: bool = True,
    default: E | None = None,
) -> E | None:
    raw = _text(_one(values, key))
    if not raw:
        if default is None and required:
            _add(errors, key, CHOOSE_ONE)
        return default
    try:
        return enum(raw)
    except ValueError:
        _add(errors, key, CHOOSE_ONE)
        return None


def _supports(values: Mapping[str, Any], errors: Errors) -> frozenset[Support]:
    raw = values.get("supports")
    items = [raw] if isinstance(raw, str) else list(raw or ())
    chosen = [text for text in (_text(item) for item in items) if text]
    known = {s.value for s in Support}
    if any(text not in known for text in chosen):
        _add(errors, "supports", CHOOSE_ONE)
    return frozenset(Support(text) for text in chosen if text in known)


def _strength(values: Mapping[str, Any], errors: Errors) -> int | None:
    raw = _one(values, "strength")
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):  # bool is an int; True is not a rating
        number = None
    elif isinstance(raw, int):
        number = raw
    else:
        text = _text(raw)
        number = int(text) if text.isascii() and text.isdigit() else None
    if number is None or not 1 <= number <= 10:
        _add(errors, "strength", STRENGTH_RANGE)
        return None
    return number


def _date(values: Mapping[str, Any], key: str, errors: Errors) -> date | None:
    raw = _one(values, key)
    if raw is None or raw == "":
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(_text(raw))
    except ValueError:
        _add(errors, key, BAD_DATE)
        return None


def _items(
    values: Mapping[str, Any],
    key: str,
    most: int,
    too_many: str,
    longest: int,
    too_long: str,
    errors: Errors,
) -> tuple[str, ...]:
    raw = values.get(key)
    items = raw.splitlines() if isinstance(raw, str) else list(raw or ())
    kept = tuple(text for text in (_text(item) for item in items) if text)
    if len(kept) > most:
        _add(errors, key, too_many)
    if any(len(text) > longest for text in kept):
        _add(errors, key, too_long)
    return kept
