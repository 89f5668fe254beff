"""Gap prompts: what a web could grow next, worded as invitations and linked to the module that helps.

Pure. A first web is meant to be incomplete ("gaps are information, not failure", M01), so every
message asks a question or offers an idea; none names a deficit. Prompts are ordered by how much
they are likely to help, following the evidence of the induction research: the number of supports
(NTIP 5-7), then well-being and observation with a debrief (the design most linked to growth),
then reach across roles, models and sites, then mutuality and reflection on strength.

Prompts about what the web holds ("all your strands are in your building", "no one gives you
well-being support") are read from every active strand of mine, counted or not, and only claim
what the learner said: a strand whose location or model is not given yet never makes "all your
strands…" true. Strands that are active but do not count yet (see `score.standings`) get their
own prompt, so the advice and the score never disagree about them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lti_tool.mentoring_web.domain.facts import WebFacts
from lti_tool.mentoring_web.domain.score import (
    CHECKLIST_STRANDS,
    STRONG_TIE,
    Standing,
    active_supports,
    distinct_strands,
    is_active,
    standings,
    supports_me,
)
from lti_tool.mentoring_web.domain.vocabulary import N_, Formality, Location, Status, Support


# Stable slugs of the mini-modules (used by the mini-modules feature's URLs) and their titles.
@dataclass(frozen=True)
class GapPrompt:
    """An invitation to grow the web, and the module that helps with it."""

    code: str
    message: str  # N_-marked English; the view translates it
    module_slug: str  # its title is the catalogue's, in the catalogue's language


# code → (message, module), in order of usefulness.
PROMPTS: dict[str, tuple[str, str]] = {
    "start_web": (
        N_(
            "Your web starts with the people who already help you, whatever their titles. "
            "Who comes to mind first?"
        ),
        "creating-a-mentoring-web",
    ),
    "not_counted": (
        N_(
            "Some of your active strands do not count yet. Each one in the list of strands "
            "says what to add."
        ),
        "building-a-mentoring-web",
    ),
    "few_strands": (
        N_(
            "Webs with five to seven active strands hold best. Who else helps you, even a little, "
            "that you could add?"
        ),
        "building-a-mentoring-web",
    ),
    "no_wellbeing": (
        N_("No one in your web gives you well-being support yet. Who brings you energy and hope?"),
        "the-power-of-listening",
    ),
    "no_feedback": (
        N_(
            "Observing someone at work and talking it over afterwards is the support most linked "
            "to growth. Who could you visit, or invite to visit you?"
        ),
        "observation-and-debriefing-protocols",
    ),
    "one_role_family": (
        N_(
            "Your strands all come from one kind of role. Who in a different role could you "
            "learn from: an EA, an office administrator, a coach, a group of students?"
        ),
        "building-a-mentoring-web",
    ),
    "one_model": (
        N_(
            "Your strands all follow one model of mentorship. Could a flash conversation, a "
            "group or an online network add a new kind of thread?"
        ),
        "multiple-models-of-mentorship",
    ),
    "same_site_only": (
        N_(
            "All your strands are in your building. Is there someone elsewhere in the board "
            "with the same assignment?"
        ),
        "creating-a-mentoring-web",
    ),
    "no_reciprocal": (
        N_("You appear in others’ webs too. Add what you offer them, students included."),
        "learners-at-the-centre",
    ),
    "strength_without_note": (
        N_(
            "Some strands are rated below 7. What makes each one that number, and what would "
            "raise it one notch?"
        ),
        "scaling-questions",
    ),
    "assigned_dormant": (
        N_(
            "A strand assigned to you has gone quiet. Being mentored matters more than having a "
            "mentor: what small step could bring it back to life?"
        ),
        "building-relational-trust",
    ),
    "no_goals": (
        N_(
            "What would you like to grow this year? A goal gives your strands something to "
            "work on together."
        ),
        "goal-setting-conversations",
    ),
}


def gap_prompts(web: WebFacts, today: date, limit: int | None = 3) -> list[GapPrompt]:
    """The invitations that apply to this web, most useful first; `limit=None` returns them all.

    An empty web gets only the invitation to start: anything else would be a list of absences.
    """
    applying = _applying(web, today)
    prompts = [
        GapPrompt(code, message, slug)
        for code, (message, slug) in PROMPTS.items()
        if code in applying
    ]
    return prompts if limit is None else prompts[:limit]


def _applying(web: WebFacts, today: date) -> set[str]:
    if not web.strands:
        return {"start_web"}
    mine = active_supports(web.strands, today)
    # What the learner told about the supports they have now, counted yet or not.
    present = [s for s in web.strands if s.status is Status.ACTIVE and supports_me(s)]
    supports = {support for s in present for support in s.supports}
    families = {s.role_family for s in present}
    codes = set()
    waiting = (Standing.NO_FREQUENCY, Standing.NO_LAST_CONTACT, Standing.CONTACT_TOO_OLD)
    if any(standing in waiting for standing in standings(web.strands, today)):
        codes.add("not_counted")
    if len(distinct_strands(mine)) < CHECKLIST_STRANDS:
        codes.add("few_strands")
    if present and Support.WELLBEING not in supports:
        codes.add("no_wellbeing")
    if present and Support.FEEDBACK_REFLECTION not in supports:
        codes.add("no_feedback")
    if len(families) == 1:
        codes.add("one_role_family")
    models = {s.model for s in present}
    if len(models) == 1 and None not in models:
        codes.add("one_model")
    if present and all(s.location is Location.SAME_SITE for s in present):
        codes.add("same_site_only")
    if not any(s.is_reciprocal and is_active(s, today) for s in web.strands):
        codes.add("no_reciprocal")
    if any(
        s.strength is not None and s.strength < STRONG_TIE and not s.strength_note.strip()
        for s in mine
    ):
        codes.add("strength_without_note")
    if any(s.formality is Formality.ASSIGNED and s.status is Status.DORMANT for s in web.strands):
        codes.add("assigned_dormant")
    if not web.centre.goals:
        codes.add("no_goals")
    return codes
