"""The order a learner sees assigned modules in, and the soft overdue flag."""

from __future__ import annotations

from datetime import date

import pytest

from lti_tool.learning_modules.domain.assignment import (
    AssignmentTerms,
    grouped_by_pathway,
    is_overdue,
    learner_order,
    parse_due_date,
)

CATALOGUE = ("a", "b", "c", "d", "e", "f")
TODAY = date(2026, 3, 1)


def order(assignments: list[AssignmentTerms], completed: set[str] = frozenset()):
    assigned, library = learner_order(CATALOGUE, {t.slug: t for t in assignments}, completed, TODAY)
    return [i.slug for i in assigned], [i.slug for i in library]


def test_required_first_then_due_date_then_catalogue_order() -> None:
    assigned, library = order(
        [
            AssignmentTerms("f", required=False, due_on=date(2026, 4, 1)),
            AssignmentTerms("e", required=True, due_on=None),
            AssignmentTerms("d", required=True, due_on=date(2026, 5, 1)),
            AssignmentTerms("c", required=True, due_on=date(2026, 3, 15)),
            AssignmentTerms("b", required=False, due_on=None),
        ]
    )
    assert assigned == ["c", "d", "e", "f", "b"]
    assert library == ["a"]


def test_ties_keep_catalogue_order() -> None:
    assigned, library = order([AssignmentTerms(s, required=False) for s in ("e", "a", "c")])
    assert assigned == ["a", "c", "e"]
    assert library == ["b", "d", "f"]


def test_nothing_assigned_means_everything_is_library() -> None:
    assert order([]) == ([], list(CATALOGUE))


def test_unknown_slugs_are_ignored() -> None:
    assigned, library = order([AssignmentTerms("gone", required=True)])
    assert assigned == []
    assert "gone" not in library


def test_overdue_only_after_the_due_date_and_when_not_completed() -> None:
    assert is_overdue(date(2026, 2, 28), completed=False, today=TODAY)
    assert not is_overdue(date(2026, 3, 1), completed=False, today=TODAY)  # due today: not yet
    assert not is_overdue(date(2026, 2, 28), completed=True, today=TODAY)
    assert not is_overdue(None, completed=False, today=TODAY)
    assigned, _ = learner_order(
        CATALOGUE,
        {
            "a": AssignmentTerms("a", True, date(2026, 1, 1)),
            "b": AssignmentTerms("b", True, date(2026, 1, 1)),
        },
        {"b"},
        TODAY,
    )
    assert [(i.slug, i.overdue, i.assigned) for i in assigned] == [
        ("a", True, True),
        ("b", False, True),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", None), ("  ", None), ("2026-03-31", date(2026, 3, 31))],
)
def test_parse_due_date(text: str, expected: date | None) -> None:
    assert parse_due_date(text) == expected


@pytest.mark.parametrize("text", ["31/03/2026", "2026-02-30", "tomorrow", "20260331"])
def test_parse_due_date_refuses_what_is_not_a_date(text: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        parse_due_date(text)


def test_grouped_by_pathway_lists_each_slug_once() -> None:
    groups = grouped_by_pathway([("p1", ("a", "b")), ("p2", ("b", "c")), ("p3", ("a",))], CATALOGUE)
    assert groups == [("p1", ("a", "b")), ("p2", ("c",)), (None, ("d", "e", "f"))]
