"""The message catalogues: complete, faithful to their placeholders, and up to date with the source.

A string added to a template or a module without a translation fails `test_catalogue_has_every_
source_string` with the list of missing msgids. The fix is `make translations`, then translating the
new (and any fuzzy) entries in lti_tool/translations/<lang>/LC_MESSAGES/messages.po.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from lti_tool.paths import PROJECT_ROOT, TRANSLATIONS_DIR

BABEL_CFG = PROJECT_ROOT / "babel.cfg"
# The same keywords as `pybabel extract -k lazy_gettext -k _l -k N_ -k lazy_pgettext:1c,2` in the
# Makefile translations target.
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "lazy_gettext": None,
    "_l": None,
    "N_": None,
    "lazy_pgettext": ((1, "c"), 2),
}
PO_FILES = sorted(TRANSLATIONS_DIR.glob("*/LC_MESSAGES/messages.po"))

# A printf-style conversion as Python's % operator reads it: %(name)s, %d, %%, ...
CONVERSION = re.compile(r"%(?:\([^)]*\))?[#0 +\-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")


def _read(po_path: Path) -> Catalog:
    with po_path.open("rb") as f:
        return read_po(f, locale=po_path.parent.parent.name)


def _forms(value: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _conversions(texts: tuple[str, ...]) -> set[str]:
    return {match.group(0) for text in texts for match in CONVERSION.finditer(text)}


def _has_stray_percent(texts: tuple[str, ...]) -> bool:
    """A % that is not part of a conversion: Jinja's newstyle gettext would raise on it."""
    return any("%" in CONVERSION.sub("", text) for text in texts)


def _problems(message: Message, num_plurals: int) -> Iterator[str]:
    ids, strings = _forms(message.id), _forms(message.string or "")
    if message.fuzzy:
        yield "is marked fuzzy (check the translation, then remove the fuzzy flag)"
    if not all(s.strip() for s in strings) or (
        message.pluralizable and len(strings) != num_plurals
    ):
        yield "has no translation"
        return
    if _conversions(strings) != _conversions(ids):
        yield f"has placeholders {sorted(_conversions(strings))}, expected {sorted(_conversions(ids))}"
    if _has_stray_percent(strings) and not _has_stray_percent(ids):
        yield "has a lone % sign (write %% or rephrase)"


def test_french_catalogue_exists() -> None:
    assert TRANSLATIONS_DIR / "fr" / "LC_MESSAGES" / "messages.po" in PO_FILES


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda path: path.parent.parent.name)
def test_every_message_is_translated_with_its_placeholders(po_path: Path) -> None:
    catalog = _read(po_path)
    assert not catalog.fuzzy, "the catalogue header is fuzzy, so pybabel compile would skip it"
    problems = [
        f"{message.id!r} {problem}"
        for message in catalog
        if message.id
        for problem in _problems(message, catalog.num_plurals)
    ]
    assert not problems, f"{po_path.relative_to(PROJECT_ROOT)}:\n" + "\n".join(problems)


@functools.cache
def _source_messages() -> dict[tuple[str | None, str], tuple[str, ...]]:
    """Every (context, msgid) the extraction finds, with its msgid forms, as `make translations` sees it."""
    with BABEL_CFG.open() as f:
        method_map, options_map = parse_mapping_cfg(f, filename=str(BABEL_CFG))
    found: dict[tuple[str | None, str], tuple[str, ...]] = {}
    for _filename, _lineno, message, _comments, context in extract_from_dir(
        PROJECT_ROOT, method_map, options_map, keywords=KEYWORDS
    ):
        forms = _forms(message)
        found[context, forms[0]] = forms
    return found


def test_extraction_finds_the_known_strings() -> None:
    """Guards the check below: an extraction that found nothing would pass it vacuously."""
    msgids = {msgid for _context, msgid in _source_messages()}
    assert {"Skip to main content", "The launch is not valid."} <= msgids


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda path: path.parent.parent.name)
def test_catalogue_has_every_source_string(po_path: Path) -> None:
    catalog = _read(po_path)
    missing = []
    for (context, msgid), forms in sorted(
        _source_messages().items(), key=lambda item: (item[0][0] or "", item[0][1])
    ):
        entry = catalog.get(msgid, context=context)
        if entry is None or _forms(entry.id) != forms:
            missing.append(msgid)
    assert not missing, (
        f"{len(missing)} string(s) in the source are not in {po_path.relative_to(PROJECT_ROOT)}. "
        "Run `make translations` and translate them:\n" + "\n".join(missing)
    )
