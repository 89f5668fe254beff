"""Load the mini-modules from their files once, at start-up, and refuse to start on a broken one.

Content lives in `content/<language>/<slug>.md`: TOML front matter between `+++` lines (slug,
number, title, summary, minutes, pathway, web_steps, [[sections]], [[prompts]], optional status),
then Markdown whose `## ` headings are the sections (see `domain.validation.parse_module` and the
subset in `domain.markdown`). `load_catalogue` reads every file, collects every problem (each with
its file and field) and raises one `CatalogueError` listing them all; otherwise it returns the
`Catalogue` with each section's HTML sanitised by nh3. The rules are pure; this module only reads
files and sanitises.

Only English content exists for now: French files would go in `content/fr/`, loaded the same way.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import nh3
from flask import Flask

from lti_tool.learning_modules.domain.modules import (
    PATHWAYS,
    Catalogue,
    Module,
    Problem,
    pathway_order,
)
from lti_tool.learning_modules.domain.validation import check_catalogue, parse_module

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
DEFAULT_LANGUAGE = "en"
EXTENSION_KEY = "module_catalogue"
CONFIG_KEY = "MODULE_CONTENT_DIR"  # optional override of the content directory (tests)

# What our Markdown subset produces, and nothing else.
ALLOWED_TAGS = {"p", "ul", "ol", "li", "h3", "strong", "em", "a", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = {"https", "mailto"}


class CatalogueError(Exception):
    """The content is broken; the message lists every problem found, one per line."""

    def __init__(self, directory: Path, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(
            f"{len(problems)} problem(s) in the mini-module content in {directory}:\n{lines}"
        )


def load_catalogue(directory: Path | str) -> Catalogue:
    """Every `<slug>.md` file in `directory`, validated one by one and then as a set."""
    directory = Path(directory)
    if not directory.is_dir():
        raise CatalogueError(directory, [Problem(str(directory), "directory", "not found")])
    problems: list[Problem] = []
    modules: list[tuple[str, Module]] = []
    broken: list[str] = []
    for path in sorted(directory.iterdir()):
        if path.name.startswith("."):
            continue
        if path.suffix != ".md" or not path.is_file():
            problems.append(Problem(path.name, "file", "only <slug>.md files belong here"))
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            problems.append(Problem(path.name, "file", f"not UTF-8 text ({error.reason})"))
            broken.append(path.name)
            continue
        module, found = parse_module(text, path.name)
        problems.extend(found)
        if module is None:
            broken.append(path.name)
        else:
            modules.append((path.name, module))
    problems.extend(check_catalogue(modules, broken))
    if problems:
        raise CatalogueError(directory, problems)
    by_file_number = sorted(
        (_sanitised(module) for _name, module in modules), key=lambda m: m.number
    )
    by_slug = {module.slug: module for module in by_file_number}
    order = pathway_order(tuple(by_slug), PATHWAYS)
    # Shown as "Mini-module n of 24": numbered in the order the module list shows them, which is
    # the pathways' ("Start here" first), not the files' numbers (the research brief's M01…M24).
    ordered = [replace(by_slug[slug], number=n) for n, slug in enumerate(order, start=1)]
    return Catalogue(modules=tuple(ordered), pathways=PATHWAYS, language=directory.name)


def sanitise(html: str) -> str:
    """Defence in depth: our converter escapes all text, and nh3 keeps only what it may produce."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def _sanitised(module: Module) -> Module:
    sections = tuple(replace(section, html=sanitise(section.html)) for section in module.sections)
    return replace(module, sections=sections)


def init_app(app: Flask) -> None:
    """Load the content now, so that a broken file stops the app from starting."""
    directory = app.config.get(CONFIG_KEY) or CONTENT_DIR / DEFAULT_LANGUAGE
    app.extensions[EXTENSION_KEY] = load_catalogue(directory)


def catalogue_of(app: Flask) -> Catalogue:
    catalogue: Catalogue = app.extensions[EXTENSION_KEY]  # what init_app put there
    return catalogue
