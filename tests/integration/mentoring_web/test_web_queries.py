"""The web page's SQL does not grow with the web: strands load in one query, not one each."""

from __future__ import annotations

from tests.integration.mentoring_web.my_web_pages import (
    add_strand,
    counted_queries,
    launch,
    table_labels,
)

MOST_QUERIES = 5  # the launch (state store), the web, its strands; a little room, no per-strand


def queries_for(app, client, path: str) -> list[str]:
    with counted_queries(app) as statements:
        response = client.get(path)
    assert response.status_code == 200
    return statements


def test_the_web_page_runs_the_same_few_queries_for_1_and_10_strands(app, client, fake_platform):
    base = launch(fake_platform, client)
    add_strand(client, base, label="Strand 0")
    one = queries_for(app, client, base + "web/")

    for number in range(1, 10):
        add_strand(client, base, label=f"Strand {number}", strength=str(number))
    assert len(table_labels(client.get(base + "web/"))) == 10
    ten = queries_for(app, client, base + "web/")

    assert len(one) == len(ten), "\n".join(ten)
    assert len(ten) <= MOST_QUERIES, "\n".join(ten)


def test_exports_and_snapshot_pages_do_not_query_per_strand(app, client, fake_platform):
    base = launch(fake_platform, client)
    add_strand(client, base, label="Strand 0")
    paths = ("web/summary", "web/export.json", "web/export.svg", "web/snapshots/compare")
    one = {path: len(queries_for(app, client, base + path)) for path in paths}
    for number in range(1, 10):
        add_strand(client, base, label=f"Strand {number}")
    ten = {path: len(queries_for(app, client, base + path)) for path in paths}
    assert one == ten
    assert max(ten.values()) <= MOST_QUERIES + 1
