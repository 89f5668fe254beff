"""Growth over time through a real launch: taking snapshots, listing them, comparing two moments,
and the milestone snapshot the mini-modules feature takes."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import func, select

from lti_tool.extensions import db
from lti_tool.launches.services import load_launch
from lti_tool.mentoring_web.domain.export import web_from_json
from lti_tool.mentoring_web.models import WebSnapshot
from lti_tool.mentoring_web.services.snapshots import take_milestone_snapshot
from tests.integration.mentoring_web.my_web_pages import add_strand, csrf_token, launch
from tests.lti_helpers import page_text

PAYROLL = {
    "label": "Payroll lead",
    "board_role": "business_support_staff",
    "model": "broker",
    "supports": ["system_navigation"],
    "location": "same_board_other_site",
    "direction": "mutual",
    "i_offer": "Help with the new timesheets",
}


def take(client, base: str):
    page = client.get(base + "web/")
    assert "Take a snapshot" in page_text(page)
    return client.post(base + "web/snapshots", data={"csrf_token": csrf_token(page)})


def snapshot_rows(app: Flask) -> list[WebSnapshot]:
    with app.app_context():
        rows = list(db.session.scalars(select(WebSnapshot).order_by(WebSnapshot.id)))
        db.session.expunge_all()
        db.session.remove()
    return rows


def test_the_web_page_links_to_snapshots(client, fake_platform):
    base = launch(fake_platform, client)
    body = client.get(base + "web/").get_data(as_text=True)
    assert f'action="{base}web/snapshots"' in body
    assert f'href="{base}web/snapshots">My web over time</a>' in body


def test_taking_a_snapshot_stores_the_web_and_its_score_and_lists_it(app, client, fake_platform):
    base = launch(fake_platform, client)
    add_strand(client, base)

    response = take(client, base)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(base + "web/snapshots")

    listing = client.get(response.headers["Location"])
    text = page_text(listing)
    assert listing.status_code == 200
    assert "Snapshot taken." in text
    assert "Taken on request" in text
    assert "4 out of 20" in text
    assert "Seed" in text
    assert re.search(r'<th scope="row"><time datetime="\d{4}-\d\d-\d\dT[\d:]+Z">', text)

    (row,) = snapshot_rows(app)
    assert row.reason == "requested"
    assert (row.total, row.band) == (4, "seed")
    web = web_from_json(row.web)
    assert [strand.label for strand in web.strands] == ["M.K. (Gr. 1 teaching partner)"]
    assert row.web["score"]["total"] == 4

    # The message is shown once.
    assert "Snapshot taken." not in page_text(client.get(base + "web/snapshots"))


def test_a_snapshot_of_an_empty_web_is_allowed(app, client, fake_platform):
    base = launch(fake_platform, client)
    assert take(client, base).status_code == 303
    assert "0 out of 20" in page_text(client.get(base + "web/snapshots"))


def test_compare_without_snapshots_invites_taking_one(client, fake_platform):
    base = launch(fake_platform, client)
    response = client.get(base + "web/snapshots/compare")
    assert response.status_code == 200
    assert "take a snapshot of your web first" in page_text(response)
    assert "No snapshots yet" in page_text(client.get(base + "web/snapshots"))


def test_compare_latest_snapshot_with_now_shows_what_grew(client, fake_platform):
    base = launch(fake_platform, client)
    add_strand(client, base)
    take(client, base)
    add_strand(client, base, **PAYROLL)

    response = client.get(base + "web/snapshots/compare")  # default: latest snapshot vs. today
    assert response.status_code == 200
    text = page_text(response)
    gained = _section(text, "gained-title")
    assert "Payroll lead" in gained
    assert "M.K." not in gained
    assert "None: every strand active then is still active." in _section(text, "ended-title")
    assert "Business, operations & office staff" in _section(text, "families-title")
    assert "Shows me how things work here and who to ask" in _section(text, "supports-title")
    # 4 then (1+1+2+0+0); now 2 strands, 2 families, 3 supports, 2 models, strong ties and
    # mutuality: 2+2+3+1+2 = 10.
    assert _row(text, "Web strength (out of 20)") == ["4", "10", "+6"]
    assert _row(text, "Active strands") == ["1", "2", "+1"]
    assert _row(text, "Band") == ["Seed", "Growing", "Seed → Growing"]
    assert "to today" in text
    # Both pictures, each with its own ids, and the form's two labelled selects.
    assert 'id="web-then-title"' in text
    assert 'id="web-now-title"' in text
    assert '<label for="earlier">' in text
    assert '<label for="later">' in text
    assert '<option value="current" selected>' in text


def test_compare_two_snapshots_in_either_order(app, client, fake_platform):
    base = launch(fake_platform, client)
    add_strand(client, base)
    take(client, base)
    add_strand(client, base, **PAYROLL)
    take(client, base)
    first, second = (row.id for row in snapshot_rows(app))

    forwards = page_text(client.get(base + f"web/snapshots/compare?earlier={first}&later={second}"))
    backwards = page_text(
        client.get(base + f"web/snapshots/compare?earlier={second}&later={first}")
    )
    for text in (forwards, backwards):
        assert "Payroll lead" in _section(text, "gained-title")
        assert _row(text, "Web strength (out of 20)") == ["4", "10", "+6"]
        assert f'<option value="{second}" selected>' in text


def test_an_ended_strand_shows_as_ended_in_the_comparison(client, fake_platform):
    base = launch(fake_platform, client)
    add_strand(client, base)
    add_strand(client, base, **PAYROLL)
    take(client, base)
    page = client.get(base + "web/")
    strand_id = re.search(r"/web/strands/(\d+)/end", page.get_data(as_text=True)).group(1)
    client.post(base + f"web/strands/{strand_id}/end", data={"csrf_token": csrf_token(page)})

    text = page_text(client.get(base + "web/snapshots/compare"))
    assert "M.K. (Gr. 1 teaching partner)" in _section(text, "ended-title")
    assert _row(text, "Web strength (out of 20)")[2].startswith("−")


def test_a_bad_snapshot_id_is_not_found(client, fake_platform):
    base = launch(fake_platform, client)
    take(client, base)
    for query in ("earlier=999999", "earlier=abc", "later=999999", "later=-1"):
        response = client.get(base + f"web/snapshots/compare?{query}")
        assert response.status_code == 404, query


def test_a_module_milestone_takes_one_snapshot(app: Flask, client, fake_platform):
    base = launch(fake_platform, client)
    launch_id = base.strip("/").split("/")[1]
    with app.app_context():
        context = load_launch(app.extensions["lti_state_store"], launch_id)
        # No web yet: nothing to record, nothing written.
        assert take_milestone_snapshot(db.session, context, "multiple-models-of-mentorship") is None
        db.session.remove()
    assert snapshot_rows(app) == []

    add_strand(client, base)
    with app.app_context():
        context = load_launch(app.extensions["lti_state_store"], launch_id)
        first = take_milestone_snapshot(db.session, context, "multiple-models-of-mentorship")
        db.session.commit()
        again = take_milestone_snapshot(db.session, context, "multiple-models-of-mentorship")
        assert first is not None
        assert again is not None
        assert again.id == first.id
        db.session.remove()

    (row,) = snapshot_rows(app)
    assert row.reason == "module:multiple-models-of-mentorship"
    text = page_text(client.get(base + "web/snapshots"))
    assert "Finished the mini-module “Multiple Models of Mentorship”" in text


def test_every_snapshot_is_listed(app, client, fake_platform):
    base = launch(fake_platform, client)
    for _ in range(3):
        take(client, base)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(WebSnapshot)) == 3
        db.session.remove()
    body = client.get(base + "web/snapshots").get_data(as_text=True)
    assert body.count("Taken on request") == 3


def _section(text: str, heading_id: str) -> str:
    start = text.find(f'id="{heading_id}"')
    assert start >= 0, heading_id
    return text[start : text.find("</section>", start)]


def _row(text: str, header: str) -> list[str]:
    match = re.search(
        rf'<th scope="row">{re.escape(header)}[^<]*(?:<span[^>]*>[^<]*</span>)?</th>(.*?)</tr>',
        text,
        re.S,
    )
    assert match, header
    return [cell.strip() for cell in re.findall(r"<td>(.*?)</td>", match.group(1), re.S)]
