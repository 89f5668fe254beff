"""Taking my web with me: SVG, PNG, the printable summary and the JSON of all my data."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from lti_tool.mentoring_web.domain.export import web_from_json
from lti_tool.mentoring_web.domain.vocabulary import Support
from tests.integration.mentoring_web.my_web_pages import add_strand, csrf_token, launch, nodes
from tests.lti_helpers import page_text

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def my_web(client, fake_platform) -> str:
    """Priya's web: two strands (one planned), a centre card and one snapshot."""
    base = launch(fake_platform, client)
    add_strand(client, base)
    add_strand(
        client,
        base,
        label="Conseillère pédagogique FLS",
        board_role="instructional_coach",
        status="planned",
        model="e_mentoring",
        location="same_board_other_site",
        supports=["content_role_expertise"],
    )
    page = client.get(base + "web/centre")
    client.post(
        base + "web/centre",
        data={"csrf_token": csrf_token(page), "strengths": "Patience", "goals": "Observe a lesson"},
    )
    page = client.get(base + "web/")
    client.post(base + "web/snapshots", data={"csrf_token": csrf_token(page)})
    return base


def test_the_web_page_links_to_every_export(client, my_web):
    body = client.get(my_web + "web/").get_data(as_text=True)
    for path in ("web/summary", "web/export.svg", "web/export.png", "web/export.json"):
        assert f'href="{my_web}{path}"' in body, path


def test_svg_export_is_a_standalone_accessible_document(client, my_web):
    response = client.get(my_web + "web/export.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Content-Disposition"] == 'attachment; filename="mentoring-web.svg"'
    assert "no-store" in response.headers["Cache-Control"]
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    body = response.get_data(as_text=True)
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(response.get_data())  # noqa: S314 - our own output, not untrusted
    assert root.tag == SVG_NS + "svg"
    assert root.get("role") == "img"
    assert root.find(SVG_NS + "title").text == "Mentoring web of Priya Singh"
    assert root.find(SVG_NS + "desc").text
    assert sorted(nodes(body)) == ["Conseillère pédagogique FLS", "M.K. (Gr. 1 teaching partner)"]


def test_png_export_is_an_image(client, my_web):
    response = client.get(my_web + "web/export.png")
    assert response.status_code == 200, page_text(response)[:1000]
    assert response.mimetype == "image/png"
    assert response.headers["Content-Disposition"] == 'attachment; filename="mentoring-web.png"'
    assert "no-store" in response.headers["Cache-Control"]
    data = response.get_data()
    assert data.startswith(PNG_SIGNATURE)
    width = int.from_bytes(data[16:20], "big")
    assert width >= 640  # drawn at twice the picture's 640 units, sharp enough to print


def test_json_export_holds_all_my_data_and_reads_back(client, my_web):
    response = client.get(my_web + "web/export.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == 'attachment; filename="mentoring-web.json"'
    assert "no-store" in response.headers["Cache-Control"]
    data = json.loads(response.get_data(as_text=True))

    web = web_from_json(data)
    assert [strand.label for strand in web.strands] == [
        "M.K. (Gr. 1 teaching partner)",
        "Conseillère pédagogique FLS",
    ]
    assert web.strands[0].supports == {Support.INSTRUCTIONAL_PRACTICE, Support.WELLBEING}
    assert web.strands[1].is_planned
    assert web.centre.strengths == ("Patience",)
    assert web.centre.goals == ("Observe a lesson",)
    assert data["centre"]["display_name"] == "Priya Singh"
    assert data["score"]["total"] == 4
    assert data["course"]["title"] == "Mentoring for All — Demo course"
    assert data["shared_with_facilitators"] is False
    (snapshot,) = data["snapshots"]
    assert snapshot["reason"] == "requested"
    assert snapshot["total"] == 4
    assert snapshot["band"] == "seed"
    assert len(web_from_json(snapshot["web"]).strands) == 2
    # Non-ASCII is written as is, so the file reads well in an editor.
    assert "Conseillère" in response.get_data(as_text=True)


def test_summary_is_one_printable_page(client, my_web):
    response = client.get(my_web + "web/summary")
    assert response.status_code == 200
    text = page_text(response)
    body = response.get_data(as_text=True)
    assert "<h1>Mentoring web of Priya Singh</h1>" in text
    assert "Mentoring for All — Demo course" in text
    assert "As of " in text
    assert "Patience" in text
    assert 'id="summary-web-title"' in body  # the picture
    assert "Web strength 4 out of 20" in text
    assert "At least 5 active strands (1/5)" in text
    assert '<th scope="row">M.K. (Gr. 1 teaching partner)</th>' in text
    assert '<th scope="row">Conseillère pédagogique FLS</th>' in text
    assert 'id="print-summary" hidden' in body
    assert "nonce=" in body


def test_print_stylesheet_hides_the_tool_around_the_summary(client):
    with client.get("/static/css/app.css") as response:
        css = response.get_data(as_text=True)
    # Other pages append print rules of their own after it: look for the block that has these.
    print_blocks = css.split("@media print")[1:]
    assert any(
        ".no-print" in rules and ".subnav" in rules and "break-inside: avoid" in rules
        for rules in print_blocks
    )


def test_an_empty_web_exports_cleanly(client, fake_platform):
    base = launch(fake_platform, client, "zoe")
    svg = client.get(base + "web/export.svg")
    assert svg.status_code == 200
    assert nodes(svg.get_data(as_text=True)) == []
    png = client.get(base + "web/export.png")
    assert png.status_code == 200
    assert png.get_data().startswith(PNG_SIGNATURE)
    data = client.get(base + "web/export.json").get_json()
    assert data["strands"] == []
    assert data["snapshots"] == []
    assert web_from_json(data).strands == ()
    summary = client.get(base + "web/summary")
    assert summary.status_code == 200
    assert "No strands yet." in page_text(summary)
