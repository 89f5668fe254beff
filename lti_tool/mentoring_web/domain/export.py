"""The JSON shape of a web: the learner's data export, snapshots, and copying a web between courses.

Pure. Enums are written as their stored values and dates as ISO strings, so the export reads
without the tool. Reading goes through the same validation as the strand form: a copied or
restored web is held to the rules a typed one is. Database ids are not exported; a copy gets
new rows, and an id means nothing outside this tool.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from lti_tool.mentoring_web.domain.facts import (
    CentreCard,
    Direction,
    SnapshotFacts,
    StrandFacts,
    WebFacts,
    WebScore,
)
from lti_tool.mentoring_web.domain.growth import snapshot_of
from lti_tool.mentoring_web.domain.validation import (
    is_flagged_label,
    looks_like_a_personal_name,
    validate_centre_card,
    validate_strand,
)
from lti_tool.mentoring_web.domain.vocabulary import STUDENTS_ROLE

FORMAT = "mentoring-web"
VERSION = 1


class WebDataError(ValueError):
    """The data is not a web this tool can read; `errors` says where ("strands.2.label": [...])."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("not a readable mentoring web: " + ", ".join(sorted(errors)))
        self.errors = errors


def web_to_json(web: WebFacts, score: WebScore) -> dict[str, Any]:
    """Every field of the web and its score, as JSON-ready values."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "centre": centre_to_json(web.centre),
        "strands": [strand_to_json(strand) for strand in web.strands],
        "score": score_to_json(score),
    }


def centre_to_json(centre: CentreCard) -> dict[str, Any]:
    return {
        "display_name": centre.display_name,
        "board_role": centre.board_role,
        "years_in_role": centre.years_in_role,
        "strengths": list(centre.strengths),
        "quiet_victories": list(centre.quiet_victories),
        "goals": list(centre.goals),
    }


def strand_to_json(strand: StrandFacts) -> dict[str, Any]:
    return {
        "label": strand.label,
        "kind": strand.kind.value,
        "board_role": strand.board_role,
        "role_family": strand.role_family.value,  # derived; written for readers, ignored on read
        "location": strand.location.value if strand.location else None,
        "model": strand.model.value if strand.model else None,
        "supports": sorted(support.value for support in strand.supports),
        "frequency": strand.frequency.value if strand.frequency else None,
        "status": strand.status.value,
        "direction": strand.direction.value,
        "strength": strand.strength,
        "strength_note": strand.strength_note,
        "i_offer": strand.i_offer,
        "stance": strand.stance.value if strand.stance else None,
        "formality": strand.formality.value if strand.formality else None,
        "next_step": strand.next_step,
        "next_check_in": strand.next_check_in.isoformat() if strand.next_check_in else None,
        "last_contact_on": strand.last_contact_on.isoformat() if strand.last_contact_on else None,
    }


def score_to_json(score: WebScore) -> dict[str, Any]:
    """The score as computed at export time; `web_from_json` ignores it and callers recompute."""
    return {
        **score.components(),
        "total": score.total,
        "band": score.band.value,
        "is_strong_web": score.is_strong_web,
        "checklist": [
            {"code": item.code, "value": item.value, "target": item.target, "met": item.met}
            for item in score.checklist
        ],
        "active_strands": score.active_strands,
        "role_families": sorted(family.value for family in score.role_families),
        "supports": sorted(support.value for support in score.supports),
        "models": sorted(model.value for model in score.models),
        "strong_ties": score.strong_ties,
        "reciprocal_strands": score.reciprocal_strands,
    }


def web_from_json(data: Any) -> WebFacts:
    """Read a web written by `web_to_json` (or a bare list of §1.8-shaped strands under "strands").

    The §1.8 field names `support_types`, `stance_mostly` and `reciprocal` are accepted too. Rules
    relative to today are not applied: a web copied from last year may hold past dates.
    Raises `WebDataError` listing every problem, so nothing half-read is ever saved.
    """
    if not isinstance(data, Mapping):
        raise WebDataError({"": ["expected an object"]})
    errors: dict[str, list[str]] = {}
    if data.get("format", FORMAT) != FORMAT or data.get("version", VERSION) != VERSION:
        errors["format"] = ["unknown format or version"]
    centre_data = data.get("centre") or {}
    centre: CentreCard | None = CentreCard()
    if isinstance(centre_data, Mapping):
        centre, centre_errors = validate_centre_card(centre_data)
        errors.update({f"centre.{key}": messages for key, messages in centre_errors.items()})
    else:
        errors["centre"] = ["expected an object"]
    raw_strands = data.get("strands") or []
    if not isinstance(raw_strands, list):
        raise WebDataError({**errors, "strands": ["expected a list"]})
    strands: list[StrandFacts] = []
    for index, raw in enumerate(raw_strands):
        if not isinstance(raw, Mapping):
            errors[f"strands.{index}"] = ["expected an object"]
            continue
        strand, strand_errors = validate_strand(_with_aliases(raw), None)
        errors.update({f"strands.{index}.{k}": messages for k, messages in strand_errors.items()})
        if strand is not None:
            strands.append(strand)
    if errors or centre is None:
        raise WebDataError(errors)
    return WebFacts(centre=centre, strands=tuple(strands))


def snapshot_from_json(data: Any, taken_at: datetime) -> SnapshotFacts:
    """A stored snapshot (the `web_to_json` taken then) with its score recomputed as of `taken_at`.

    Recomputing rather than trusting the stored score keeps comparisons consistent if a scoring
    detail is ever corrected; the stored total and band stay in the snapshot row for history.
    """
    return snapshot_of(web_from_json(data).strands, taken_at)


def _with_aliases(raw: Mapping[str, Any]) -> dict[str, Any]:
    values = dict(raw)
    if "supports" not in values and "support_types" in values:
        values["supports"] = values["support_types"]
    if "stance" not in values and "stance_mostly" in values:
        values["stance"] = values["stance_mostly"]
    if "direction" not in values and values.get("reciprocal") is True:
        values["direction"] = Direction.MUTUAL.value
    return values


def printable_web(web: WebFacts, placeholder: str) -> WebFacts:
    """The web as it may leave the screen (printed summary, SVG, PNG, JSON): a student strand
    whose label looks like a name shows `placeholder` instead ("a flagged label never prints")."""
    return replace(
        web,
        strands=tuple(
            replace(strand, label=placeholder) if is_flagged_label(strand) else strand
            for strand in web.strands
        ),
    )


def printable_json(data: Any, placeholder: str) -> Any:
    """`printable_web` for a stored `web_to_json` (a snapshot in the data export)."""
    if not isinstance(data, Mapping) or not isinstance(data.get("strands"), list):
        return data
    strands = []
    for raw in data["strands"]:
        if (
            isinstance(raw, Mapping)
            and raw.get("board_role") == STUDENTS_ROLE
            and looks_like_a_personal_name(str(raw.get("label") or ""))
        ):
            raw = {**raw, "label": placeholder}
        strands.append(raw)
    return {**data, "strands": strands}
