"""How the tool names people, and how it matches a typed search to a name. Pure.

An LMS may send a full `name`, only `given_name` and `family_name`, or nothing (an anonymous or
no-PII launch, a roster under strict privacy settings). Every page says the same thing for the
same person, so launches, rosters, reviews and grids all call `person_name`.
"""

from __future__ import annotations

import unicodedata


def person_name(name: str | None, given_name: str | None, family_name: str | None) -> str:
    """The LMS's full name, else given and family names joined; "" when it sent none."""
    full = " ".join(part for part in (given_name, family_name) if part)
    return name or full or ""


def search_key(text: str | None) -> str:
    """Lower case without accents or apostrophes, hyphens as spaces, so a search typed without
    them still matches: "Côté" → "cote", "O'Connor" → "oconnor", "Jean-François" → "jean
    francois"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(plain.replace("'", "").replace("\u2019", "").replace("-", " ").split())
