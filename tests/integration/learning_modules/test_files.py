"""Files and links with reflections, through real launches: type checked from the bytes, stored in
the instance folder under a random name, downloaded only by the owner or a facilitator it was
shared with, never across learners or courses."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lti_tool import paths
from lti_tool.extensions import db
from lti_tool.learning_modules.models import Reflection, ReflectionFile, ReflectionVersion
from tests.fake_platform import FakePlatform
from tests.integration.learning_modules.test_player import PROMPT, SLUG, answer, player
from tests.integration.mentoring_web.my_web_pages import COURSE_B, csrf_token, launch
from tests.lti_helpers import page_text
from tests.page_forms import form_values

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
FILE_LINK = re.compile(r'href="([^"]*/files/([0-9a-f]{40}\.[a-z0-9]+))"')


def upload(
    client: FlaskClient,
    base: str,
    data: bytes,
    name: str,
    *,
    text: str = "My thoughts",
    action: str = "save",
    visibility: str = "private",
    link: str = "",
):
    """Choose a file for the first prompt of the reflection page and press Save or Submit."""
    page = client.get(f"{player(base)}?section=reflection")
    values: dict = form_values(page, f"/modules/{SLUG}/reflection")
    values.update(
        {
            f"answer-{PROMPT}": text,
            f"visibility-{PROMPT}": visibility,
            f"link-{PROMPT}": link,
            f"attachment-{PROMPT}": (io.BytesIO(data), name),
            "action": f"{action}:{PROMPT}",
        }
    )
    return client.post(
        f"{player(base)}/reflection", data=values, content_type="multipart/form-data"
    )


def file_links(client: FlaskClient, base: str) -> list[tuple[str, str]]:
    page = client.get(f"{player(base)}?section=reflection")
    return FILE_LINK.findall(page.text)


def fetch(client: FlaskClient, url: str) -> tuple[int, bytes, dict]:
    """GET a download and close it (the file handle), keeping status, body and headers."""
    with client.get(url) as response:
        return response.status_code, response.get_data(), dict(response.headers)


def uploads(app: Flask) -> Path:
    return Path(app.instance_path) / "uploads"


def stored_files(app: Flask) -> list[Path]:
    folder = uploads(app)
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_pdf_is_stored_outside_the_web_root_and_downloaded_by_its_owner(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    base = launch(fake_platform, client, "priya")
    response = upload(client, base, PDF, "../My plan.pdf")
    assert response.status_code == 303

    [(href, stored_name)] = file_links(client, base)
    [path] = stored_files(app)
    assert path.name == stored_name
    assert path.read_bytes() == PDF
    assert paths.PACKAGE_ROOT not in path.parents  # not under lti_tool/ (nor its static/)
    with app.app_context():
        row = db.session.scalars(select(ReflectionFile)).one()
        assert (row.original_name, row.mime, row.size, row.version_number) == (
            "My plan.pdf",
            "application/pdf",
            len(PDF),
            None,
        )

    status, body, headers = fetch(client, href)
    assert status == 200
    assert body == PDF
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"].startswith("attachment")
    assert "My plan.pdf" in headers["Content-Disposition"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "private, no-store"


def test_submitting_freezes_the_file_with_the_version(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    base = launch(fake_platform, client, "priya")
    upload(client, base, PDF, "plan.pdf", action="submit", link="https://example.org/plan")
    with app.app_context():
        row = db.session.scalars(select(ReflectionFile)).one()
        assert row.version_number == 1
        version = db.session.scalars(select(ReflectionVersion)).one()
        assert version.link_url == "https://example.org/plan"
    page = client.get(f"{player(base)}?section=reflection")
    assert "Attached to your draft" not in page.text
    assert "File:" in page_text(page)
    assert "https://example.org/plan" in page.text


def test_html_named_pdf_is_refused_and_nothing_is_written(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    base = launch(fake_platform, client, "priya")
    response = upload(client, base, HTML, "report.pdf", text="Kept text")
    assert response.status_code == 422
    assert "not an accepted type" in page_text(response)
    assert 'aria-invalid="true"' in response.text
    assert "Kept text</textarea>" in response.text
    assert stored_files(app) == []
    with app.app_context():
        assert db.session.scalars(select(ReflectionFile)).all() == []


@pytest.mark.parametrize("app_overrides", [{"REFLECTION_UPLOAD_MAX_BYTES": 1000}])
def test_a_file_over_the_limit_is_refused(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    base = launch(fake_platform, client, "priya")
    response = upload(client, base, PDF + b"0" * 2000, "big.pdf")
    assert response.status_code == 413
    assert "larger than" in page_text(response)
    assert stored_files(app) == []


@pytest.mark.parametrize("app_overrides", [{"MAX_CONTENT_LENGTH": 5000}])
def test_a_huge_request_body_is_refused_with_413(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    base = launch(fake_platform, client, "priya")
    response = upload(client, base, PDF + b"0" * 10_000, "huge.pdf")
    assert response.status_code == 413
    assert stored_files(app) == []


def test_a_new_upload_replaces_the_draft_file(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    base = launch(fake_platform, client, "priya")
    upload(client, base, PDF, "one.pdf")
    upload(client, base, b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "two.png")
    [(_href, stored_name)] = file_links(client, base)
    assert stored_name.endswith(".png")
    assert [p.name for p in stored_files(app)] == [stored_name]


def shared_file(client: FlaskClient, fake_platform: FakePlatform, visibility: str) -> str:
    base = launch(fake_platform, client, "priya")
    assert upload(client, base, PDF, "plan.pdf", action="submit", visibility=visibility)
    [(_href, stored_name)] = file_links(client, base)
    return stored_name


def test_a_facilitator_downloads_a_shared_version_but_not_a_private_one(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    stored_name = shared_file(client, fake_platform, "facilitator")
    facilitator = app.test_client()
    fbase = launch(fake_platform, facilitator, "amelie")
    assert fetch(facilitator, f"{player(fbase)}/files/{stored_name}")[:2] == (200, PDF)

    # The learner makes it private again: the facilitator's link now leads nowhere.
    base = launch(fake_platform, client, "priya")
    answer(client, base, "My thoughts", visibility="private")
    assert facilitator.get(f"{player(fbase)}/files/{stored_name}").status_code == 404


def test_a_facilitator_cannot_download_a_private_version(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    stored_name = shared_file(client, fake_platform, "private")
    facilitator = app.test_client()
    fbase = launch(fake_platform, facilitator, "amelie")
    assert facilitator.get(f"{player(fbase)}/files/{stored_name}").status_code == 404


def test_a_facilitator_cannot_download_a_shared_draft_file(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    base = launch(fake_platform, client, "priya")
    upload(client, base, PDF, "draft.pdf", visibility="facilitator")
    [(_href, stored_name)] = file_links(client, base)
    facilitator = app.test_client()
    fbase = launch(fake_platform, facilitator, "amelie")
    assert facilitator.get(f"{player(fbase)}/files/{stored_name}").status_code == 404


def test_another_learner_and_another_course_get_404(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    stored_name = shared_file(client, fake_platform, "facilitator")
    other = app.test_client()
    zbase = launch(fake_platform, other, "zoe")
    assert other.get(f"{player(zbase)}/files/{stored_name}").status_code == 404

    elsewhere = app.test_client()
    bbase = launch(fake_platform, elsewhere, "priya", course=COURSE_B)
    assert elsewhere.get(f"{player(bbase)}/files/{stored_name}").status_code == 404
    facilitator_b = app.test_client()
    fbase = launch(fake_platform, facilitator_b, "amelie", course=COURSE_B)
    assert facilitator_b.get(f"{player(fbase)}/files/{stored_name}").status_code == 404

    owner = app.test_client()
    obase = launch(fake_platform, owner, "priya")
    assert owner.get(f"{player(obase)}/files/../../tool.sqlite3").status_code == 404
    assert owner.get(f"{player(obase)}/files/{'0' * 40}.pdf").status_code == 404
    assert owner.get(f"{player(obase, 'no-such-module')}/files/{stored_name}").status_code == 404


def test_the_link_accepts_https_and_refuses_other_schemes(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    base = launch(fake_platform, client, "priya")
    for bad in ("javascript:alert(1)", "http://example.org/plan"):
        page = client.get(f"{player(base)}?section=reflection")
        response = client.post(
            f"{player(base)}/reflection/{PROMPT}",
            data={"csrf_token": csrf_token(page), "answer": "x", "link": bad},
        )
        assert response.status_code == 422
        assert "https://" in page_text(response)
        assert f'id="link-{PROMPT}"' in response.text
        assert 'aria-invalid="true"' in response.text
    with app.app_context():
        assert db.session.scalars(select(Reflection.link_url)).all() in ([], [None])

    page = client.get(f"{player(base)}?section=reflection")
    response = client.post(
        f"{player(base)}/reflection/{PROMPT}",
        data={"csrf_token": csrf_token(page), "answer": "x", "link": "https://example.org/p"},
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert 'value="https://example.org/p"' in page.text


def test_an_upload_without_the_csrf_token_is_refused(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    base = launch(fake_platform, client, "priya")
    response = client.post(
        f"{player(base)}/reflection/{PROMPT}",
        data={"answer": "x", "attachment": (io.BytesIO(PDF), "plan.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert stored_files(app) == []


def test_the_form_is_multipart_with_labelled_file_and_link_inputs(
    client: FlaskClient, fake_platform: FakePlatform
) -> None:
    base = launch(fake_platform, client, "priya")
    page = client.get(f"{player(base)}?section=reflection")
    assert 'enctype="multipart/form-data"' in page.text
    assert f'<label for="attachment-{PROMPT}">' in page.text
    assert f'<label for="link-{PROMPT}">' in page.text
    assert "up to 10 MB" in page_text(page)


def test_a_zip_bomb_odt_is_refused_with_a_clear_message(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    from tests.unit.learning_modules.test_domain_files import zip_bomb

    base = launch(fake_platform, client, "priya")
    response = upload(client, base, zip_bomb(inflated=16 * 1024 * 1024), "plan.odt")
    assert response.status_code == 422
    assert "expand too far" in page_text(response)
    assert stored_files(app) == []


def test_an_upload_whose_commit_fails_leaves_no_file(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform, monkeypatch
) -> None:
    from sqlalchemy.exc import OperationalError

    base = launch(fake_platform, client, "priya")
    page = client.get(f"{player(base)}?section=reflection")  # before the database fails
    assert page.status_code == 200

    def locked() -> None:
        raise OperationalError("COMMIT", {}, Exception("database is locked"))

    monkeypatch.setattr(db.session, "commit", locked)
    response = upload(client, base, PDF, "plan.pdf")
    assert response.status_code == 500
    assert "My thoughts</textarea>" in page_text(response)  # what was typed is given back
    assert stored_files(app) == []


def test_the_sweep_finishes_a_killed_workers_upload_and_removes_orphans(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform, monkeypatch
) -> None:
    import os
    import time

    from lti_tool.learning_modules.services import files

    base = launch(fake_platform, client, "priya")
    # The worker dies after the commit, before the file takes its stored name.
    monkeypatch.setattr(files.StagedUpload, "publish", lambda self: None)
    assert upload(client, base, PDF, "plan.pdf").status_code == 303
    monkeypatch.undo()
    (pending,) = stored_files(app)
    assert pending.name.startswith(files.PENDING_PREFIX)
    # And one died before its commit, an hour ago; a stray file no row names is as old.
    hour_ago = time.time() - 3700
    for name in (f"{files.PENDING_PREFIX}{'a' * 40}.pdf", f"{'b' * 40}.pdf", ".upload-x1"):
        (uploads(app) / name).write_bytes(PDF)
        os.utime(uploads(app) / name, (hour_ago, hour_ago))
    young = uploads(app) / f"{'c' * 40}.pdf"  # an upload in flight right now: left alone
    young.write_bytes(PDF)

    result = app.test_cli_runner().invoke(args=["files", "sweep"])

    assert result.exit_code == 0, result.output
    assert "published 1, removed 3" in result.output
    (link,) = file_links(client, base)
    assert fetch(client, link[0])[:2] == (200, PDF)
    assert sorted(p.name for p in stored_files(app)) == sorted([link[1], young.name])
