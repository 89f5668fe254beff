"""The Web Strength score: which strands count, how much, and why a strand does not.

Pure: facts in, a `WebScore` out. One rule set feeds the score, its band, the checklist, the
"counts / does not count yet" line of every strand and the gap prompts, so none of them can say
something another contradicts. The rules (MENTORING-CONTENT §1.7, with the decisions below):

- **A strand counts** when it is active, supports me, and I am in touch at least once or twice a
  term — or, for a just-in-time strand, when the last contact is within 90 days. `standing`
  says, for every strand, whether it counts and if not why (no frequency yet, no last-contact
  date, too long ago, rarely, planned, dormant, ended, a strand I only give to, or the same person
  as an earlier strand). Frequency only decides this; it is never scored (Richter et al. 2013).
- **S** = counted distinct strands (same normalised label = one strand), capped at 7;
  **R** = role families among them, capped at 4; **T** = kinds of support, capped at 5;
  **M** = models − 1, capped at 2; **Q** = +1 for two strands rated 7 or more, +1 for any active
  strand that runs both ways or towards someone I support. A detail not given yet (model, kinds of
  support) adds nothing, and is offered as a detail to add (`missing_details`).
- **The checklist** (≥ 5 counted strands, ≥ 3 role families, ≥ 2 models) is computed from the
  same counted strands as S, R and M, so its values are the uncapped S, R and models.
- **Bands**: Seed 0-6, Growing 7 and more, **Strong = 14 or more *and* every checklist item**.
  Changed from the brief, where Strong was 14-20 alone: four strands could score "Strong 17/20"
  while the checklist said "Not yet: at least 5 active strands". Keeping the total uncapped (and
  gating the band instead) means every strand added still moves the score, as the learner sees.
  The brief's three worked examples are unchanged: 17 Strong ✓, 12 Growing ✗, 9 Growing ✗.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from lti_tool.mentoring_web.domain.facts import (
    Band,
    ChecklistItem,
    Direction,
    StrandFacts,
    WebFacts,
    WebScore,
)
from lti_tool.mentoring_web.domain.vocabulary import N_, Frequency, Model, Status

S_CAP, R_CAP, T_CAP, M_CAP = 7, 4, 5, 2
STRONG_POINTS, GROWING_POINTS = 14, 7
STRONG_TIE = 7  # strength at or above which a strand is a strong tie (the scaling-questions scale)
JUST_IN_TIME_WINDOW = timedelta(days=90)
CHECKLIST_STRANDS, CHECKLIST_FAMILIES, CHECKLIST_MODELS = 5, 3, 2

# "At least once or twice a term": every regular rhythm counts; `rarely` never does, and
# `just_in_time` counts only while the last contact is recent (see is_active).
REGULAR_FREQUENCIES = frozenset(
    {
        Frequency.WEEKLY_PLUS,
        Frequency.EVERY_2_3_WEEKS,
        Frequency.MONTHLY,
        Frequency.ONCE_OR_TWICE_A_TERM,
    }
)


def normalise_label(label: str) -> str:
    """The key two strands share when they name the same person or group.

    Casefolded with whitespace collapsed, so "M.K. " and "m.k." are one strand; anything more
    clever (initials vs. full names) would guess, and a wrong merge hides a real support.
    """
    return " ".join(label.split()).casefold()


def is_active(strand: StrandFacts, today: date) -> bool:
    """Active = status active and in touch at least once or twice a term (§1.7).

    A just-in-time strand counts while its last contact is within 90 days: without a recorded
    contact nothing shows it is still alive, so it does not count. Direction is not considered
    here; whether an active strand supports *me* is `supports_me`.
    """
    if strand.status is not Status.ACTIVE:
        return False
    if strand.frequency in REGULAR_FREQUENCIES:
        return True
    if strand.frequency is Frequency.JUST_IN_TIME and strand.last_contact_on is not None:
        return today - strand.last_contact_on <= JUST_IN_TIME_WINDOW
    return False


def supports_me(strand: StrandFacts) -> bool:
    """Strands I only give to (direction i_support) are not supports of mine: they count for Q only."""
    return strand.direction is not Direction.I_SUPPORT


def active_supports(strands: Iterable[StrandFacts], today: date) -> tuple[StrandFacts, ...]:
    """The active strands that support me, before merging duplicates."""
    return tuple(s for s in strands if is_active(s, today) and supports_me(s))


def distinct_strands(strands: Iterable[StrandFacts]) -> tuple[StrandFacts, ...]:
    """Merge strands naming the same person or group (same normalised label) into one.

    The merged strand keeps the first one's fields, with the union of supports, the highest
    strength and `mutual` if either runs both ways — one person giving two kinds of support is
    one strand with two support types (§1.7), and should not count twice.
    """
    merged: dict[str, StrandFacts] = {}
    for strand in strands:
        key = normalise_label(strand.label)
        first = merged.get(key)
        if first is None:
            merged[key] = strand
            continue
        strengths = [s for s in (first.strength, strand.strength) if s is not None]
        mutual = Direction.MUTUAL in (first.direction, strand.direction)
        merged[key] = replace(
            first,
            supports=first.supports | strand.supports,
            strength=max(strengths) if strengths else None,
            direction=Direction.MUTUAL if mutual else first.direction,
        )
    return tuple(merged.values())


def band_for(total: int, checklist_met: bool = True) -> Band:
    """Seed 0-6, Growing 7 and more, Strong 14 and more with every checklist item met."""
    if total >= STRONG_POINTS and checklist_met:
        return Band.STRONG
    if total >= GROWING_POINTS:
        return Band.GROWING
    return Band.SEED


def score(web: WebFacts, today: date) -> WebScore:
    """The Web Strength score of a web on `today` (§1.7)."""
    return score_strands(web.strands, today)


def score_strands(strands: Iterable[StrandFacts], today: date) -> WebScore:
    """The score of a bare list of strands: snapshots keep strands without a centre card."""
    strands = tuple(strands)
    mine = active_supports(strands, today)
    distinct = distinct_strands(mine)
    # Families, supports and models are sets over every active strand of mine; merging
    # duplicates first would give the same sets, so the merge matters only for S and Q.
    families = frozenset(s.role_family for s in mine)
    supports = frozenset(support for s in mine for support in s.supports)
    models = frozenset(s.model for s in mine if s.model is not None)
    strong_ties = sum(1 for s in distinct if s.strength is not None and s.strength >= STRONG_TIE)
    # Reciprocity counts every active strand that runs both ways or towards someone I support.
    reciprocal = {
        normalise_label(s.label) for s in strands if is_active(s, today) and s.is_reciprocal
    }
    quality = int(strong_ties >= 2) + int(bool(reciprocal))
    s_, r_, t_ = min(len(distinct), S_CAP), min(len(families), R_CAP), min(len(supports), T_CAP)
    m_ = max(0, min(len(models) - 1, M_CAP))
    checklist = (
        ChecklistItem("strands", N_("At least 5 active strands"), len(distinct), CHECKLIST_STRANDS),
        ChecklistItem(
            "role_families", N_("At least 3 role families"), len(families), CHECKLIST_FAMILIES
        ),
        ChecklistItem(
            "models", N_("At least 2 models of mentorship"), len(models), CHECKLIST_MODELS
        ),
    )
    checklist_met = all(item.met for item in checklist)
    return WebScore(
        strands=s_,
        role_reach=r_,
        support_coverage=t_,
        model_mix=m_,
        quality=quality,
        band=band_for(s_ + r_ + t_ + m_ + quality, checklist_met),
        checklist=checklist,
        active_strands=len(distinct),
        role_families=families,
        supports=supports,
        models=models,
        strong_ties=strong_ties,
        reciprocal_strands=len(reciprocal),
    )


# --- Why a strand counts or not: the line every strand shows -----------------------------------


class Standing(StrEnum):
    COUNTS = "counts"
    SAME_AS_ANOTHER = "same_as_another"  # same person or group as an earlier strand: counted once
    I_SUPPORT_THEM = "i_support_them"  # counts for mutuality (Q) only
    NO_FREQUENCY = "no_frequency"
    NO_LAST_CONTACT = "no_last_contact"
    CONTACT_TOO_OLD = "contact_too_old"
    RARELY = "rarely"
    PLANNED = "planned"
    DORMANT = "dormant"
    ENDED = "ended"


# code → (what the learner reads, how to make it count); N_-marked, the view translates them.
STANDING_TEXTS: dict[Standing, tuple[str, str]] = {
    Standing.COUNTS: (N_("Counts toward your web strength."), ""),
    Standing.SAME_AS_ANOTHER: (
        N_("Counted once, with the other strand of the same name: one person, one strand."),
        "",
    ),
    Standing.I_SUPPORT_THEM: (
        N_("You support them: it counts for mutuality, not as a support of yours."),
        "",
    ),
    Standing.NO_FREQUENCY: (
        N_("Does not count yet."),
        N_("Add how often you are in touch."),
    ),
    Standing.NO_LAST_CONTACT: (
        N_("Does not count yet: a just-in-time strand counts for 90 days after you last talked."),
        N_("Add when you last talked."),
    ),
    Standing.CONTACT_TOO_OLD: (
        N_("Does not count now: you last talked more than 90 days ago."),
        N_("Add your latest conversation."),
    ),
    Standing.RARELY: (
        N_("Does not count: in touch rarely. It counts from once or twice a term."),
        N_("Change how often you are in touch."),
    ),
    Standing.PLANNED: (
        N_("Someone you plan to reach: it counts once you are in touch."),
        N_("Mark it active once you have talked."),
    ),
    Standing.DORMANT: (
        N_("Dormant: it counts again once it is active."),
        N_("Mark it active when you are back in touch."),
    ),
    Standing.ENDED: (N_("Ended: kept in your history, not counted."), ""),
}


def _standing_alone(strand: StrandFacts, today: date) -> Standing:
    if strand.status is Status.ENDED:
        return Standing.ENDED
    if strand.status is Status.PLANNED:
        return Standing.PLANNED
    if strand.status is Status.DORMANT:
        return Standing.DORMANT
    if strand.frequency is None:
        return Standing.NO_FREQUENCY
    if strand.frequency is Frequency.RARELY:
        return Standing.RARELY
    if strand.frequency is Frequency.JUST_IN_TIME:
        if strand.last_contact_on is None:
            return Standing.NO_LAST_CONTACT
        if not is_active(strand, today):
            return Standing.CONTACT_TOO_OLD
    if not supports_me(strand):
        return Standing.I_SUPPORT_THEM
    return Standing.COUNTS


def standings(strands: Iterable[StrandFacts], today: date) -> tuple[Standing, ...]:
    """Whether each strand counts toward S (and so R, T, M and the checklist), in order.

    Exactly the strands `score` counts are COUNTS: the first of several strands naming one person
    counts and the others are SAME_AS_ANOTHER, as `distinct_strands` merges them.
    """
    seen: set[str] = set()
    result = []
    for strand in strands:
        standing = _standing_alone(strand, today)
        if standing is Standing.COUNTS:
            key = normalise_label(strand.label)
            if key in seen:
                standing = Standing.SAME_AS_ANOTHER
            seen.add(key)
        result.append(standing)
    return tuple(result)


@dataclass(frozen=True)
class StrandStanding:
    """One strand with its standing and the details still worth adding."""

    strand: StrandFacts
    standing: Standing
    missing: tuple[str, ...]  # N_-marked English: "what it gives you", …

    @property
    def counts(self) -> bool:
        return self.standing is Standing.COUNTS

    @property
    def text(self) -> str:
        return STANDING_TEXTS[self.standing][0]

    @property
    def fix(self) -> str:
        return STANDING_TEXTS[self.standing][1]


MISSING_SUPPORTS = N_("what it gives you")
MISSING_MODEL = N_("the model of mentorship")
MISSING_LOCATION = N_("where they are")
MISSING_I_OFFER = N_("what you offer them")


def missing_details(strand: StrandFacts) -> tuple[str, ...]:
    """The details a quick-added strand lacks that the score or the gap prompts would use."""
    missing = []
    if not strand.supports:
        missing.append(MISSING_SUPPORTS)
    if strand.model is None:
        missing.append(MISSING_MODEL)
    if strand.location is None:
        missing.append(MISSING_LOCATION)
    if strand.is_reciprocal and not strand.i_offer.strip():
        missing.append(MISSING_I_OFFER)
    return tuple(missing)


def strand_standings(strands: Iterable[StrandFacts], today: date) -> tuple[StrandStanding, ...]:
    """Every strand with its standing (see `standings`) and its missing details."""
    strands = tuple(strands)
    return tuple(
        StrandStanding(strand, standing, missing_details(strand))
        for strand, standing in zip(strands, standings(strands, today), strict=True)
    )


def known_models(strands: Iterable[StrandFacts]) -> frozenset[Model]:
    return frozenset(s.model for s in strands if s.model is not None)
