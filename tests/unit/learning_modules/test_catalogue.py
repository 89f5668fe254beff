"""The mini-module content loads and validates; a broken file fails loudly, naming file and field."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from lti_tool.learning_modules.domain.modules import (
    PATHWAYS,
    Catalogue,
    Pathway,
    pathway_order,
    primary_pathway,
)
from lti_tool.learning_modules.domain.validation import REQUIRED_SECTIONS, parse_module
from lti_tool.learning_modules.services.catalogue import (
    CONTENT_DIR,
    CatalogueError,
    load_catalogue,
    sanitise,
)
from lti_tool.mentoring_web.domain.gaps import PROMPTS

ENGLISH = CONTENT_DIR / "en"

# Slugs other features link to (gap prompts): they must never change.
LINKED_SLUGS = {
    1: "creating-a-mentoring-web",
    2: "learners-at-the-centre",
    4: "building-a-mentoring-web",
    5: "multiple-models-of-mentorship",
    6: "building-relational-trust",
    8: "the-power-of-listening",
    9: "goal-setting-conversations",
    14: "providing-growth-oriented-feedback",
    15: "scaling-questions",
    22: "observation-and-debriefing-protocols",
}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(ENGLISH)


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the real content to break one file at a time."""
    return Path(shutil.copytree(ENGLISH, tmp_path / "en"))


def edit(directory: Path, slug: str, old: str, new: str) -> None:
    path = directory / f"{slug}.md"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_of(directory: Path) -> list[str]:
    with pytest.raises(CatalogueError) as raised:
        load_catalogue(directory)
    message = str(raised.value)
    listed = [str(problem) for problem in raised.value.problems]
    assert all(line in message for line in listed), "the message lists every problem"
    return listed


# The real content ----------------------------------------------------------------------------------


def test_the_content_has_24_modules_numbered_1_to_24(catalogue: Catalogue) -> None:
    assert [module.number for module in catalogue.modules] == list(range(1, 25))
    assert len({module.slug for module in catalogue.modules}) == 24
    assert catalogue.language == "en"


def test_slugs_linked_from_elsewhere_are_present_with_their_numbers(catalogue: Catalogue) -> None:
    for number, slug in LINKED_SLUGS.items():
        module = catalogue.get(slug)
        assert module is not None, slug
        found, problems = parse_module((ENGLISH / f"{slug}.md").read_text("utf-8"), slug)
        assert not problems
        assert found.number == number, slug  # the file keeps the research brief's number (M..)


def test_modules_are_numbered_in_pathway_order_start_here_first(catalogue: Catalogue) -> None:
    """What a learner reads as "Mini-module n of 24" follows the module list, pathway by pathway,
    so the "Start here" modules are 1 to 6 in that pathway's order (not the files' M02, M03, M01…)."""
    start_here = next(p for p in PATHWAYS if p.key == "start-here")
    assert [m.slug for m in catalogue.modules[:6]] == list(start_here.slugs)
    assert [m.number for m in catalogue.modules[:6]] == [1, 2, 3, 4, 5, 6]
    assert [m.slug for m in catalogue.modules] == pathway_order(
        tuple(m.slug for m in catalogue.modules), PATHWAYS
    )
    # the two modules only the refresher holds come last, under it
    assert {m.slug for m in catalogue.modules[-2:]} == {
        "building-relational-trust",
        "ideas-from-mentors-across-ontario",
    }


def test_pathway_order_lists_each_module_once_then_the_others() -> None:
    assert pathway_order(
        ("z", "a", "b", "c"), (Pathway("p", "P", "", ("b", "a")), Pathway("q", "Q", "", ("a", "c")))
    ) == ["b", "a", "c", "z"]
    assert (
        primary_pathway("a", (Pathway("p", "P", "", ("b",)), Pathway("q", "Q", "", ("a",)))) == "q"
    )
    assert primary_pathway("x") is None


def test_every_gap_prompt_names_a_module_of_the_catalogue(catalogue: Catalogue) -> None:
    for _message, slug in PROMPTS.values():
        assert catalogue.get(slug) is not None, slug


def test_every_pathway_lists_existing_modules_and_every_module_is_in_one(
    catalogue: Catalogue,
) -> None:
    in_a_pathway = set()
    for pathway in PATHWAYS:
        modules = catalogue.pathway_modules(pathway.key)
        assert [module.slug for module in modules] == list(pathway.slugs)
        assert all(pathway.key in module.pathways for module in modules)
        in_a_pathway.update(pathway.slugs)
    assert in_a_pathway == {module.slug for module in catalogue.modules}


def test_every_module_has_the_core_sections_prompts_and_a_plausible_time(
    catalogue: Catalogue,
) -> None:
    for module in catalogue.modules:
        ids = [section.id for section in module.sections]
        assert set(REQUIRED_SECTIONS) <= set(ids), module.slug
        assert module.prompts, module.slug
        assert 5 <= module.minutes <= 20, module.slug
        assert all(section.html.strip() for section in module.sections), module.slug
        assert module.summary.endswith("."), module.slug


def test_the_modules_the_brief_marks_as_interpretation_say_so(catalogue: Catalogue) -> None:
    marked = {module.slug for module in catalogue.modules if module.is_interpretation}
    assert {"creating-a-mentoring-web", "ideas-to-consider-when-coaching"} <= marked  # M01, M13
    assert marked <= {  # M07's own page was not retrieved either
        "creating-a-mentoring-web",
        "ideas-to-consider-when-coaching",
        "ideas-from-mentors-across-ontario",
    }


def test_rendered_content_is_already_clean(catalogue: Catalogue) -> None:
    for module in catalogue.modules:
        for section in module.sections:
            assert "<script" not in section.html
            assert not re.search(r"\s on\w+=", section.html)
            assert sanitise(section.html) == section.html  # nh3 has nothing left to remove


def test_neighbours_follow_the_numbers(catalogue: Catalogue) -> None:
    assert catalogue.neighbours("learners-at-the-centre") == (None, catalogue.modules[1])
    assert catalogue.neighbours("creating-a-mentoring-web") == (
        catalogue.get("mentoring-is"),
        catalogue.get("building-a-mentoring-web"),
    )
    last = catalogue.modules[-1]
    assert catalogue.neighbours(last.slug) == (catalogue.modules[-2], None)


# Broken content fails loudly -----------------------------------------------------------------------


def test_a_missing_key_names_the_file_and_the_key(content: Path) -> None:
    edit(content, "scaling-questions", "minutes = 10\n", "")

    assert "scaling-questions.md: minutes: missing" in problems_of(content)


@pytest.mark.parametrize("minutes", ["120", "3", '"ten"', "true", "10.5"])
def test_minutes_must_be_a_whole_number_from_5_to_90(content: Path, minutes: str) -> None:
    edit(content, "scaling-questions", "minutes = 10\n", f"minutes = {minutes}\n")

    (problem,) = problems_of(content)
    assert problem.startswith("scaling-questions.md: minutes: must be a whole number from 5 to 90")


def test_a_duplicate_number_is_reported_on_both_files_and_the_gap_too(content: Path) -> None:
    edit(content, "learners-at-the-centre", "number = 2\n", "number = 1\n")

    problems = problems_of(content)
    assert (
        "learners-at-the-centre.md: number: 1 is also used by creating-a-mentoring-web.md"
        in problems
    )
    assert (
        "creating-a-mentoring-web.md: number: 1 is also used by learners-at-the-centre.md"
        in problems
    )
    assert "(catalogue): number: no module has number 2" in problems


def test_sections_must_match_the_body_headings(content: Path) -> None:
    edit(content, "scaling-questions", "## When numbers don't fit {#without-numbers}", "## Words")

    (problem,) = problems_of(content)
    assert problem.startswith("scaling-questions.md: sections: the front matter lists")
    assert "'without-numbers'" in problem
    assert "'words'" in problem


def test_a_section_title_must_match_its_heading(content: Path) -> None:
    edit(
        content,
        "scaling-questions",
        "## Key ideas",
        "## Key ideas {#key-ideas}\n\nx\n\n## Big ideas",
    )

    problems = problems_of(content)
    assert any("scaling-questions.md: sections:" in p for p in problems)


def test_the_slug_must_match_the_file_name(content: Path) -> None:
    (content / "scaling-questions.md").rename(content / "scaling.md")

    problems = problems_of(content)
    assert any(p.startswith("scaling.md: slug: “scaling-questions” must match") for p in problems)


@pytest.mark.parametrize(
    ("slug", "old", "new", "expected"),
    [
        ("scaling-questions", '"feedback", "refresher"', '"feedback", "nope"', "pathway: unknown"),
        ("scaling-questions", "web_steps = [3, 7]", "web_steps = [3, 8]", "web_steps: must be"),
        ("scaling-questions", "title = ", "colour = 1\ntitle = ", "colour: unknown key"),
        ("scaling-questions", '"feedback", "refresher"', '"feedback"', "pathway: says"),
        ("scaling-questions", "minutes = 10\n", 'minutes = 10\nstatus = "draft"\n', "status:"),
        ("scaling-questions", 'id = "use-in-role"', 'id = "start-from-six"', "prompts[2]: id"),
        ("scaling-questions", 'id = "without-numbers"', 'id = "Without"', "sections[3]: id"),
    ],
)
def test_front_matter_values_are_checked(
    content: Path, slug: str, old: str, new: str, expected: str
) -> None:
    edit(content, slug, old, new)

    assert any(p.startswith(f"{slug}.md: {expected}") for p in problems_of(content))


def test_a_module_needs_prompts(content: Path) -> None:
    path = content / "scaling-questions.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"\[\[prompts\]\]\n.*?\n.*?\n\n?", "", text), encoding="utf-8")

    assert "scaling-questions.md: prompts: missing" in problems_of(content)


def test_markdown_the_pages_cannot_render_is_refused_with_its_line(content: Path) -> None:
    edit(
        content,
        "scaling-questions",
        "## Try it {#activity}\n",
        "## Try it {#activity}\n\n<b>hi</b>\n",
    )

    (problem,) = problems_of(content)
    assert re.fullmatch(
        r"scaling-questions\.md: section “activity”: line \d+: raw HTML are not supported", problem
    )


def test_every_problem_in_every_file_is_listed_at_once(content: Path) -> None:
    edit(content, "scaling-questions", "minutes = 10\n", "minutes = 0\n")
    edit(content, "building-influence", "+++\nslug", "slug")
    (content / "notes.txt").write_text("stray", encoding="utf-8")

    problems = problems_of(content)
    assert any(p.startswith("scaling-questions.md: minutes:") for p in problems)
    assert any(p.startswith("building-influence.md: front matter:") for p in problems)
    assert "notes.txt: file: only <slug>.md files belong here" in problems


def test_a_missing_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="not found"):
        load_catalogue(tmp_path / "fr")


def test_sanitise_keeps_only_what_the_converter_produces() -> None:
    dirty = '<p onclick="x()">Hi <a href="javascript:alert(1)">x</a><script>bad()</script></p>'

    assert sanitise(dirty) == '<p>Hi <a rel="noopener noreferrer">x</a></p>'
