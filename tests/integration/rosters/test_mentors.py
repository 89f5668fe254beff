"""Mentors (issue 5 point 4): a launch with the LTI Mentor role and `role_scope_mentor` reads the
webs and reflections of the mentees listed there, and only what each mentee shares with mentors.

On the fake LMS, Marc-André Gagnon is a Mentor whose launches list Jean-François Côté; Priya Singh
is a learner of the same course whom Marc does not mentor.
"""

from __future__ import annotations

import io

import pytest
from flask import Flask
from sqlalchemy import select

from lti_tool.extensions import db
from lti_tool.people.models import User
from tests.fake_platform import FakePlatform
from tests.integration.course_progress.progress_pages import assign
from tests.integration.learning_modules.test_files import fetch
from tests.integration.learning_modules.test_player import MODULE, PROMPT, player
from tests.integration.mentoring_web.my_web_pages import csrf_token
from tests.integration.mentoring_web.test_privacy_helpers import Person, launch_as
from tests.lti_helpers import page_text

ROLE_SCOPE_MENTOR = "https://purl.imsglobal.org/spec/lti/claim/role_scope_mentor"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SECRET_LABEL = "Tante Ghislaine (my aunt)"


def user_id(app: Flask, platform: FakePlatform, key: str) -> int:
    with app.app_context():
        found = db.session.scalar(select(User.id).where(User.sub == platform.member(key).sub))
        db.session.remove()
    return found


def reflect(person: Person, text: str, *, mentors: bool, visibility: str = "private", pdf=False):
    """Submit the module's first reflection through the player's form."""
    page = person.client.get(f"{player(person.path)}?section=reflection")
    form = {
        "csrf_token": csrf_token(page),
        "answer": text,
        "action": "submit",
        "visibility": visibility,
        "link": "",
    }
    if mentors:
        form["mentors"] = "1"
    if pdf:
        form["attachment"] = (io.BytesIO(PDF), "plan-de-croissance.pdf")
    response = person.client.post(
        f"{player(person.path)}/reflection/{PROMPT}", data=form, content_type="multipart/form-data"
    )
    assert response.status_code == 303, page_text(response)[:1500]


def share_web_with_mentors(person: Person, shared: bool = True) -> None:
    response = person.post(
        "web/sharing", {"share": "yes" if shared else "no", "audience": "mentors"}
    )
    assert response.status_code == 303


@pytest.fixture
def people(app, fake_platform):
    """Jean-François and Priya each launched once, then Marc (whose scope lists Jean-François)."""
    jf = launch_as(app, fake_platform, "jean-francois")
    priya = launch_as(app, fake_platform, "priya")
    marc = launch_as(app, fake_platform, "marc")
    return jf, priya, marc


# Webs ---------------------------------------------------------------------------------------------


def test_a_mentor_sees_the_web_a_mentee_shares_with_mentors_as_roles(app, fake_platform, people):
    jf, _priya, marc = people
    jf.add_strand(SECRET_LABEL)
    share_web_with_mentors(jf)

    response = marc.get(f"web/mentees/{user_id(app, fake_platform, 'jean-francois')}")
    assert response.status_code == 200
    text = page_text(response)
    assert "Mentoring web of Jean-François Côté" in text
    assert "Shared with their mentors by its owner" in text
    assert "Classroom teacher" in text  # the strand's role
    assert SECRET_LABEL not in response.get_data(as_text=True)  # never the words they wrote


def test_a_mentee_sees_who_their_mentors_are_and_what_they_share(app, fake_platform, people):
    jf, _priya, _marc = people
    jf.add_strand(SECRET_LABEL)
    text = page_text(jf.get("web/"))
    assert "Your LMS names 1 mentor for you in this course: Marc-André Gagnon." in text
    assert "Right now, your mentors cannot see this web." in text
    share_web_with_mentors(jf)
    assert "Right now, your mentors can see this web" in page_text(jf.get("web/"))


@pytest.mark.parametrize("shared_with", ["nobody", "facilitators", "stopped"])
def test_a_web_not_shared_with_mentors_shows_nothing_of_it(app, fake_platform, people, shared_with):
    jf, _priya, marc = people
    jf.add_strand(SECRET_LABEL)
    if shared_with == "facilitators":
        assert jf.share().status_code == 303  # facilitators only: mentors see nothing
    if shared_with == "stopped":
        share_web_with_mentors(jf)
        share_web_with_mentors(jf, shared=False)
    response = marc.get(f"web/mentees/{user_id(app, fake_platform, 'jean-francois')}")
    assert response.status_code == 200
    text = page_text(response)
    assert "This web is not shared with their mentors at the moment." in text
    assert "Classroom teacher" not in text
    assert "<svg" not in response.get_data(as_text=True)


def test_a_mentors_grid_links_each_mentee_to_what_they_share(app, fake_platform, people):
    jf, _priya, marc = people
    jf.add_strand(SECRET_LABEL)
    share_web_with_mentors(jf)
    reflect(jf, "<p>Pour Marc-André.</p>", mentors=True)
    assign(launch_as(app, fake_platform, "amelie"), (MODULE.slug, True, ""))
    html = marc.get("progress/").get_data(as_text=True)
    jf_id = user_id(app, fake_platform, "jean-francois")
    for target in (f"web/mentees/{jf_id}", f"modules/mentees/{jf_id}"):
        assert f'href="{marc.path}{target}"' in html
        assert marc.get(target).status_code == 200
    assert "Pour Marc-André." in page_text(marc.get(f"modules/mentees/{jf_id}"))
    assert f"mentees/{user_id(app, fake_platform, 'priya')}" not in html


def test_a_mentor_sees_nobody_outside_their_scope(app, fake_platform, people):
    _jf, priya, marc = people
    priya.add_strand(SECRET_LABEL)
    share_web_with_mentors(priya)  # shared with *her* mentors; Marc is not one
    response = marc.get(f"web/mentees/{user_id(app, fake_platform, 'priya')}")
    assert response.status_code == 404
    assert "Priya" not in response.get_data(as_text=True)


def test_a_mentor_launch_without_a_scope_sees_nobody(app, fake_platform, people):
    jf, _priya, _marc = people
    jf.add_strand(SECRET_LABEL)
    share_web_with_mentors(jf)
    unscoped = launch_as(app, fake_platform, "marc", {ROLE_SCOPE_MENTOR: None})
    response = unscoped.get(f"web/mentees/{user_id(app, fake_platform, 'jean-francois')}")
    assert response.status_code == 404


@pytest.mark.parametrize("viewer", ["priya", "amelie"])
def test_only_mentors_open_the_mentee_pages(app, fake_platform, people, viewer):
    jf, _priya, _marc = people
    jf.add_strand(SECRET_LABEL)
    share_web_with_mentors(jf)
    reflect(jf, "Ce que j'ai appris cette semaine.", mentors=True)
    person = launch_as(app, fake_platform, viewer)
    jf_id = user_id(app, fake_platform, "jean-francois")
    assert person.get(f"web/mentees/{jf_id}").status_code == 403
    assert person.get(f"modules/mentees/{jf_id}").status_code == 403


# Reflections -------------------------------------------------------------------------------------


def test_a_mentor_reads_reflections_shared_with_mentors_only(app, fake_platform, people):
    jf, _priya, marc = people
    reflect(jf, "<p>Première version, pour mon mentor.</p>", mentors=True)
    jf_id = user_id(app, fake_platform, "jean-francois")

    text = page_text(marc.get(f"modules/mentees/{jf_id}"))
    assert "Reflections Jean-François Côté shares with you" in text
    assert MODULE.title in text
    assert MODULE.prompts[0].text in text
    assert "Première version, pour mon mentor." in text

    # Unticking the box withdraws every version, the ones already submitted included.
    reflect(jf, "<p>Deuxième version, pour moi seul.</p>", mentors=False)
    text = page_text(marc.get(f"modules/mentees/{jf_id}"))
    assert "Première version" not in text
    assert "Deuxième version" not in text
    assert "Nothing is shared with you yet." in text


def test_sharing_with_facilitators_does_not_share_with_mentors(app, fake_platform, people):
    jf, _priya, marc = people
    reflect(jf, "<p>Pour la facilitatrice seulement.</p>", mentors=False, visibility="facilitator")
    text = page_text(marc.get(f"modules/mentees/{user_id(app, fake_platform, 'jean-francois')}"))
    assert "Pour la facilitatrice seulement." not in text


def test_a_mentor_cannot_read_someone_outside_their_scope(app, fake_platform, people):
    _jf, priya, marc = people
    reflect(priya, "<p>Le texte de Priya.</p>", mentors=True)
    response = marc.get(f"modules/mentees/{user_id(app, fake_platform, 'priya')}")
    assert response.status_code == 404
    assert "Le texte de Priya." not in response.get_data(as_text=True)


def test_a_mentor_downloads_a_file_only_while_it_is_shared_with_mentors(app, fake_platform, people):
    jf, _priya, marc = people
    reflect(jf, "<p>Avec mon plan.</p>", mentors=True, pdf=True)
    page = marc.get(f"modules/mentees/{user_id(app, fake_platform, 'jean-francois')}")
    html = page.get_data(as_text=True)
    assert "plan-de-croissance.pdf" in html
    start = html.index('href="', html.index("File:")) + len('href="')
    url = html[start : html.index('"', start)]
    assert fetch(marc.client, url)[:2] == (200, PDF)

    unscoped = launch_as(app, fake_platform, "marc", {ROLE_SCOPE_MENTOR: None})
    assert fetch(unscoped.client, url.replace(marc.path, unscoped.path))[0] == 404
    reflect(jf, "<p>Plus partagé.</p>", mentors=False)
    assert fetch(marc.client, url)[0] == 404
