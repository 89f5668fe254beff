"""Checking the module files: one file's front matter and body, then the set of 24 as a whole.

Pure (standard library only). `parse_module` turns one file's text into a `Module` or a list of
`Problem`s; `check_catalogue` checks what only the whole set can show (numbers 1-24 each once,
pathways that agree with the files). Every problem names its file and field, so one run of the
loader lists everything there is to fix.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from lti_tool.learning_modules.domain.markdown import (
    ID_PATTERN,
    Heading,
    render_markdown,
    split_front_matter,
    split_sections,
)
from lti_tool.learning_modules.domain.modules import (
    EXPECTED_MODULES,
    INTERPRETATION,
    PATHWAY_KEYS,
    PATHWAYS,
    WEB_STEPS,
    Module,
    Problem,
    Prompt,
    Section,
)

MIN_MINUTES, MAX_MINUTES = 5, 90
REQUIRED_SECTIONS = ("purpose", "key-ideas", "activity")
MAX_TITLE, MAX_SUMMARY = 120, 240
REQUIRED_KEYS = (
    "slug",
    "number",
    "title",
    "summary",
    "minutes",
    "pathway",
    "web_steps",
    "sections",
    "prompts",
)
OPTIONAL_KEYS = ("status",)
CATALOGUE = "(catalogue)"  # the "file" of problems that belong to the set, not to one file


def parse_module(text: str, file_name: str) -> tuple[Module | None, list[Problem]]:
    """One module file (TOML front matter between `+++` lines, then Markdown) → a `Module`.

    Every problem found is returned, each naming the file and the field, so that one run of the
    loader lists everything to fix. The `Module` is None when there is any problem.
    """
    problems: list[Problem] = []

    def problem(field_name: str, message: str) -> None:
        problems.append(Problem(file_name, field_name, message))

    split = split_front_matter(text)
    if isinstance(split, str):
        problem("front matter", split)
        return None, problems
    front_text, body, body_line = split
    try:
        data = tomllib.loads(front_text)
    except tomllib.TOMLDecodeError as error:
        problem("front matter", f"not valid TOML ({error})")
        return None, problems

    _check_keys(data, problem)
    stem = file_name.removesuffix(".md")
    slug = _text(data, "slug", problem, pattern=True)
    if slug is not None and slug != stem:
        problem("slug", f"“{slug}” must match the file name (“{stem}.md”)")
    number = _integer(data, "number", 1, EXPECTED_MODULES, problem)
    title = _text(data, "title", problem, limit=MAX_TITLE)
    summary = _text(data, "summary", problem, limit=MAX_SUMMARY)
    minutes = _integer(data, "minutes", MIN_MINUTES, MAX_MINUTES, problem)
    pathways = _pathways(data, problem)
    web_steps = _web_steps(data, problem)
    declared = _pairs(data, "sections", "title", problem)
    prompts = _pairs(data, "prompts", "text", problem)
    status = data.get("status")
    if status is not None and status != INTERPRETATION:
        problem("status", f"may only be “{INTERPRETATION}” (or left out), not {status!r}")
    if declared is not None:
        missing = [wanted for wanted in REQUIRED_SECTIONS if wanted not in dict(declared)]
        if missing:
            problem("sections", "every module needs the sections " + ", ".join(missing))

    headings, body_problems = split_sections(body, body_line)
    problems.extend(Problem(file_name, "body", message) for message in body_problems)
    if declared is not None and not body_problems:
        _match_sections(declared, headings, problem)
    sections: list[Section] = []
    for heading in headings:
        html, markdown_problems = render_markdown(heading.text, heading.line + 1)
        problems.extend(
            Problem(file_name, f"section “{heading.id}”", message) for message in markdown_problems
        )
        if not html:
            problem(f"section “{heading.id}”", "is empty")
        sections.append(Section(heading.id, heading.title, html))

    if (
        problems
        # each is None only for a key missing (reported by _check_keys) or invalid (reported by
        # its check): with no problem, none is None
        or slug is None
        or number is None
        or title is None
        or summary is None
        or minutes is None
        or pathways is None
        or web_steps is None
        or prompts is None
    ):
        return None, problems
    return Module(
        slug=slug,
        number=number,
        title=title,
        summary=summary,
        minutes=minutes,
        pathways=pathways,
        web_steps=web_steps,
        sections=tuple(sections),
        prompts=tuple(Prompt(id_, text) for id_, text in prompts),
        status=status,
    ), []


def check_catalogue(
    modules: Sequence[tuple[str, Module]], broken: Collection[str] = ()
) -> list[Problem]:
    """Rules of the whole set: numbers 1-24 once each, and pathways that agree with the files.

    `modules` pairs each valid module with its file name; `broken` names the files that had
    problems of their own. Their modules are not counted as missing, so that one broken file
    reports its own problem and not a cascade of "no module 15" and "no module `slug`".
    """
    problems: list[Problem] = []
    files_by_number: dict[int, list[str]] = {}
    for file_name, module in modules:
        files_by_number.setdefault(module.number, []).append(file_name)
    for number, files in sorted(files_by_number.items()):
        if len(files) > 1:
            problems.extend(
                Problem(
                    name,
                    "number",
                    f"{number} is also used by {', '.join(sorted(set(files) - {name}))}",
                )
                for name in files
            )
    absent = [n for n in range(1, EXPECTED_MODULES + 1) if n not in files_by_number]
    if absent and not broken:
        listed = ", ".join(map(str, absent))
        problems.append(Problem(CATALOGUE, "number", f"no module has number {listed}"))

    by_slug = {module.slug: (file_name, module) for file_name, module in modules}
    for pathway in PATHWAYS:
        for slug in pathway.slugs:
            if slug not in by_slug and f"{slug}.md" not in broken:
                problems.append(
                    Problem(CATALOGUE, f"pathway “{pathway.key}”", f"no module has slug “{slug}”")
                )
    for slug, (file_name, module) in sorted(by_slug.items()):
        expected = tuple(p.key for p in PATHWAYS if slug in p.slugs)
        if set(module.pathways) != set(expected):
            problems.append(
                Problem(
                    file_name,
                    "pathway",
                    f"says {list(module.pathways)} but the pathways list it in {list(expected)}",
                )
            )
    return problems


# Field checks ------------------------------------------------------------------------------------

Report = Callable[[str, str], None]  # problem(field, message)


def _check_keys(data: Mapping[str, Any], problem: Report) -> None:
    for key in REQUIRED_KEYS:
        if key not in data:
            problem(key, "missing")
    for key in sorted(set(data) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS)):
        problem(key, "unknown key (typo?)")


def _text(
    data: Mapping[str, Any], key: str, problem: Report, *, limit: int = 0, pattern: bool = False
) -> str | None:
    value = data.get(key)
    if key not in data:
        return None
    if not isinstance(value, str) or not value.strip():
        problem(key, f"must be non-empty text, not {value!r}")
        return None
    if "\n" in value:
        problem(key, "must be on one line")
    if limit and len(value) > limit:
        problem(key, f"is {len(value)} characters; at most {limit}")
    if pattern and not ID_PATTERN.fullmatch(value):
        problem(key, f"“{value}” must be lowercase letters, digits and single hyphens")
    return value


def _integer(data: Mapping[str, Any], key: str, low: int, high: int, problem: Report) -> int | None:
    if key not in data:
        return None
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        problem(key, f"must be a whole number from {low} to {high}, not {value!r}")
        return None
    return value


def _pathways(data: Mapping[str, Any], problem: Report) -> tuple[str, ...] | None:
    value = data.get("pathway")
    if "pathway" not in data:
        return None
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        problem("pathway", f"must be a list of one or more pathway keys, not {value!r}")
        return None
    unknown = [key for key in value if key not in PATHWAY_KEYS]
    if unknown:
        problem("pathway", f"unknown {unknown}; known pathways are {list(PATHWAY_KEYS)}")
    if len(set(value)) != len(value):
        problem("pathway", "lists a pathway twice")
    return tuple(value)


def _web_steps(data: Mapping[str, Any], problem: Report) -> tuple[int, ...] | None:
    value = data.get("web_steps")
    if "web_steps" not in data:
        return None
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v in WEB_STEPS for v in value
    ):
        problem("web_steps", f"must be a list of step numbers from 1 to 7, not {value!r}")
        return None
    if value != sorted(set(value)):
        problem("web_steps", "must be in increasing order, each step once")
    return tuple(value)


def _pairs(
    data: Mapping[str, Any], key: str, text_key: str, problem: Report
) -> list[tuple[str, str]] | None:
    """`[[sections]]` or `[[prompts]]`: a non-empty list of {id, <text_key>} with unique ids."""
    value = data.get(key)
    if key not in data:
        return None
    if not isinstance(value, list) or not value:
        problem(key, f"must list at least one entry ([[{key}]] tables), not {value!r}")
        return None
    pairs: list[tuple[str, str]] = []
    for index, entry in enumerate(value, start=1):
        where = f"{key}[{index}]"
        if not isinstance(entry, dict) or set(entry) != {"id", text_key}:
            problem(where, f"must have exactly the keys id and {text_key}, not {entry!r}")
            continue
        id_, text = entry["id"], entry[text_key]
        if not isinstance(id_, str) or not ID_PATTERN.fullmatch(id_):
            problem(where, f"id {id_!r} must be lowercase letters, digits and single hyphens")
            continue
        if not isinstance(text, str) or not text.strip() or "\n" in text:
            problem(where, f"{text_key} must be non-empty text on one line")
            continue
        if id_ in dict(pairs):
            problem(where, f"id “{id_}” is used twice")
            continue
        pairs.append((id_, text))
    return pairs


def _match_sections(
    declared: list[tuple[str, str]], headings: list[Heading], problem: Report
) -> None:
    """The front matter's sections are the body's `## ` headings, in order, ids and titles."""
    found = [(heading.id, heading.title) for heading in headings]
    if [id_ for id_, _title in declared] != [id_ for id_, _title in found]:
        problem(
            "sections",
            f"the front matter lists {[i for i, _t in declared]} but the body's ## headings are "
            f"{[i for i, _t in found]}",
        )
        return
    for (id_, title), (_id, heading_title) in zip(declared, found, strict=True):
        if title != heading_title:
            problem(
                "sections", f"“{id_}” is titled “{title}” but its heading says “{heading_title}”"
            )
