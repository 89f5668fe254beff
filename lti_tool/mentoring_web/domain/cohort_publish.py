"""Cohort figures one learner cannot move (issue: differencing two reads told a private strand).

Pure. A course's figures are computed from its *published* cohort: every learner's web as it was at
the last publication, with the words taken out. A publication is replaced only when both hold:
- at least `period` has passed since it was made (figures are at most a day or so behind); and
- at least k learners' webs differ from it (added, removed or changed), or it had fewer than k
  learners (it showed no figure, so the first figures compare with nothing).
So between two reads of the cohort page the figures either stay the same or reflect the changes of
k or more learners at once: no reading before and after one person's edit isolates that edit.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from lti_tool.mentoring_web.domain.facts import CentreCard, WebFacts
from lti_tool.mentoring_web.domain.score import normalise_label


def wordless(web: WebFacts) -> WebFacts:
    """The web with nothing a learner wrote: each label becomes `s1`, `s2`… (one name for one
    person or group, so distinct strands stay distinct), notes and the centre card's words go."""
    names: dict[str, str] = {}
    strands = []
    for strand in web.strands:
        name = names.setdefault(normalise_label(strand.label), f"s{len(names) + 1}")
        strands.append(
            replace(
                strand,
                label=name,
                strength_note=_blanked(strand.strength_note),
                i_offer=_blanked(strand.i_offer),
                next_step=_blanked(strand.next_step),
                id=None,
            )
        )
    centre = CentreCard(board_role=web.centre.board_role, years_in_role=web.centre.years_in_role)
    return WebFacts(centre=centre, strands=tuple(strands))


def _blanked(text: str) -> str:
    """Whether something was written, without what: some rules need a field to be filled in."""
    return "…" if text.strip() else ""


def fingerprint(web_json: Mapping[str, Any]) -> str:
    """Equal for two wordless webs with the same facts (the score part is left out: it moves
    with the date alone)."""
    facts = {key: value for key, value in web_json.items() if key != "score"}
    return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()


def changed_learners(published: Mapping[int, str], current: Mapping[int, str]) -> int:
    """How many learners were added, removed or changed since the publication (by fingerprint)."""
    owners = set(published) | set(current)
    return sum(published.get(owner) != current.get(owner) for owner in owners)


def should_republish(
    published_at: datetime,
    now: datetime,
    changed: int,
    *,
    published_learners: int,
    threshold: int,
    period: timedelta,
) -> bool:
    if now - published_at < period or changed == 0:
        return False
    return changed >= threshold or published_learners < threshold
