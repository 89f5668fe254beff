"""The Web Strength score: which strands count, and how much.

Pure: facts in, a `WebScore` out. Every component is capped so that listing more names stops
helping after a point; frequency is never scored, it only decides whether a strand is active
(quality, not meeting counts, explains a good start — Richter et al. 2013).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, timedelta

from lti_tool.mentoring_web.domain.facts import (
    Band,
    ChecklistItem,
    Direction,
    StrandFacts,
    WebFacts,
    WebScore,
)
from lti_tool.mentoring_web.domain.vocabulary import N_, Frequency, Status

S_CAP, R_CAP, T_CAP, M_CAP = 7, 4, 5, 2
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


def band_for(total: int) -> Band:
    """Seed 0-6, Growing 7-13, Strong 14-20."""
    if total >= 14:
        return Band.STRONG
    if total >= 7:
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
    models = frozenset(s.model for s in mine)
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
    return WebScore(
        strands=s_,
        role_reach=r_,
        support_coverage=t_,
        model_mix=m_,
        quality=quality,
        band=band_for(s_ + r_ + t_ + m_ + quality),
        checklist=checklist,
        active_strands=len(distinct),
        role_families=families,
        supports=supports,
        models=models,
        strong_ties=strong_ties,
        reciprocal_strands=len(reciprocal),
    )
