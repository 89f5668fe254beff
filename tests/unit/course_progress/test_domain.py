"""The progress grid's rules without an app: cell states, summaries, filters, search, sorting, pages."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from lti_tool.course_progress.domain.grid import (
    CellStatus,
    Column,
    LearnerFacts,
    ModuleFacts,
    Query,
    all_prompts_reviewed,
    build_rows,
    cell_status,
    last_activity,
    matches_search,
    narrowed,
    parse_query,
    sort_rows,
)
from lti_tool.course_progress.domain.paging import page_links, paginate
from lti_tool.learning_modules.domain.feedback import is_reviewed
from lti_tool.lti.names import search_key as fold

TODAY = date(2026, 3, 10)
T1, T2, T3, T4 = (datetime(2026, 3, d, 12) for d in (1, 2, 3, 4))
PROMPTS = ("p1", "p2")
COLUMNS = (
    Column("a", "Module A", required=True, due_on=date(2026, 3, 1), prompt_ids=PROMPTS),
    Column("b", "Module B", required=False, due_on=date(2026, 3, 1), prompt_ids=("q",)),
)
SLUGS = [c.slug for c in COLUMNS]


def cell(facts: ModuleFacts | None, *, required: bool = False, due: date | None = None):
    return cell_status(facts, PROMPTS, due, required, TODAY)


# -- cells ----------------------------------------------------------------------------------


def test_no_progress_row_is_not_started() -> None:
    assert cell(None).status is CellStatus.NOT_STARTED
    assert cell(None).on is None


def test_progress_without_completion_is_in_progress_dated_by_its_update() -> None:
    result = cell(ModuleFacts(started=True, updated_at=T2))
    assert (result.status, result.on) == (CellStatus.IN_PROGRESS, T2)


def test_completed_is_submitted_dated_by_completion() -> None:
    result = cell(ModuleFacts(True, T3, T2, {"p1": T3}))
    assert (result.status, result.on) == (CellStatus.SUBMITTED, T2)


def test_reviewed_needs_feedback_on_the_latest_version_of_every_prompt() -> None:
    result = cell(ModuleFacts(True, T2, T2, {"p1": T3, "p2": T4}))
    assert (result.status, result.on) == (CellStatus.REVIEWED, T4)
    assert cell(ModuleFacts(True, T2, T2, {"p1": T3, "p2": None})).status is CellStatus.SUBMITTED


def test_feedback_without_completion_stays_in_progress() -> None:
    facts = ModuleFacts(True, T2, None, {"p1": T3, "p2": T3})
    assert cell(facts).status is CellStatus.IN_PROGRESS


def test_a_module_without_prompts_is_never_reviewed() -> None:
    assert cell_status(ModuleFacts(True, T1, T1), (), None, False, TODAY).status == "submitted"


@pytest.mark.parametrize(
    ("prompts", "feedback"),
    [
        ((), {}),
        (("p1",), {}),
        (("p1",), {"p1": None}),
        (("p1",), {"p1": T1}),
        (("p1", "p2"), {"p1": T1}),
        (("p1", "p2"), {"p1": T1, "p2": T2}),
        (("p1", "p2"), {"p1": T1, "p2": None, "old": T3}),
    ],
)
def test_the_review_rule_agrees_with_learning_modules(prompts, feedback) -> None:
    """Same answer as domain.feedback.is_reviewed, fed the same facts in its own shape."""
    versions = {prompt: n for n, prompt in enumerate(feedback)}
    reviewed = {versions[p] for p, at in feedback.items() if at is not None}
    assert all_prompts_reviewed(prompts, feedback) == is_reviewed(prompts, versions, reviewed)


def test_overdue_is_required_past_due_and_not_submitted() -> None:
    past = date(2026, 3, 9)
    assert cell(None, required=True, due=past).overdue
    assert cell(ModuleFacts(True, T1), required=True, due=past).overdue
    assert not cell(ModuleFacts(True, T1, T1), required=True, due=past).overdue
    assert not cell(None, required=False, due=past).overdue
    assert not cell(None, required=True, due=TODAY).overdue  # due today is not late yet
    assert not cell(None, required=True, due=None).overdue


# -- summaries ------------------------------------------------------------------------------


def test_last_activity_is_the_latest_launch_progress_or_reflection() -> None:
    facts = LearnerFacts(1, last_launch_at=T1, other_activity=T2)
    assert last_activity(facts) == T2
    later = LearnerFacts(1, last_launch_at=T1, modules={"a": ModuleFacts(True, T3, T4, {"p1": T4})})
    assert last_activity(later) == T4
    assert last_activity(LearnerFacts(1)) is None


def test_a_row_counts_each_state_and_submitted_includes_reviewed() -> None:
    facts = LearnerFacts(
        1,
        modules={
            "a": ModuleFacts(True, T1, T1, {"p1": T2, "p2": T2}),
            "b": ModuleFacts(True, T1, T1, {"q": None}),
        },
    )
    (row,) = build_rows([facts], COLUMNS, TODAY)
    assert [c.status for c in row.cells] == ["reviewed", "submitted"]
    assert row.counts[CellStatus.REVIEWED] == 1
    assert row.counts[CellStatus.NOT_STARTED] == 0
    assert row.submitted == 2


# -- search ---------------------------------------------------------------------------------


def test_fold_drops_case_accents_and_apostrophes() -> None:
    assert fold("Jean-François Côté") == "jean francois cote"
    assert fold("Zoë O’Connor") == "zoe oconnor"
    assert fold("  ÉLODIE  ") == "elodie"


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("cote", True),
        ("CÔTÉ", True),
        ("jean francois", True),
        ("jean-françois côté", True),
        ("francois cote", True),
        ("cote.example", False),
        ("example.org", True),
        ("tremblay", False),
        ("", True),
    ],
)
def test_search_is_case_and_accent_insensitive_on_name_and_email(search, found) -> None:
    facts = LearnerFacts(
        1,
        name="Jean-François Côté",
        given_name="Jean-François",
        family_name="Côté",
        email="jf.cote@example.org",
    )
    assert matches_search(facts, search) is found


def test_search_finds_an_apostrophe_name_typed_without_it() -> None:
    assert matches_search(LearnerFacts(2, name="Zoë O'Connor"), "oconnor")
    assert matches_search(LearnerFacts(2, name="Zoë O'Connor"), "o'connor")


# -- filters --------------------------------------------------------------------------------


def rows():
    people = [
        LearnerFacts(1, name="Ana", last_launch_at=T1, modules={"a": ModuleFacts(True, T2)}),
        LearnerFacts(2, name="Bea", last_launch_at=T3, modules={"a": ModuleFacts(True, T1, T2)}),
        LearnerFacts(3, name="Cy", roster_status="inactive", last_launch_at=T1),
        LearnerFacts(4, name="Dee"),  # listed by the roster, never launched
        LearnerFacts(5, name="Eve", roster_status="deleted", last_launch_at=T1),
    ]
    return build_rows(people, COLUMNS, TODAY)


def names(found) -> list[str]:
    return [row.facts.name for row in found]


def test_by_default_everyone_on_the_roster_is_shown_in_name_order() -> None:
    assert names(narrowed(rows(), Query(), SLUGS)) == ["Ana", "Bea", "Cy", "Dee"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (Query(roster="active"), ["Ana", "Bea", "Dee"]),
        (Query(roster="inactive"), ["Cy"]),
        (Query(roster="deleted"), ["Eve"]),
        (Query(launched="never"), ["Dee"]),
        (Query(launched="yes"), ["Ana", "Bea", "Cy"]),
        (Query(module="a", state="in_progress"), ["Ana"]),
        (Query(module="a", state="submitted"), ["Bea"]),
        (Query(module="b", state="not_started"), ["Ana", "Bea", "Cy", "Dee"]),
        (Query(state="submitted"), ["Bea"]),
        (Query(overdue=True), ["Ana", "Cy", "Dee"]),  # a is required and due 1 March
        (Query(module="b", overdue=True), []),  # b is optional: never overdue
        (Query(search="cy"), ["Cy"]),
        (Query(search="cy", roster="active"), []),
    ],
)
def test_filters(query: Query, expected: list[str]) -> None:
    assert names(narrowed(rows(), query, SLUGS)) == expected


def test_parse_query_keeps_known_values_and_drops_the_rest() -> None:
    args = {"q": "  côté ", "module": "a", "state": "reviewed", "roster": "inactive"}
    args |= {"launched": "never", "overdue": "1", "sort": "activity", "order": "desc", "page": "3"}
    query = parse_query(args, SLUGS)
    assert query == Query("côté", "a", "reviewed", "inactive", "never", True, "activity", "desc", 3)
    assert query.as_args(with_page=False) == {k: v.strip() for k, v in args.items() if k != "page"}
    wrong = {"module": "zz", "state": "done", "roster": "x", "sort": "email", "order": "up"}
    assert parse_query({**wrong, "page": "-2", "overdue": "yes"}, SLUGS) == Query()
    assert parse_query({"page": "99999999"}, SLUGS).page == 1
    assert Query().as_args() == {}


# -- sorting --------------------------------------------------------------------------------


def test_sort_by_name_folds_accents_and_ties_by_id() -> None:
    people = [
        LearnerFacts(3, name="élodie"),
        LearnerFacts(1, name="Zoë"),
        LearnerFacts(2, name="Elodie"),
    ]
    ordered = sort_rows(build_rows(people, COLUMNS, TODAY), "name", "asc")
    assert [r.facts.user_pk for r in ordered] == [2, 3, 1]
    reverse = sort_rows(build_rows(people, COLUMNS, TODAY), "name", "desc")
    assert [r.facts.user_pk for r in reverse] == [1, 3, 2]


def test_sort_by_last_activity_counts_none_as_oldest() -> None:
    ordered = sort_rows(rows(), "activity", "desc")
    assert names(ordered) == ["Bea", "Ana", "Cy", "Eve", "Dee"]
    assert names(sort_rows(rows(), "activity", "asc")) == ["Dee", "Cy", "Eve", "Ana", "Bea"]


def test_sort_by_submitted_keeps_name_order_within_ties_both_ways() -> None:
    assert names(sort_rows(rows(), "submitted", "desc")) == ["Bea", "Ana", "Cy", "Dee", "Eve"]
    assert names(sort_rows(rows(), "submitted", "asc")) == ["Ana", "Cy", "Dee", "Eve", "Bea"]


def test_people_without_a_name_sort_after_the_others() -> None:
    people = [LearnerFacts(1, name=""), LearnerFacts(2, name="Ana")]
    assert [r.facts.user_pk for r in sort_rows(build_rows(people, (), TODAY), "name", "asc")] == [
        2,
        1,
    ]


# -- pages ----------------------------------------------------------------------------------


def test_paginate_fifty_a_page_and_clamps_the_number() -> None:
    many = build_rows([LearnerFacts(n, name=f"P{n:03d}") for n in range(120)], (), TODAY)
    first = paginate(many, 1)
    assert (len(first.items), first.pages, first.total, first.first, first.last) == (
        50,
        3,
        120,
        1,
        50,
    )
    last = paginate(many, 3)
    assert (len(last.items), last.first, last.last) == (20, 101, 120)
    assert paginate(many, 99).number == 3
    assert paginate(many, 0).number == 1
    empty = paginate([], 4)
    assert (empty.number, empty.pages, empty.first, empty.last) == (1, 1, 0, 0)


def test_page_links_show_ends_and_neighbours_with_gaps() -> None:
    assert page_links(1, 1) == [1]
    assert page_links(1, 4) == [1, 2, 3, 4]
    assert page_links(10, 40) == [1, None, 8, 9, 10, 11, 12, None, 40]
    assert page_links(40, 40) == [1, None, 38, 39, 40]
