"""The Markdown subset: what it renders, that it escapes everything, and what it refuses."""

from __future__ import annotations

import pytest

from lti_tool.learning_modules.domain.markdown import (
    render_markdown,
    slugify,
    split_front_matter,
    split_sections,
)


def html_of(text: str) -> str:
    html, problems = render_markdown(text, 1)
    assert problems == []
    return html


def test_paragraphs_lists_quotes_and_subheadings() -> None:
    text = "One\nline.\n\n- a\n  still a\n- **b**\n\n1. x\n2. *y*\n\n> “Said”\n>\n> more\n\n### Sub"

    assert html_of(text) == (
        "<p>One line.</p>\n"
        "<ul><li>a still a</li><li><strong>b</strong></li></ul>\n"
        "<ol><li>x</li><li><em>y</em></li></ol>\n"
        "<blockquote><p>“Said”</p><p>more</p></blockquote>\n"
        "<h3>Sub</h3>"
    )


def test_all_text_is_escaped_before_markup_is_added() -> None:
    html = html_of('Use a <b> & "quotes" and [a link](https://example.org/?a=1&b=2).')

    assert html == (
        "<p>Use a &lt;b&gt; &amp; &quot;quotes&quot; and "
        '<a href="https://example.org/?a=1&amp;b=2">a link</a>.</p>'
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<div>x</div>", "line 1: raw HTML are not supported"),
        ("para\n\n```\ncode", "line 3: code blocks are not supported"),
        ("- a\n  - b", "line 2: nested lists are not supported"),
        ("# Title", "line 1: only ### subheadings may appear inside a section"),
        ("#### Deep", "line 1: only ### subheadings may appear inside a section"),
        ("| a | b |", "line 1: tables are not supported"),
        ("2. starts late", "line 1: a numbered list must start at 1"),
        ("text\n\n    indented", "line 3: indented text is not supported"),
        ("first\n[x](javascript:alert(1))", "line 1: link “javascript:alert(1” must start with"),
    ],
)
def test_unsupported_markdown_is_a_problem_with_its_line(text: str, message: str) -> None:
    _html, problems = render_markdown(text, 1)

    assert any(problem.startswith(message) for problem in problems), problems


def test_front_matter_is_split_off_with_the_body_line_number() -> None:
    assert split_front_matter("+++\na = 1\n+++\n## B\n") == ("a = 1", "## B\n", 4)
    assert "must start" in split_front_matter("a = 1\n+++\n")
    assert "closes" in split_front_matter("+++\na = 1\n")


def test_sections_take_explicit_ids_or_slugified_titles() -> None:
    headings, problems = split_sections("## Key ideas\ntext\n## Try it {#activity}\nmore", 10)

    assert problems == []
    assert [(h.id, h.title, h.text, h.line) for h in headings] == [
        ("key-ideas", "Key ideas", "text", 10),
        ("activity", "Try it", "more", 12),
    ]


def test_section_problems_text_before_duplicates_and_bad_ids() -> None:
    _headings, problems = split_sections("intro\n## A\n## a\n## B {#Bad_Id}", 1)

    assert problems == [
        "line 1: text before the first ## heading",
        "line 3: the section id “a” is used twice",
        "line 4: {#Bad_Id} must be lowercase letters and hyphens",
    ]


def test_slugify() -> None:
    assert (
        slugify("Going deeper: Cognitive Coaching maps") == "going-deeper-cognitive-coaching-maps"
    )
    assert slugify("Idées clés") == "idees-cles"
