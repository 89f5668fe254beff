"""The pure rules of a mentoring web, in one import: `from lti_tool.mentoring_web import domain`.

Each rule lives in a small sibling module, all pure — standard library,
`vocabulary` and `facts` only — so every rule is unit-tested from literals:

- domain_validation: strand and centre-card form values → facts or field errors; name warnings
- domain_score: active and distinct strands, the Web Strength score, bands, the checklist (§1.7)
- domain_gaps: gap prompts, worded as invitations, each linked to a mini-module
- domain_growth: snapshots and what changed between two of them
- domain_cohort: anonymous cohort figures with small-cell suppression (§3.4)
- domain_export: the JSON shape for export, snapshots and copying a web between courses
"""

from __future__ import annotations

from lti_tool.mentoring_web.domain_cohort import Cell, CohortSummary, cohort_summary
from lti_tool.mentoring_web.domain_export import (
    WebDataError,
    snapshot_from_json,
    web_from_json,
    web_to_json,
)
from lti_tool.mentoring_web.domain_gaps import MODULE_TITLES, GapPrompt, gap_prompts
from lti_tool.mentoring_web.domain_growth import Comparison, compare, snapshot_of
from lti_tool.mentoring_web.domain_score import (
    active_supports,
    band_for,
    distinct_strands,
    is_active,
    normalise_label,
    score,
    score_strands,
    supports_me,
)
from lti_tool.mentoring_web.domain_validation import (
    looks_like_a_personal_name,
    strand_warnings,
    validate_centre_card,
    validate_strand,
)

__all__ = [
    "MODULE_TITLES",
    "Cell",
    "CohortSummary",
    "Comparison",
    "GapPrompt",
    "WebDataError",
    "active_supports",
    "band_for",
    "cohort_summary",
    "compare",
    "distinct_strands",
    "gap_prompts",
    "is_active",
    "looks_like_a_personal_name",
    "normalise_label",
    "score",
    "score_strands",
    "snapshot_from_json",
    "snapshot_of",
    "strand_warnings",
    "supports_me",
    "validate_centre_card",
    "validate_strand",
    "web_from_json",
    "web_to_json",
]
